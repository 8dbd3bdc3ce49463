"""Request envelopes: built without sending, valid against the bundled XSD, complete."""

from __future__ import annotations

import platform
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

import oscar_docdata
from oscar_docdata.exceptions import DocdataValidationError
from oscar_docdata.gateway import (
    Amount,
    BankTransferPayment,
    CardPayment,
    Company,
    DocdataClient,
    IdealAuthorizationResult,
    IdealPayment,
    IntegrationInfo,
    PaypalAuthenticationResult,
    RecurringPayment,
    RefundBankAccount,
    RefundItems,
    SepaDirectDebitPayment,
    ShopperInfo,
    ThreeDSecureResult,
    builders,
    schema,
)
from oscar_docdata.testing import replies as r

from .conftest import ORDER_KEY, PASSWORD, assert_valid, body_of, eur

NS = {"d": schema.TYPES_NS}


@pytest.fixture
def offline_client(settings) -> DocdataClient:
    return DocdataClient()


def create_payload(shopper, bill_to, invoice=None, **overrides):
    arguments = dict(order_id="1001", total_gross_amount=eur("12.10"), shopper_value=shopper,
                     company_value=None, bill_to=bill_to, description="Order 1001",
                     invoice_value=invoice, receipt_text="Tea shop 1001", include_costs=None,
                     profile=None, days_to_pay=None, menu_css_id=None,
                     initial_payment_reference=None)
    arguments.update(overrides)
    return builders.create(**arguments)


def requests_of_every_operation(shopper, bill_to, invoice):
    """(operation, payload) of a representative request of each operation."""
    yield "create", create_payload(shopper, bill_to, invoice, menu_css_id=3,
                                   initial_payment_reference="first-1", include_costs=True)
    yield "create", create_payload(None, bill_to, company_value=Company(
        id="c-1", name="Tea BV", email="info@tea.example", language="EN"))
    start = dict(order_key_value=ORDER_KEY, payment=None, payment_amount=None, recurring=None,
                 token_key=None, return_url=None, shopper_info=None)
    yield "start", builders.start(**{**start, "payment": IdealPayment("INGBNL2A"),
                                     "return_url": "https://shop.example/return"})
    yield "start", builders.start(**{
        **start, "payment_amount": eur("12.10"),
        "payment": CardPayment("visa", card_holder_name="J. Jansen",
                               card_number="4111 1111 1111 1111", expiry_month=3,
                               expiry_year=2030, security_code="333"),
        "shopper_info": ShopperInfo("192.0.2.1", "text/html", "Mozilla/5.0")})
    yield "start", builders.start(**{**start, "payment": CardPayment(
        "MASTERCARD", encrypted_data="ENCRYPTED-BLOB")})
    yield "start", builders.start(**{**start, "payment": SepaDirectDebitPayment(
        iban="NL91ABNA0417164300", bic="ABNANL2A", holder_name="J. Jansen")})
    yield "start", builders.start(**{**start, "payment": SepaDirectDebitPayment(
        mandate_number="M-1")})
    yield "start", builders.start(**{**start, "payment": BankTransferPayment(
        "jan@example.com")})
    yield "start", builders.start(**{**start, "recurring": RecurringPayment(
        merchant_reference="first-1")})
    yield "start", builders.start(**{**start, "recurring": RecurringPayment(
        payment_id=1234567890)})
    yield "start", builders.start(**{**start, "token_key": "tok-123"})
    yield "proceed", builders.proceed(payment_id=1234567890,
                                      authentication=IdealAuthorizationResult())
    yield "proceed", builders.proceed(payment_id=1234567890,
                                      authentication=ThreeDSecureResult("md-1", "pares-1"))
    yield "proceed", builders.proceed(payment_id=1234567890,
                                      authentication=PaypalAuthenticationResult("EC-1"))
    yield "cancel", builders.order_key_only(ORDER_KEY)
    yield "capture", builders.capture(
        payment_id=1234567890, amount_value=eur("5.00"), reference="cap-1", item_code="TP-1",
        description="First part", final_capture=False, cancel_reserved=True,
        required_date=date(2030, 1, 2))
    yield "capture", builders.capture(payment_id=1234567890, amount_value=None, reference=None,
                                      item_code=None, description=None, final_capture=None,
                                      cancel_reserved=None, required_date=None)
    refund = dict(payment_id=1234567890, amount_value=None, reference=None, item_code=None,
                  description=None, refund_items=None, cancel_reserved=None,
                  required_date=None, bank_account=None)
    yield "refund", builders.refund(**{**refund, "amount_value": eur("2.00"),
                                       "reference": "ref-1", "description": "Broken lid",
                                       "required_date": "2030-01-02"})
    yield "refund", builders.refund(**{**refund, "refund_items": RefundItems(
        lines=[("TP-1", 1)], additional_amount=eur("1.00"),
        additional_vat_rate=Decimal("21"), additional_description="Shipping"),
        "bank_account": RefundBankAccount("J. Jansen", "Amsterdam", "nl",
                                          "NL91ABNA0417164300", "ABNANL2A")})
    yield "status", builders.order_key_only(ORDER_KEY)
    yield "statusExtended", builders.order_key_only(ORDER_KEY)
    yield "listPaymentMethods", builders.order_key_only(ORDER_KEY)


