"""Acceptance: the plugin's own client, unchanged, against the simulator over real HTTP."""

from decimal import Decimal

import pytest
from lxml import etree

from oscar_docdata.exceptions import DocdataCreateError, DocdataStatusError
from oscar_docdata.gateway import (
    Amount,
    DocdataClient,
    IdealAuthorizationResult,
    IdealPayment,
    RefundItems,
    SepaDirectDebitPayment,
)
from oscar_docdata.gateway.schema import SOAP_ENV_NS
from oscar_docdata.gateway.transport import get_http_session
from oscar_docdata.simulator.description import validation_error
from oscar_docdata.testing.simulator import DEFAULT_HOST, InProcessAdapter

from .browser import Browser
from .factories import create_order, invoice


@pytest.fixture
def replies():
    """Every SOAP reply the client receives, each checked against the XSD."""
    seen = []

    def check(response, *args, **kwargs):
        if response.request.method == "POST" and "paymentservice" in response.url:
            body = etree.fromstring(response.content).find(f"{{{SOAP_ENV_NS}}}Body")[0]
            seen.append((etree.QName(body).localname, validation_error(body)))
        return response

    hooks = get_http_session().hooks["response"]
    hooks.append(check)
    yield seen
    hooks.remove(check)
    assert seen, "no SOAP reply was seen"
    assert [problem for _name, problem in seen if problem] == []


@pytest.mark.urls("tests.simulator.receiver_urls")
@pytest.mark.django_db(transaction=True)
def test_every_operation_over_http(docdata_live_simulator, live_server, replies):
    client = DocdataClient()
    assert client.base_url == f"{live_server.url}/docdata-sim"

    key = create_order(client, "ACC-1", "100.00", invoice=invoice(Decimal("100.00")),
                       receiptText="Shop order ACC-1")

    methods = {method.name: method for method in client.list_payment_methods(key)}
    assert {"IDEAL", "VISA", "MASTERCARD", "BANK_TRANSFER", "SEPA_DIRECT_DEBIT"} <= set(methods)
    assert ("INGBNL2A", "ING") in {(i.id, i.name) for i in methods["IDEAL"].issuers}

    started = client.start(key, IdealPayment(issuer_id="RABONL2U"),
                           return_url=f"{live_server.url}/shop-return/")
    assert started.status == "REDIRECTED_FOR_AUTHENTICATION"
    assert started.redirect.method == "GET"

    browser = Browser()
    try:
        bank_page = browser.get(started.redirect.url)
        assert bank_page.status_code == 200 and "Rabobank" in bank_page.text
        back = browser.submit(bank_page, {"outcome": "success"})
    finally:
        browser.close()
    assert back.status_code == 302
    assert back.headers["Location"] == f"{live_server.url}/shop-return/"

    proceeded = client.proceed(started.payment_id, IdealAuthorizationResult())
    assert (proceeded.status, proceeded.payment_id) == ("AUTHORIZED", started.payment_id)

    client.capture(started.payment_id, Amount(Decimal("60.00"), "EUR"))
    client.capture(started.payment_id)  # the rest
    docdata_live_simulator.settle_pending(key)  # captures are NEW until Docdata settles them
    client.refund(started.payment_id, Amount(Decimal("10.00"), "EUR"),
                  merchant_refund_reference="R1")
    client.refund(started.payment_id, refund_items=RefundItems(
        additional_amount=Amount(Decimal("5.00"), "EUR"), additional_vat_rate=Decimal("21")))
    docdata_live_simulator.settle_pending(key)

    report = client.status(key)
    totals = report.totals
    assert (totals.registered, totals.acquirer_approved, totals.captured, totals.refunded) == (
        10000, 10000, 10000, 1500)
    [line] = report.payments
    assert line.payment_id == started.payment_id
    assert [c.amount for c in line.authorization.captures] == [6000, 4000]
    assert [(r.amount, r.reference) for r in line.authorization.refunds] == [
        (1000, "R1"), (500, None)]
    assert report.original_version == "1.3"

    extended = client.status_extended(key)
    info = extended.payments[0].extended
    assert info.method_info == "iDealPaymentInfo"
    assert info.details["issuerId"] == "RABONL2U"

    assert client.cancel(key).result == "FAILED"  # captured money cannot be cancelled

    other = create_order(client, "ACC-2")
    assert client.cancel(other).result == "NO_PAYMENTS"
    assert client.cancel(other).result == "ALREADY_CANCELED"

    names = {name for name, _problem in replies}
    assert names == {"createResponse", "listPaymentMethodsResponse", "startResponse",
                     "proceedResponse", "captureResponse", "refundResponse", "statusResponse",
                     "extendedStatusResponse", "cancelResponse"}


@pytest.mark.django_db(transaction=True)
def test_error_replies_become_the_clients_request_errors(docdata_live_simulator, replies):
    client = DocdataClient()
    create_order(client, "DUP-1")
    with pytest.raises(DocdataCreateError) as caught:
        create_order(client, "DUP-1")
    assert caught.value.errors == [("REQUEST_DATA_INCORRECT",
                                    "Merchant order reference is not unique.")]
    with pytest.raises(DocdataStatusError) as caught:
        client.status("F" * 32)
    assert caught.value.code == "REQUEST_DATA_INCORRECT"

    wrong = DocdataClient(merchant_name="shop_test", merchant_password="not-it")
    with pytest.raises(DocdataStatusError) as caught:
        wrong.status("F" * 32)
    assert caught.value.code == "SECURITY_ERROR"


class ExtensibleAdapter(InProcessAdapter):
    """Marks every request testExtensibility="true", as a curious integrator would."""

    def send(self, request, **kwargs):
        if not request.body:  # a notification GET
            pass
        elif b'testExtensibility="false"' in request.body:
            request.body = request.body.replace(b'testExtensibility="false"',
                                                b'testExtensibility="true"', 1)
        else:
            request.body = request.body.replace(b' version="1.3"',
                                                b' version="1.3" testExtensibility="true"', 1)
        return super().send(request, **kwargs)


@pytest.mark.urls("tests.simulator.receiver_urls")
def test_the_client_tolerates_unknown_elements_everywhere(docdata_simulator, replies):
    extended = []
    session = get_http_session()
    session.mount(DEFAULT_HOST + "/", ExtensibleAdapter())

    def seen(response, *args, **kwargs):
        if response.request.method == "POST":
            extended.append(b"<simulatorExtension" in response.content)

    session.hooks["response"].append(seen)
    try:
        client = DocdataClient()
        key = create_order(client, "EXT-1", "30.00")
        assert [m.name for m in client.list_payment_methods(key)][0] == "IDEAL"
        started = client.start(key, SepaDirectDebitPayment(iban="NL91ABNA0417164300"),
                               payment_amount=Amount(Decimal("30.00"), "EUR"))
        client.capture(started.payment_id)
        docdata_simulator.settle_pending(key)
        client.refund(started.payment_id, Amount(Decimal("1.00"), "EUR"))
        docdata_simulator.settle_pending(key)
        assert client.status(key).totals.refunded == 100
        assert client.status_extended(key).payments[0].extended.details["iban"]
        ideal = client.start(create_order(client, "EXT-2"), IdealPayment("INGBNL2A"))
        assert client.proceed(ideal.payment_id, IdealAuthorizationResult()).payment_id
        assert client.cancel(create_order(client, "EXT-3")).result == "NO_PAYMENTS"
        with pytest.raises(DocdataStatusError):
            client.status("0" * 32)
    finally:
        session.hooks["response"].pop()
    assert len(extended) == 13 and all(extended)
