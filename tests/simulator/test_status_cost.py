"""A status call's reads: few fixed queries, the same answers and bytes as before.

The SOAP status call is what reconciliation hammers; these tests pin what made it
cheap (compiled queries, one merchant query, a fault lookup without a transaction,
the report built with SubElement) to what it must still do.
"""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from oscar_docdata.simulator import accounts, faults, reads
from oscar_docdata.simulator.models import (
    Capture,
    Chargeback,
    Fault,
    Merchant,
    PaymentAttempt,
    Refund,
    SimulatedOrder,
)

from . import wire

pytestmark = pytest.mark.django_db

PASSWORD = wire.PASSWORD


@pytest.fixture
def sim(docdata_simulator):
    return docdata_simulator


def _order(number: int, merchant_name: str = "shop_test", amount: int = 10000,
           currency: str = "EUR") -> SimulatedOrder:
    return SimulatedOrder.objects.create(
        merchant=accounts.get_merchant(merchant_name), order_key=f"{0xC0570000 + number:032X}",
        merchant_order_reference=f"COST-{number}", amount=amount, currency=currency,
        profile="standard")


def _attempt(order, payment_id, method, status, amount, confidence, currency="EUR", **fields):
    return PaymentAttempt.objects.create(order=order, payment_id=payment_id, method=method,
                                         status=status, amount=amount, currency=currency,
                                         confidence=confidence, **fields)


def rich_order() -> SimulatedOrder:
    """Every kind of line, method detail and total a report can carry."""
    order = _order(1)
    ideal = _attempt(order, 4_100_000_001, "IDEAL", "AUTHORIZED", 4000, "ACQUIRER_APPROVED",
                     details={"issuer_id": "INGBNL2A", "holder_name": "Jan Jansen",
                              "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"})
    Capture.objects.create(attempt=ideal, status="CAPTURED", amount=3000, currency="EUR",
                           reference="CAP-1", reason="first")
    Capture.objects.create(attempt=ideal, status="FAILED", amount=500, currency="EUR")
    Refund.objects.create(attempt=ideal, status="CAPTURED", amount=1000, currency="EUR",
                          reference="REF-1")
    Chargeback.objects.create(attempt=ideal, status="CHARGED", amount=500, currency="EUR",
                              reference="CB-1", reason="fraud")
    _attempt(order, 4_100_000_002, "VISA", "AUTHENTICATION_FAILED", 2000, "SHOPPER_PENDING",
             reason="3-D Secure authentication failed",
             details={"card_holder": "J. Jansen", "card_country": "NL", "pan_last4": "1111",
                      "mandate_number": "M-1"})
    _attempt(order, 4_100_000_003, "SEPA_DIRECT_DEBIT", "AUTHORIZED", 2000, "ACQUIRER_PENDING",
             details={"iban": "NL91ABNA0417164300", "bic": "ABNANL2A", "country": "NL",
                      "mandate_number": "SIM-MANDATE-3"},
             reversal_amount=2000)
    _attempt(order, 4_100_000_004, "BANK_TRANSFER", "AUTHORIZATION_REQUESTED", 1000,
             "SHOPPER_PENDING", details={"email": "jan@example.com"})
    paypal = _attempt(order, 4_100_000_005, "PAYPAL_EXPRESS_CHECKOUT", "AUTHORIZED", 1000,
                      "ACQUIRER_APPROVED", currency="USD")
    PaymentAttempt.objects.filter(pk=paypal.pk).update(
        created=datetime(2024, 5, 6, 13, 14, 15, tzinfo=UTC))
    Capture.objects.create(attempt=paypal, status="CAPTURED", amount=1000, currency="USD")
    _attempt(order, 4_100_000_006, "MAESTRO", "AUTHORIZED", 100, "ACQUIRER_APPROVED",
             details={"card_holder": "J. Jansen", "mandate_number": "M-6"})
    return order


def status_reply(sim, order_key: str, operation="statusRequest", *, extensible=False) -> bytes:
    body = wire.request(operation, f"<d:paymentOrderKey>{order_key}</d:paymentOrderKey>",
                        extensible=extensible)
    response = wire.post(sim.base_url, body)
    wire.reply(response)  # 200 and valid against the XSD
    return re.sub(rb"<ddp:date>[^<]+</ddp:date>", b"<ddp:date>NOW</ddp:date>",
                  response.content)