def test_every_operation_has_representative_requests(shopper, bill_to, invoice):
    operations = {op for op, _ in requests_of_every_operation(shopper, bill_to, invoice)}
    assert operations == set(schema.OPERATIONS)


def test_golden_requests_validate_and_carry_version_merchant_and_integration_info(
        offline_client, shopper, bill_to, invoice):
    for operation, payload in requests_of_every_operation(shopper, bill_to, invoice):
        request = body_of(offline_client.build_envelope(operation, payload))
        assert etree.QName(request).localname == schema.OPERATIONS[operation].request
        assert_valid(request)
        assert request.get("version") == "1.3"
        merchant = request.find("d:merchant", NS)
        assert (merchant.get("name"), merchant.get("password")) == ("shop_test", PASSWORD)
        info = request.find("d:integrationInfo", NS)
        assert info is request[-1], operation
        assert info.findtext("d:webshopPlugin", namespaces=NS) == "oscar_docdata"
        assert info.findtext("d:webshopPluginVersion",
                             namespaces=NS) == oscar_docdata.__version__
        assert info.findtext("d:programmingLanguage", namespaces=NS) == (
            f"Python {platform.python_version()}")
        assert info.findtext("d:operatingSystem", namespaces=NS) == platform.system()


def canonical(element: etree._Element) -> tuple:
    """Names (namespace URIs, not prefixes), attributes, text and children, in order."""
    children = [canonical(child) for child in element
                if child.tag != schema.qname("integrationInfo")]
    return (element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
            children)


GOLDEN_CREATE = """
<createRequest xmlns="{ns}" version="1.3" testExtensibility="false">
<merchant name="shop_test" password="Sup3r-Secret-pw"/>
<merchantOrderReference>1001</merchantOrderReference>
<paymentPreferences><profile>standard</profile><numberOfDaysToPay>7</numberOfDaysToPay>
</paymentPreferences>
<shopper id="42"><name><prefix>de</prefix><first>Jan</first><last>Jansen</last></name>
<email>jan@example.com</email><language code="nl"/><gender>M</gender>
<dateOfBirth>1980-05-17</dateOfBirth><phoneNumber>+31 20 123 4567</phoneNumber></shopper>
<totalGrossAmount currency="EUR">1210</totalGrossAmount>
<billTo><name><first>Jan</first><last>Jansen</last></name><address><street>Damrak</street>
<houseNumber>1</houseNumber><houseNumberAddition>A</houseNumberAddition>
<postalCode>1012LG</postalCode><city>Amsterdam</city><country code="NL"/></address></billTo>
<description>Order 1001</description><receiptText>Tea shop 1001</receiptText>
<invoice><totalNetAmount currency="EUR">1000</totalNetAmount>
<totalVatAmount currency="EUR" rate="21">210</totalVatAmount>
<item number="1"><name>Tea pot</name><code>TP-1</code><quantity unitOfMeasure="PCS">1</quantity>
<description>A blue tea pot</description><netAmount currency="EUR">1000</netAmount>
<grossAmount currency="EUR">1210</grossAmount><vat rate="21"><amount currency="EUR">210</amount>
</vat><totalNetAmount currency="EUR">1000</totalNetAmount>
<totalGrossAmount currency="EUR">1210</totalGrossAmount><totalVat rate="21">
<amount currency="EUR">210</amount></totalVat></item>
<shipTo><name><first>Jan</first><last>Jansen</last></name><address><street>Damrak</street>
<houseNumber>1</houseNumber><houseNumberAddition>A</houseNumberAddition>
<postalCode>1012LG</postalCode><city>Amsterdam</city><country code="NL"/></address></shipTo>
</invoice>
</createRequest>
"""


