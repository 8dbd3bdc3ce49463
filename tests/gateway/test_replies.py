"""Replies of every operation parse into typed results or the operation's exception.

The replies come from oscar_docdata.testing.replies, which is checked here too: with
default arguments every reply validates against the bundled XSD.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from oscar_docdata.exceptions import REQUEST_ERRORS, DocdataGatewayError
from oscar_docdata.gateway import (
    CancelResult,
    CaptureResult,
    CreateResult,
    IdealAuthorizationResult,
    IdealIssuer,
    IdealPayment,
    Mandate,
    PaymentMethod,
    RefundResult,
    StatusReport,
)
from oscar_docdata.testing import replies as r

from .conftest import ORDER_KEY, assert_valid, eur


def reply_body(envelope: bytes) -> etree._Element:
    return etree.fromstring(envelope).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]


ALL_REPLIES = {
    "status": r.status_reply(
        registered=1000, acquirer_approved=1000, captured=1000, refunded=100,
        charged_back=50, reversed=10, exchanged_to="EUR",
        exchange_rate_date="2024-05-01 00:00:00",
        considered_safe=(True, "SAFE", "2024-05-01T10:00:00+02:00", "EXACT_MATCH"),
        payments=[r.payment_xml(1234567890, amount=1000, reason="OK",
                                captures=[("CAPTURED", 1000, None, "C1")],
                                refunds=[("CAPTURED", 100, "customer", "R1")],
                                chargebacks=[("CHARGED", 50)], reversal=(10, "fee"))]),
    "statusExtended": r.status_reply(
        registered=1000, extended=True,
        payments=[r.payment_xml(1, amount=1000, extended_xml=r.risk_checks_xml(
            5, [("IP_COUNTRY", 5)]) + r.ideal_info_xml()),
                  r.payment_xml(2, method="VISA", amount=1000,
                                extended_xml=r.card_info_xml("VISA")),
                  r.payment_xml(3, method="SEPA_DIRECT_DEBIT", amount=1000,
                                confidence="ACQUIRER_PENDING",
                                extended_xml=r.sepa_info_xml(mandate_number="M-1"))]),
    "create": r.create_reply(ORDER_KEY, payment_id=1234567890),
    "start": r.start_reply(1234567890, "REDIRECTED_FOR_AUTHENTICATION",
                           redirect=("POST", "https://acs.example/3ds", {"MD": "abc",
                                                                         "PaReq": "xyz"})),
    "proceed": r.proceed_reply(1234567890),
    "cancel": r.cancel_reply("ALREADY_CANCELED"),
    "capture": r.capture_reply(),
    "refund": r.refund_reply(),
    "listPaymentMethods": r.list_payment_methods_reply(
        ["VISA", ("SEPA_DIRECT_DEBIT", (), [("M-1", "SEPA", "RECURRING", "ACTIVE")])]),
}


@pytest.mark.parametrize("operation", sorted(ALL_REPLIES))
def test_default_replies_validate_against_the_xsd(operation):
    assert_valid(reply_body(ALL_REPLIES[operation]))


@pytest.mark.parametrize("operation", sorted(REQUEST_ERRORS))
def test_error_replies_validate_against_the_xsd(operation):
    assert_valid(reply_body(r.error_reply(operation)))


@pytest.mark.parametrize("kwargs", [
    {"payment_id": None, "insufficient_data": True},
    {"payment_id": 77, "status": "AUTHORIZATION_FAILED", "error": ("REFUSED", "Refused")},
    {"payment_id": 77, "status": "AUTHORIZED", "redirect": ("GET", "https://bank.example")},
])
def test_start_reply_variants_validate(kwargs):
    assert_valid(reply_body(r.start_reply(**kwargs)))


def test_fault_is_a_soap_fault():
    fault = reply_body(r.soap_fault("Boom"))
    assert etree.QName(fault).localname == "Fault"
    assert fault.findtext("faultstring") == "Boom"


# --- parsing ---------------------------------------------------------------------------


def test_status_report(docdata, client):
    docdata.add("status", ALL_REPLIES["status"])
    report = client.status(ORDER_KEY)
    assert isinstance(report, StatusReport)
    assert report.order_key == ORDER_KEY
    assert report.ddp_xsd_version == "1.3.14"
    totals = report.totals
    assert (totals.registered, totals.acquirer_approved, totals.captured, totals.refunded,
            totals.charged_back, totals.reversed) == (1000, 1000, 1000, 100, 50, 10)
    assert (totals.exchanged_to, totals.exchange_rate_date, totals.currency) == (
        "EUR", "2024-05-01 00:00:00", "EUR")
    (line,) = report.payments
    assert line.payment_id == 1234567890
    authorization = line.authorization
    assert (authorization.status, authorization.amount, authorization.currency,
            authorization.confidence_level, authorization.reason) == (
        "AUTHORIZED", 1000, "EUR", "ACQUIRER_APPROVED", "OK")
    assert authorization.captures[0].reference == "C1"
    assert (authorization.refunds[0].status, authorization.refunds[0].amount,
            authorization.refunds[0].reason) == ("CAPTURED", 100, "customer")
    assert authorization.chargebacks[0].status == "CHARGED"
    assert (authorization.reversal.amount, authorization.reversal.reason) == (10, "fee")
    safe = report.considered_safe
    assert (safe.value, safe.level, safe.reason) == (True, "SAFE", "EXACT_MATCH")
    assert safe.date == datetime(2024, 5, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    assert (report.original_version, report.conversion_applied) == ("1.3", False)
    assert line.extended is None


def test_status_extended_report_has_method_details(docdata, client):
    docdata.add("statusExtended", ALL_REPLIES["statusExtended"])
    report = client.status_extended(ORDER_KEY)
    ideal, card, sepa = (line.extended for line in report.payments)
    assert (ideal.risk_score, ideal.risk_checks) == (5, (("IP_COUNTRY", 5),))
    assert ideal.method_info == "iDealPaymentInfo"
    assert ideal.details["shopperBankAccount"] == {"iban": "NL91ABNA0417164300",
                                                   "bic": "ABNANL2A"}
    assert card.method_info == "visaPaymentInfo"
    assert card.details["panLast4"] == "1111"
    assert (sepa.method_info, sepa.details["mandateNumber"]) == ("sepaDirectDebitPaymentInfo",
                                                                  "M-1")
    assert docdata.requests[0].xml().find(".//{*}extendedStatusRequest") is not None


def test_payments_are_sorted_numerically_by_id(docdata, client):
    payments = [r.payment_xml(payment_id, amount=1) for payment_id in (100, 9, 1000000000, 10)]
    docdata.add("status", r.status_reply(registered=1, payments=payments))
    report = client.status(ORDER_KEY)
    assert [line.payment_id for line in report.payments] == [9, 10, 100, 1000000000]


def test_report_without_payments(docdata, client):
    docdata.add("status", r.status_reply(registered=500))
    report = client.status(ORDER_KEY)
    assert report.payments == ()
    assert report.totals.currency is None
    assert report.considered_safe is None


def test_totals_take_the_payments_currency(docdata, client):
    docdata.add("status", r.status_reply(registered=500, payments=[
        r.payment_xml(1, amount=500, currency="JPY")]))
    assert client.status(ORDER_KEY).totals.currency == "JPY"


def test_an_older_reply_without_api_information_and_total_reversed_parses(docdata, client):
    docdata.add("status", r.status_reply(registered=500, api_information=False,
                                         total_reversed=False,
                                         payments=[r.payment_xml(1, amount=500)]))
    report = client.status(ORDER_KEY)
    assert report.totals.reversed is None
    assert (report.original_version, report.conversion_applied) == (None, None)


UNKNOWN = '<futureThing xmlns="">new</futureThing><futureQualified>x</futureQualified>'


def test_a_newer_reply_with_unknown_elements_and_values_parses(docdata, client):
    payment = r.payment_xml(5, method="NEW_METHOD", status="SOMETHING_NEW", amount=500,
                            confidence="NEW_LEVEL", captures=[("NEW_CAPTURE_STATUS", 500)],
                            extra_xml=UNKNOWN,
                            extended_xml=r.ideal_info_xml() + UNKNOWN)
    body = r.status_reply(registered=500, payments=[payment],
                          considered_safe=(False, "NEW_LEVEL", "soon", "NEW_REASON"),
                          extra_report_xml=UNKNOWN, extra_totals_xml=UNKNOWN,
                          ddp_xsd_version="1.3.99")
    assert not _validates(body), "the schema rejects these replies: parsing must be lenient"
    docdata.add("status", body)
    report = client.status(ORDER_KEY)
    line = report.payments[0]
    assert (line.payment_method, line.authorization.status,
            line.authorization.confidence_level) == ("NEW_METHOD", "SOMETHING_NEW", "NEW_LEVEL")
    assert line.authorization.captures[0].status == "NEW_CAPTURE_STATUS"
    assert report.considered_safe.date is None
    assert report.considered_safe.reason == "NEW_REASON"
    assert report.ddp_xsd_version == "1.3.99"


def _validates(body: bytes) -> bool:
    from oscar_docdata.gateway import schema

    return schema.xml_schema().validate(reply_body(body))


@pytest.mark.parametrize("operation", ["create", "start", "proceed", "cancel", "capture",
                                       "refund", "listPaymentMethods"])
def test_unknown_elements_in_other_replies_parse(docdata, client, operation, shopper,
                                                 bill_to):
    builders = {
        "create": lambda: r.create_reply(ORDER_KEY, extra_xml=UNKNOWN),
        "start": lambda: r.start_reply(1, extra_xml=UNKNOWN),
        "proceed": lambda: r.proceed_reply(1, extra_xml=UNKNOWN),
        "cancel": lambda: r.cancel_reply("SOMETHING_NEW", extra_xml=UNKNOWN),
        "capture": lambda: r.capture_reply(extra_xml=UNKNOWN),
        "refund": lambda: r.refund_reply(extra_xml=UNKNOWN),
        "listPaymentMethods": lambda: r.list_payment_methods_reply(["X"], extra_xml=UNKNOWN),
    }
    docdata.add(operation, builders[operation]())
    result = call(client, operation, shopper, bill_to)
    assert result is not None


def call(client, operation, shopper, bill_to):
    """Run ``operation`` with minimal valid arguments."""
    return {
        "create": lambda: client.create("1001", eur("10.00"), shopper, bill_to),
        "start": lambda: client.start(ORDER_KEY, IdealPayment("INGBNL2A")),
        "proceed": lambda: client.proceed(1234567890, IdealAuthorizationResult()),
        "cancel": lambda: client.cancel(ORDER_KEY),
        "capture": lambda: client.capture(1234567890),
        "refund": lambda: client.refund(1234567890),
        "status": lambda: client.status(ORDER_KEY),
        "statusExtended": lambda: client.status_extended(ORDER_KEY),
        "listPaymentMethods": lambda: client.list_payment_methods(ORDER_KEY),
    }[operation]()


def test_create_result(docdata, client, shopper, bill_to):
    docdata.add("create", r.create_reply(ORDER_KEY))
    result = client.create("1001", eur("10.00"), shopper, bill_to)
    assert result == CreateResult(order_id="1001", order_key=ORDER_KEY)


def test_create_result_with_payment_response(docdata, client, shopper, bill_to):
    docdata.add("create", r.create_reply(ORDER_KEY, payment_id=1234567890))
    result = client.create("1001", eur("10.00"), shopper, bill_to,
                           initial_payment_reference="first-1")
    assert result.payment_response.succeeded
    assert result.payment_response.payment_id == 1234567890


def test_start_result_with_redirect(docdata, client):
    docdata.add("start", ALL_REPLIES["start"])
    result = client.start(ORDER_KEY, IdealPayment("INGBNL2A"))
    assert (result.payment_id, result.status) == (1234567890, "REDIRECTED_FOR_AUTHENTICATION")
    assert result.redirect.method == "POST"
    assert result.redirect.url == "https://acs.example/3ds"
    assert result.redirect.parameters == {"MD": "abc", "PaReq": "xyz"}


def test_start_result_with_payment_error(docdata, client):
    docdata.add("start", r.start_reply(77, "AUTHORIZATION_FAILED",
                                       error=("REFUSED", "Card refused")))
    response = client.start(ORDER_KEY, IdealPayment("INGBNL2A")).payment_response
    assert not response.succeeded
    assert (response.error, response.status, response.payment_id) == (
        ("REFUSED", "Card refused"), "AUTHORIZATION_FAILED", 77)


def test_start_result_with_insufficient_data(docdata, client):
    docdata.add("start", r.start_reply(None, insufficient_data=True))
    result = client.start(ORDER_KEY, IdealPayment("INGBNL2A"))
    assert result.payment_response.insufficient_data
    assert result.payment_id is None


def test_proceed_result(docdata, client):
    docdata.add("proceed", r.proceed_reply(1234567890, "AUTHORIZED"))
    result = client.proceed(1234567890, IdealAuthorizationResult())
    assert (result.payment_id, result.status) == (1234567890, "AUTHORIZED")


@pytest.mark.parametrize("outcome", ["NO_PAYMENTS", "ALREADY_CANCELED", "SUCCESS", "FAILED",
                                     "PENDING"])
def test_cancel_result(docdata, client, outcome):
    docdata.add("cancel", r.cancel_reply(outcome))
    assert client.cancel(ORDER_KEY) == CancelResult(result=outcome,
                                                    message="Operation successful.")


def test_capture_and_refund_results(docdata, client):
    docdata.add("capture", r.capture_reply()).add("refund", r.refund_reply())
    assert client.capture(1234567890, eur("5.00")) == CaptureResult("Operation successful.")
    assert client.refund(1234567890, eur("5.00")) == RefundResult("Operation successful.")


def test_payment_methods_with_issuers_and_mandates(docdata, client):
    methods = [
        PaymentMethod("IDEAL", issuers=(IdealIssuer("INGBNL2A", "ING"),
                                        IdealIssuer("RABONL2U", "Rabobank"))),
        PaymentMethod("SEPA_DIRECT_DEBIT",
                      mandates=(Mandate("M-1", "SEPA", "RECURRING", "ACTIVE"),)),
        PaymentMethod("VISA"),
    ]
    docdata.add("listPaymentMethods", r.list_payment_methods_reply(methods))
    assert client.list_payment_methods(ORDER_KEY) == methods


def test_unqualified_issuers_are_read_too(docdata, client):
    body = r.list_payment_methods_reply(["IDEAL"]).replace(
        b"<name>IDEAL</name>",
        b'<name>IDEAL</name><issuers xmlns=""><issuer id="INGBNL2A">ING</issuer></issuers>')
    docdata.add("listPaymentMethods", body)
    (method,) = client.list_payment_methods(ORDER_KEY)
    assert method.issuers == (IdealIssuer("INGBNL2A", "ING"),)


@pytest.mark.parametrize("operation", sorted(REQUEST_ERRORS))
def test_errors_replies_raise_the_operations_exception_with_every_pair(
        docdata, client, operation, shopper, bill_to):
    errors = (("REQUEST_DATA_INCORRECT", "XML request does not match XSD."),
              ("SOMETHING_NEW", "An error code nobody knew"))
    docdata.add(operation, r.error_reply(operation, errors))
    with pytest.raises(REQUEST_ERRORS[operation]) as raised:
        call(client, operation, shopper, bill_to)
    assert raised.value.errors == list(errors)
    assert raised.value.operation == operation
    assert (raised.value.code, raised.value.value) == errors[0]


@pytest.mark.parametrize(("body", "reason"), [
    (r.envelope("statusResponse", ""), "holds neither statusSuccess nor statusErrors"),
    (r.envelope("createResponse", ""), "expected statusResponse, got createResponse"),
    (b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body/></S:Envelope>',
     "expected statusResponse, got an empty body"),
    (b"<html><body>Maintenance</body></html>", "not a SOAP envelope"),
    (r.status_reply(registered=1).replace(b"<approximateTotals>", b"<x>").replace(
        b"</approximateTotals>", b"</x>"), "report lacks approximateTotals"),
    (r.status_reply(registered=1, payments=[r.payment_xml(1, amount=5)]).replace(
        b"<id>1</id>", b"<id>one</id>"), "payment/id is not an integer"),
    (r.status_reply(registered=1).replace(b"<totalCaptured>0</totalCaptured>", b""),
     "lacks approximateTotals/totalCaptured"),
])
def test_replies_that_are_neither_success_nor_errors_are_gateway_errors(docdata, client, body,
                                                                        reason):
    docdata.add("status", body)
    with pytest.raises(DocdataGatewayError) as raised:
        client.status(ORDER_KEY)
    assert raised.value.operation == "status"
    assert reason in str(raised.value)
    assert str(raised.value).startswith("Docdata status: ")


def test_entities_in_replies_are_never_resolved(docdata, client, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-FILE-CONTENT")
    body = r.error_reply("status", [("X", "&leak;")]).replace(
        b"?>", f'?><!DOCTYPE S:Envelope [<!ENTITY leak SYSTEM "file://{secret_file}">]>'.encode(),
        1)
    docdata.add("status", body)
    with pytest.raises(REQUEST_ERRORS["status"]) as raised:
        client.status(ORDER_KEY)
    assert raised.value.errors[0][0] == "X"
    assert "TOP-SECRET-FILE-CONTENT" not in str(raised.value)