# --- the bytes on the wire ---------------------------------------------------------------

ENVELOPE = ("<?xml version='1.0' encoding='UTF-8'?>\n<SOAP-ENV:Envelope "
            'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:ddp="http://www.docdatapayments.com/services/paymentservice/1_3/">'
            "<SOAP-ENV:Body>{}</SOAP-ENV:Body></SOAP-ENV:Envelope>")
EXTENSION = ('<simulatorExtension version="1.3.99">Added because the request said '
             "testExtensibility=true.</simulatorExtension>")


def _payments(extended: bool, extension: str) -> str:
    """The payment elements of rich_order(), as the simulator has always written them."""
    def info(text):
        return text if extended else ""

    risk = ('<ddp:extended><ddp:riskChecks score="0"><ddp:check score="0">IP_ADDRESS_COUNTRY'
            '</ddp:check><ddp:check score="0">VELOCITY</ddp:check></ddp:riskChecks>')
    return (
        "<ddp:payment><ddp:id>4100000001</ddp:id><ddp:paymentMethod>IDEAL</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHORIZED</ddp:status>"
        '<ddp:amount currency="EUR">4000</ddp:amount>'
        "<ddp:confidenceLevel>ACQUIRER_APPROVED</ddp:confidenceLevel>"
        "<ddp:capture><ddp:merchantCaptureId>CAP-1</ddp:merchantCaptureId>"
        '<ddp:status>CAPTURED</ddp:status><ddp:amount currency="EUR">3000</ddp:amount>'
        "<ddp:reason>first</ddp:reason></ddp:capture>"
        '<ddp:capture><ddp:status>FAILED</ddp:status><ddp:amount currency="EUR">500'
        "</ddp:amount></ddp:capture>"
        "<ddp:refund><ddp:merchantRefundId>REF-1</ddp:merchantRefundId>"
        '<ddp:status>CAPTURED</ddp:status><ddp:amount currency="EUR">1000</ddp:amount>'
        "</ddp:refund>"
        "<ddp:chargeback><ddp:chargebackId>CB-1</ddp:chargebackId>"
        '<ddp:status>CHARGED</ddp:status><ddp:amount currency="EUR">500</ddp:amount>'
        "<ddp:reason>fraud</ddp:reason></ddp:chargeback></ddp:authorization>"
        + info(risk + "<ddp:iDealPaymentInfo><ddp:issuerId>INGBNL2A</ddp:issuerId>"
               "<ddp:holderName>Jan Jansen</ddp:holderName><ddp:shopperBankAccount>"
               "<ddp:iban>NL91ABNA0417164300</ddp:iban><ddp:bic>ABNANL2A</ddp:bic>"
               "</ddp:shopperBankAccount></ddp:iDealPaymentInfo></ddp:extended>")
        + extension + "</ddp:payment>"
        "<ddp:payment><ddp:id>4100000002</ddp:id><ddp:paymentMethod>VISA</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHENTICATION_FAILED</ddp:status>"
        "<ddp:reason>3-D Secure authentication failed</ddp:reason>"
        '<ddp:amount currency="EUR">2000</ddp:amount>'
        "<ddp:confidenceLevel>SHOPPER_PENDING</ddp:confidenceLevel></ddp:authorization>"
        + info(risk + "<ddp:visaPaymentInfo><ddp:cardHolder>J. Jansen</ddp:cardHolder>"
               "<ddp:cardCountry>NL</ddp:cardCountry><ddp:panLast4>1111</ddp:panLast4>"
               "<ddp:refusalReason>3-D Secure authentication failed</ddp:refusalReason>"
               "<ddp:mandateNumber>M-1</ddp:mandateNumber></ddp:visaPaymentInfo>"
               "</ddp:extended>")
        + extension + "</ddp:payment>"
        "<ddp:payment><ddp:id>4100000003</ddp:id>"
        "<ddp:paymentMethod>SEPA_DIRECT_DEBIT</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHORIZED</ddp:status>"
        '<ddp:amount currency="EUR">2000</ddp:amount>'
        "<ddp:confidenceLevel>ACQUIRER_PENDING</ddp:confidenceLevel>"
        '<ddp:reversal><ddp:amount currency="EUR">2000</ddp:amount>'
        "<ddp:reason>Reversed</ddp:reason></ddp:reversal></ddp:authorization>"
        + info(risk + "<ddp:sepaDirectDebitPaymentInfo><ddp:bic>ABNANL2A</ddp:bic>"
               '<ddp:iban>NL91ABNA0417164300</ddp:iban><ddp:country code="NL"/>'
               "<ddp:mandateNumber>SIM-MANDATE-3</ddp:mandateNumber>"
               "</ddp:sepaDirectDebitPaymentInfo></ddp:extended>")
        + extension + "</ddp:payment>"
        "<ddp:payment><ddp:id>4100000004</ddp:id>"
        "<ddp:paymentMethod>BANK_TRANSFER</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHORIZATION_REQUESTED</ddp:status>"
        '<ddp:amount currency="EUR">1000</ddp:amount>'
        "<ddp:confidenceLevel>SHOPPER_PENDING</ddp:confidenceLevel></ddp:authorization>"
        + info(risk + "<ddp:bankTransferPaymentInfo>"
               "<ddp:beneficiaryName>Stichting Docdata Payments</ddp:beneficiaryName>"
               "<ddp:beneficiaryCity>Amsterdam</ddp:beneficiaryCity>"
               "<ddp:beneficiaryCountry>NL</ddp:beneficiaryCountry>"
               "<ddp:bankName>ABN AMRO</ddp:bankName><ddp:bankCity>Amsterdam</ddp:bankCity>"
               "<ddp:bic>ABNANL2A</ddp:bic><ddp:iban>NL13ABNA0123456789</ddp:iban>"
               "</ddp:bankTransferPaymentInfo></ddp:extended>")
        + extension + "</ddp:payment>"
        "<ddp:payment><ddp:id>4100000005</ddp:id>"
        "<ddp:paymentMethod>PAYPAL_EXPRESS_CHECKOUT</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHORIZED</ddp:status>"
        '<ddp:amount currency="USD">1000</ddp:amount>'
        "<ddp:confidenceLevel>ACQUIRER_APPROVED</ddp:confidenceLevel>"
        '<ddp:capture><ddp:status>CAPTURED</ddp:status><ddp:amount currency="USD">1000'
        "</ddp:amount></ddp:capture></ddp:authorization>"
        + info(risk + "</ddp:extended>")
        + extension + "</ddp:payment>"
        "<ddp:payment><ddp:id>4100000006</ddp:id><ddp:paymentMethod>MAESTRO</ddp:paymentMethod>"
        "<ddp:authorization><ddp:status>AUTHORIZED</ddp:status>"
        '<ddp:amount currency="EUR">100</ddp:amount>'
        "<ddp:confidenceLevel>ACQUIRER_APPROVED</ddp:confidenceLevel></ddp:authorization>"
        + info(risk + "<ddp:maestroPaymentInfo><ddp:cardHolder>J. Jansen</ddp:cardHolder>"
               "</ddp:maestroPaymentInfo></ddp:extended>")
        + extension + "</ddp:payment>"
    )