def test_golden_create_request(offline_client, shopper, bill_to, invoice):
    built = body_of(offline_client.build_envelope(
        "create", create_payload(shopper, bill_to, invoice)))
    expected = etree.fromstring("".join(
        line.strip() for line in GOLDEN_CREATE.format(ns=schema.TYPES_NS).splitlines()))
    assert canonical(built) == canonical(expected)


def test_what_is_sent_is_the_built_envelope(docdata, client):
    docdata.add("status", r.status_reply(registered=1))
    client.status(ORDER_KEY)
    (sent,) = docdata.requests
    assert sent.operation == "status"
    assert sent.headers["Content-Type"].startswith("text/xml")
    built = client.build_envelope("status", builders.order_key_only(ORDER_KEY))
    assert etree.tostring(sent.xml(), method="c14n") == etree.tostring(built, method="c14n")


def test_ideal_proceed_sends_the_empty_authorization_result(offline_client):
    request = body_of(offline_client.build_envelope("proceed", builders.proceed(
        payment_id=1, authentication=IdealAuthorizationResult())))
    result = request.find("d:iDealAuthorizationResult", NS)
    assert result is not None and len(result) == 0
    assert result.getprevious().tag == schema.qname("paymentId")


def test_integration_info_can_be_overridden_on_create(docdata, client, shopper, bill_to):
    docdata.add("create", r.create_reply(ORDER_KEY))
    client.create("1001", eur("1.00"), shopper, bill_to, integration_info=IntegrationInfo(
        webshop_plugin="my_facade", integrator_name="Example Agency"))
    info = docdata.requests[0].xml().find(".//d:integrationInfo", NS)
    assert info.findtext("d:webshopPlugin", namespaces=NS) == "my_facade"
    assert info.findtext("d:integratorName", namespaces=NS) == "Example Agency"
    assert info.findtext("d:webshopPluginVersion", namespaces=NS) == oscar_docdata.__version__


def test_long_platform_strings_are_cut_to_the_schema_limit(monkeypatch):
    monkeypatch.setattr(platform, "release", lambda: "6.8.0-1014-azure-fips-" + "x" * 40)
    info = builders.default_integration_info()
    assert len(info["operatingSystemVersion"]) == 35


def test_create_defaults_and_old_keyword_arguments(docdata, client, shopper, bill_to, invoice,
                                                   settings):
    settings.DOCDATA_PROFILE = "webshop"
    settings.DOCDATA_DAYS_TO_PAY = 10
    docdata.add("create", r.create_reply(ORDER_KEY))
    client.create(order_id="1001", total_gross_amount=eur("12.10"), shopper=shopper,
                  bill_to=bill_to, description="x" * 300, invoice=invoice,
                  receiptText="Receipt", includeCosts=False, profile=None, days_to_pay=None)
    request = body_of(docdata.requests[0].xml())
    assert request.findtext("d:paymentPreferences/d:profile", namespaces=NS) == "webshop"
    assert request.findtext("d:paymentPreferences/d:numberOfDaysToPay", namespaces=NS) == "10"
    assert len(request.findtext("d:description", namespaces=NS)) == 255
    assert request.find("d:includeCosts", NS) is None
    assert_valid(request)


def test_empty_optional_values_are_not_sent(offline_client, shopper, bill_to):
    bill_to.address.house_number = ""
    bill_to.address.house_number_addition = None
    bill_to.address.state = "  "
    shopper.phone_number = ""
    request = body_of(offline_client.build_envelope("create", create_payload(
        shopper, bill_to, description="", receipt_text=None)))
    for name in ("houseNumber", "houseNumberAddition", "state", "phoneNumber", "description",
                 "receiptText"):
        assert request.find(f".//d:{name}", NS) is None, name
    for element in request.iter():
        assert element.text is None or element.text.strip() or len(element), element.tag