def expected_reply(response: str, *, extended: bool, extensible: bool) -> bytes:
    extension = EXTENSION if extensible else ""
    report = (
        '<ddp:report><ddp:approximateTotals exchangedTo="EUR" '
        'exchangeRateDate="2024-05-06 00:00:00">'
        "<ddp:totalRegistered>10000</ddp:totalRegistered>"
        "<ddp:totalShopperPending>1000</ddp:totalShopperPending>"
        "<ddp:totalAcquirerPending>2000</ddp:totalAcquirerPending>"
        "<ddp:totalAcquirerApproved>5020</ddp:totalAcquirerApproved>"
        "<ddp:totalCaptured>3920</ddp:totalCaptured>"
        "<ddp:totalRefunded>1000</ddp:totalRefunded>"
        "<ddp:totalChargedback>500</ddp:totalChargedback>"
        "<ddp:totalReversed>2000</ddp:totalReversed>"
        + extension + "</ddp:approximateTotals>"
        + _payments(extended, extension)
        + "<ddp:consideredSafe><ddp:value>false</ddp:value><ddp:level>SAFE</ddp:level>"
        "<ddp:date>NOW</ddp:date></ddp:consideredSafe>"
        '<ddp:apiInformation conversionApplied="false">'
        "<ddp:originalVersion>1.3</ddp:originalVersion></ddp:apiInformation>"
        + extension + "</ddp:report>"
    )
    return ENVELOPE.format(
        f'<ddp:{response} ddpXsdVersion="1.3.14"><ddp:statusSuccess>'
        '<ddp:success code="SUCCESS">Operation successful.</ddp:success>'
        f"{report}{extension}</ddp:statusSuccess></ddp:{response}>").encode()


@pytest.mark.parametrize("operation,response,extended", [
    ("statusRequest", "statusResponse", False),
    ("extendedStatusRequest", "extendedStatusResponse", True),
])
@pytest.mark.parametrize("extensible", [False, True], ids=["plain", "extensible"])
def test_the_report_on_the_wire_byte_for_byte(sim, operation, response, extended, extensible):
    key = rich_order().order_key
    assert status_reply(sim, key, operation, extensible=extensible) == expected_reply(
        response, extended=extended, extensible=extensible)


def test_an_order_without_payments_has_totals_and_no_considered_safe(sim):
    key = _order(2).order_key
    assert status_reply(sim, key) == ENVELOPE.format(
        '<ddp:statusResponse ddpXsdVersion="1.3.14"><ddp:statusSuccess>'
        '<ddp:success code="SUCCESS">Operation successful.</ddp:success><ddp:report>'
        "<ddp:approximateTotals><ddp:totalRegistered>10000</ddp:totalRegistered>"
        "<ddp:totalShopperPending>0</ddp:totalShopperPending>"
        "<ddp:totalAcquirerPending>0</ddp:totalAcquirerPending>"
        "<ddp:totalAcquirerApproved>0</ddp:totalAcquirerApproved>"
        "<ddp:totalCaptured>0</ddp:totalCaptured><ddp:totalRefunded>0</ddp:totalRefunded>"
        "<ddp:totalChargedback>0</ddp:totalChargedback>"
        "<ddp:totalReversed>0</ddp:totalReversed></ddp:approximateTotals>"
        '<ddp:apiInformation conversionApplied="false"><ddp:originalVersion>1.3'
        "</ddp:originalVersion></ddp:apiInformation></ddp:report></ddp:statusSuccess>"
        "</ddp:statusResponse>").encode()


# --- few, fixed queries -------------------------------------------------------------------