@pytest.mark.parametrize(("change", "field"), [
    (lambda s, b: setattr(b.name, "first", "x" * 36), "billTo.name.first"),
    (lambda s, b: setattr(b.address, "street", "x" * 101), "billTo.address.street"),
    (lambda s, b: setattr(b.address, "country_code", "Netherlands"), "billTo.address.country"),
    (lambda s, b: setattr(s, "email", "jan at example.com"), "shopper.email"),
    (lambda s, b: setattr(s, "language", "dutch"), "shopper.language"),
    (lambda s, b: setattr(s.name, "last", ""), "shopper.name.last"),
    (lambda s, b: setattr(s, "id", "x" * 51), "shopper.id"),
])
def test_bad_create_input_is_refused_before_sending(docdata, client, shopper, bill_to, change,
                                                    field):
    change(shopper, bill_to)
    with pytest.raises(DocdataValidationError) as error:
        client.create("1001", eur("1.00"), shopper, bill_to)
    assert error.value.field == field
    assert docdata.requests == []


@pytest.mark.parametrize(("amount", "message"), [
    (Amount(12.1, "EUR"), "amounts must be Decimal, not float"),
    (Amount(Decimal("-1.00"), "EUR"), "must be more than zero"),
    (Amount(Decimal("0"), "EUR"), "must be more than zero"),
    (Amount(Decimal("1"), "euro"), "totalGrossAmount.currency"),
])
def test_bad_totals_are_refused(docdata, client, shopper, bill_to, amount, message):
    with pytest.raises(DocdataValidationError, match=message):
        client.create("1001", amount, shopper, bill_to)
    assert docdata.requests == []


def test_shopper_or_company_but_not_both(client, shopper, bill_to):
    company = Company(id="c", name="Tea BV", email="a@b.nl", language="nl")
    with pytest.raises(DocdataValidationError, match="not both"):
        client.create("1", eur("1.00"), shopper, bill_to, company=company)
    with pytest.raises(DocdataValidationError, match="shopper or a company is required"):
        client.create("1", eur("1.00"), None, bill_to)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "exactly one of payment, recurring or token_key"),
    ({"payment": IdealPayment("INGBNL2A"), "token_key": "t"}, "got payment, token_key"),
    ({"recurring": RecurringPayment()}, "exactly one of merchant_reference"),
    ({"recurring": RecurringPayment("a"), "return_url": "https://x"}, "no return_url"),
    ({"payment": CardPayment("DINERS", card_number="4111111111111111")}, "DINERS"),
    ({"payment": CardPayment("VISA", card_holder_name="J", card_number="4111111111111111",
                             expiry_month=13, expiry_year=30)}, "expiryDate.month"),
    ({"payment": SepaDirectDebitPayment(iban="NL91ABNA0417164300", mandate_number="M")},
     "not both"),
    ({"payment": object()}, "payment.paymentMethod: is required"),
])
def test_bad_start_input_is_refused(docdata, client, kwargs, message):
    with pytest.raises(DocdataValidationError, match=message):
        client.start(ORDER_KEY, **kwargs)
    assert docdata.requests == []


def test_card_expiry_is_sent_as_two_digit_month_and_year(offline_client):
    request = body_of(offline_client.build_envelope("start", builders.start(
        order_key_value=ORDER_KEY, payment_amount=None, recurring=None, token_key=None,
        return_url=None, shopper_info=None,
        payment=CardPayment("AMEX", card_holder_name="J", card_number="341111111111111",
                            expiry_month=3, expiry_year=2031, security_code="2234"))))
    expiry = request.find(".//d:amexPaymentInput/d:expiryDate", NS)
    assert (expiry.get("month"), expiry.get("year")) == ("03", "31")


def test_refund_takes_items_or_an_amount_not_both(client):
    with pytest.raises(DocdataValidationError, match="not both"):
        client.refund(1, eur("1.00"), refund_items=RefundItems(lines=[("A", 1)]))
    with pytest.raises(DocdataValidationError, match="neither item lines nor an amount"):
        client.refund(1, refund_items=RefundItems())


@pytest.mark.parametrize("operation", ["cancel", "status", "statusExtended",
                                       "listPaymentMethods"])
def test_order_keys_are_validated(client, operation):
    method = {"cancel": client.cancel, "status": client.status,
              "statusExtended": client.status_extended,
              "listPaymentMethods": client.list_payment_methods}[operation]
    with pytest.raises(DocdataValidationError, match="paymentOrderKey: 31 characters"):
        method("A" * 31)