def _status_statements(sim, key: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        status_reply(sim, key)
    return [query["sql"] for query in queries.captured_queries]


def test_a_status_call_runs_the_same_few_read_only_statements_for_any_order(sim):
    small = _order(3)
    attempt = _attempt(small, 4_100_000_100, "IDEAL", "AUTHORIZED", 10000, "ACQUIRER_APPROVED")
    Capture.objects.create(attempt=attempt, status="CAPTURED", amount=10000, currency="EUR")
    status_reply(sim, small.order_key)  # configured merchants are in the table from now on
    few = _status_statements(sim, small.order_key)
    many = _status_statements(sim, rich_order().order_key)
    # fault, merchant, order, attempts, captures, refunds, chargebacks; savepoint/commit
    assert len(few) == len(many) <= 9
    assert not [sql for sql in few + many
                if re.match(r"\s*(INSERT|UPDATE|DELETE)", sql, re.IGNORECASE)]


def test_attempts_come_with_their_lines_as_prefetch_related_gives_them():
    order = rich_order()
    expected = list(order.attempts.prefetch_related("captures", "refunds", "chargebacks")
                    .order_by("id"))
    attempts = reads.attempts_of(order)
    assert [a.pk for a in attempts] == [a.pk for a in expected]
    with CaptureQueriesContext(connection) as queries:
        for attempt, original in zip(attempts, expected, strict=True):
            assert attempt.order is order
            for name in ("captures", "refunds", "chargebacks"):
                lines = list(getattr(attempt, name).all())
                assert [(line.pk, line.status, line.amount, line.reference) for line in lines] \
                    == [(line.pk, line.status, line.amount, line.reference)
                        for line in getattr(original, name).all()]
                assert all(line.attempt is attempt for line in lines)
            assert attempt.chargebacks.count() == original.chargebacks.count()
    assert queries.captured_queries == []
    ideal = attempts[0]
    # A further query on a relation stays within its attempt.
    assert [c.amount for c in ideal.captures.filter(status="CAPTURED")] == [3000]
    assert reads.attempts_of(_order(4)) == []


# --- the merchant -------------------------------------------------------------------------


def test_a_configured_merchant_authenticates_with_one_query(django_assert_num_queries):
    assert accounts.authenticate("shop_test", PASSWORD).name == "shop_test"
    with django_assert_num_queries(1):
        assert accounts.authenticate("shop_test", PASSWORD).name == "shop_test"
    with django_assert_num_queries(1):
        assert accounts.authenticate("shop_test", "wrong") is None
    with django_assert_num_queries(1):
        assert accounts.authenticate("nobody", PASSWORD) is None
    assert accounts.authenticate("", "") is None
    assert accounts.authenticate("shop_sub", PASSWORD) is None
    assert accounts.authenticate("shop_sub", "Sub-Acc0unt-pw").name == "shop_sub"


def test_the_settings_win_over_a_changed_row(settings):
    accounts.add_merchant("shop_test", "changed-in-the-table")
    assert accounts.authenticate("shop_test", "changed-in-the-table") is None
    assert accounts.authenticate("shop_test", PASSWORD).name == "shop_test"
    settings.DOCDATA_MERCHANT_PASSWORD = "Brand-new-pw-1"
    assert accounts.authenticate("shop_test", PASSWORD) is None
    assert accounts.authenticate("shop_test", "Brand-new-pw-1").name == "shop_test"
    assert Merchant.objects.filter(name="shop_test").count() == 1


def test_a_merchant_only_in_the_table_uses_its_own_password():
    accounts.add_merchant("table_only", "Table-pw-1")
    assert accounts.authenticate("table_only", "Table-pw-1").name == "table_only"
    assert accounts.authenticate("table_only", PASSWORD) is None


# --- faults ---------------------------------------------------------------------------------


def test_no_fault_costs_one_query_and_no_transaction(django_assert_num_queries, settings):
    settings.DOCDATA_SIMULATOR_FAULTS = {}
    with django_assert_num_queries(1):
        assert faults.take("status") is None
    faults.inject("status", "latency", seconds=0.5)
    with django_assert_num_queries(1):  # a fault without a count is only read
        assert faults.take("status").seconds == 0.5
    assert Fault.objects.get(operation="status").remaining is None


def test_a_specific_fault_wins_and_the_star_faults_count_is_left_alone():
    faults.inject("*", "errors", code="UNKNOWN_ERROR", count=2)
    faults.inject("status", "soap_fault")
    assert faults.take("status").mode == "soap_fault"
    assert Fault.objects.get(operation="*").remaining == 2
    assert faults.take("create").code == "UNKNOWN_ERROR"
    assert Fault.objects.get(operation="*").remaining == 1
    assert faults.take("create").code == "UNKNOWN_ERROR"
    assert not Fault.objects.filter(operation="*").exists()
    assert faults.take("create") is None


# --- locks ----------------------------------------------------------------------------------


def test_locking_an_order_locks_its_row_not_its_merchants():
    if not connection.features.has_select_for_update_of:
        pytest.skip("this database has no SELECT ... FOR UPDATE OF (SQLite locks the file)")
    order = _order(5)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert reads.locked(order.order_key).merchant.name == "shop_test"
        assert reads.locked_of(order.merchant, order.order_key) == order
    locked, without_join = (query["sql"] for query in queries.captured_queries[-2:])
    assert re.search(r'FOR UPDATE OF "docdata_simulator_simulatedorder"\s*$', locked)
    assert "docdata_simulator_merchant" not in without_join and "FOR UPDATE" in without_join
