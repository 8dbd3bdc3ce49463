"""Issue 13 §3.9: the names shops import from ``oscar_docdata.gateway`` map to this
client's classes, or fail naming their replacement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory

from oscar_docdata import gateway
from oscar_docdata.gateway import (
    AmexPayment,
    Amount,
    CardPayment,
    DirectDebitPayment,
    DocdataClient,
    DocdataValidationError,
    ElvPayment,
    IntegrationInfo,
    Invoice,
    Item,
    MasterCardPayment,
    Name,
    Payment,
    Quantity,
    SepaDirectDebitPayment,
    StartReply,
    StartResult,
    StatusReply,
    TechnicalIntegrationInfo,
    TotalVatAmount,
    Vat,
    to_iso639_part1,
)
from oscar_docdata.gateway.values import Address, Destination, Shopper
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata

KEY = "5EED0000000000000000000000000009"
AMEX = "341111111111111"
MASTERCARD = "5100000000000008"


@pytest.fixture
def docdata() -> Iterator[Any]:
    with canned_docdata() as adapter:
        yield adapter


def sent(docdata: Any, operation: str) -> Any:
    return [r for r in docdata.requests if r.operation == operation][-1].xml()


def eur(value: str) -> Amount:
    return Amount(Decimal(value), "EUR")


def test_every_old_name_is_importable():
    old_names = ["DocdataClient", "CreateReply", "StartReply", "StatusReply", "Name", "Shopper",
                 "Destination", "Address", "Amount", "Vat", "TotalVatAmount", "Quantity",
                 "Invoice", "Item", "TechnicalIntegrationInfo", "Payment", "AmexPayment",
                 "MasterCardPayment", "DirectDebitPayment", "IdealPayment",
                 "BankTransferPayment", "ElvPayment", "to_iso639_part1"]
    assert [name for name in old_names if not hasattr(gateway, name)] == []
    assert set(old_names) <= set(gateway.__all__)


# --- the client ---------------------------------------------------------------------------


def test_status_constants():
    assert DocdataClient.STATUS_CANCELLED == "CANCELED"
    assert DocdataClient.STATUS_CLOSED_CANCELLED == "CLOSED_CANCELED"
    assert DocdataClient.STATUS_CHARGED_BACK == "CHARGED-BACK"
    assert DocdataClient.DOCUMENTED_STATUS_VALUES == (
        "NEW", "STARTED", "REDIRECTED_FOR_AUTHENTICATION", "AUTHORIZED",
        "AUTHORIZATION_REQUESTED", "PAID", "CANCELED", "CHARGED-BACK", "CONFIRMED_PAID",
        "CONFIRMED_CHARGEDBACK", "CLOSED_SUCCESS", "CLOSED_CANCELED",
    )
    assert DocdataClient.SEEN_UNDOCUMENTED_STATUS_VALUES == (
        "AUTHORIZATION_FAILED", "CANCEL_FAILED", "AUTHORIZATION_ERROR")
    assert DocdataClient().STATUS_AUTHORIZED == "AUTHORIZED"
    assert DocdataClient.PAYMENT_METHOD_AMEX == "AMEX"


def test_set_merchant_changes_the_credentials(docdata):
    client = DocdataClient()
    client.set_merchant("shop_other", "Other-pw")
    docdata.add("status", replies.status_reply(registered=1000))
    client.status(KEY)
    merchant = sent(docdata, "status").find(".//{*}merchant")
    assert (merchant.get("name"), merchant.get("password")) == ("shop_other", "Other-pw")
    assert client.merchant_name == "shop_other" and "Other-pw" not in repr(client)


def test_for_merchant_takes_the_old_keyword():
    assert DocdataClient.for_merchant(merchant_name="shop_sub").merchant_name == "shop_sub"


def menu_query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://docdata.test/ps/menu"
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_payment_menu_url_the_old_way(docdata):
    request = RequestFactory().get("/checkout/", secure=True, HTTP_HOST="shop.example")
    query = menu_query(DocdataClient().get_payment_menu_url(request, KEY))
    assert query["payment_cluster_key"] == KEY and query["merchant_name"] == "shop_test"
    assert query["client_language"] == "en"
    base = "https://shop.example/api/docdata/return/"
    assert query["return_url_success"] == f"{base}?callback=SUCCESS&order_id={KEY}"
    assert query["return_url_pending"] == f"{base}?callback=PENDING&order_id={KEY}"
    assert query["return_url_canceled"] == f"{base}?callback=CANCELLED&order_id={KEY}"
    assert query["return_url_error"] == f"{base}?callback=ERROR&order_id={KEY}"


def test_payment_menu_url_the_old_way_with_every_argument(docdata):
    request = RequestFactory().get("/", HTTP_HOST="shop.example")
    client = DocdataClient()
    positional = client.get_payment_menu_url(request, KEY, "/paid/?x=1", "nl", default_pm="IDEAL")
    # As the old Interface called it: keywords after the request and key.
    by_name = client.get_payment_menu_url(request, KEY, return_url="/paid/?x=1",
                                          client_language="nl", default_pm="IDEAL")
    all_by_name = client.get_payment_menu_url(request=request, order_key=KEY,
                                              return_url="/paid/?x=1", client_language="nl",
                                              default_pm="IDEAL")
    assert positional == by_name == all_by_name
    query = menu_query(positional)
    assert (query["client_language"], query["default_pm"]) == ("nl", "IDEAL")
    assert query["return_url_error"] == f"http://shop.example/paid/?x=1&callback=ERROR&order_id={KEY}"
    absolute = menu_query(client.get_payment_menu_url(
        request, KEY, return_url="https://other.example/back/", merchant_name="shop_sub"))
    assert absolute["return_url_success"].startswith("https://other.example/back/?callback=")
    assert absolute["merchant_name"] == "shop_sub"


def test_payment_menu_url_the_new_way_is_unchanged(docdata):
    query = menu_query(DocdataClient().get_payment_menu_url(
        KEY, "nl", return_url_success="https://shop.example/done/"))
    assert query["return_url_success"] == "https://shop.example/done/"
    assert "return_url_error" not in query and query["client_language"] == "nl"
    by_name = menu_query(DocdataClient().get_payment_menu_url(order_key=KEY,
                                                              client_language="en"))
    assert by_name["client_language"] == "en"


# --- replies ------------------------------------------------------------------------------


def test_start_reply_is_the_start_result(docdata):
    assert StartReply is StartResult
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    reply = DocdataClient().start(KEY, CardPayment("VISA", "J. Jansen", "4111111111111111", 12,
                                                   2031, "333"))
    assert isinstance(reply, StartReply) and reply.payment_id == 1234567890


@pytest.mark.parametrize(("cls", "replacement"), [
    (StatusReply, "StatusReport"),
    (Payment, "CardPayment"),
    (ElvPayment, "SepaDirectDebitPayment"),
])
def test_names_that_cannot_carry_over_name_their_replacement(cls, replacement):
    with pytest.raises(TypeError, match=replacement):
        cls("anything", "at all")


def test_reading_the_old_status_reply_report_names_the_replacement(docdata):
    docdata.add("status", replies.status_reply(registered=1000))
    report = DocdataClient().status(KEY)
    with pytest.raises(AttributeError, match=r"\.totals .*\.payments"):
        report.report  # noqa: B018
    assert report.totals.registered == 1000


def test_a_shop_subclass_of_payment_fails_naming_the_replacement():
    class GiftCardPayment(Payment):
        def __init__(self, number: str) -> None:
            self.number = number

    with pytest.raises(TypeError, match="CardPayment"):
        GiftCardPayment("123")


# --- payments ------------------------------------------------------------------------------


def test_amex_payment_maps_to_a_card_payment(docdata):
    payment = AmexPayment(AMEX, "12/31", "2234", "J. Jansen", "jan@example.com")
    assert isinstance(payment, CardPayment)
    assert (payment.payment_method, payment.card_holder_name, payment.card_number,
            payment.expiry_month, payment.expiry_year, payment.security_code) == (
        "AMEX", "J. Jansen", AMEX, 12, 31, "2234")
    assert (payment.credit_card_number, payment.cid, payment.card_holder,
            payment.expiry_date, payment.email_address) == (
        AMEX, "2234", "J. Jansen", "12/31", "jan@example.com")
    assert AmexPayment.payment_method == "AMEX"
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    DocdataClient().start(KEY, payment)
    card = sent(docdata, "start").find(".//{*}amexPaymentInput")
    assert card.findtext("{*}cardNumber") == AMEX
    assert card.findtext("{*}securityCode") == "2234"
    assert card.findtext("{*}cardHolderName") == "J. Jansen"
    expiry = card.find("{*}expiryDate")
    assert (expiry.get("month"), expiry.get("year")) == ("12", "31")


def test_master_card_payment_keeps_the_old_argument_names(docdata):
    payment = MasterCardPayment(credit_card_number=MASTERCARD, expiry_date=date(2031, 3, 1),
                                cvc2="333", card_holder="J. Jansen", email_address=None)
    assert (payment.payment_method, payment.cvc2, payment.expiry_month,
            payment.expiry_year) == ("MASTERCARD", "333", 3, 2031)
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    DocdataClient().start(KEY, payment)
    card = sent(docdata, "start").find(".//{*}masterCardPaymentInput")
    assert card.findtext("{*}cardNumber") == MASTERCARD
    assert card.find("{*}expiryDate").get("year") == "31"


@pytest.mark.parametrize(("expiry", "month", "year"), [
    ("03/31", 3, 31), ("3/2031", 3, 2031), ("0331", 3, 31), ("03-31", 3, 31),
    ("2031-03", 3, 2031), ((3, 2031), 3, 2031),
])
def test_old_expiry_dates(expiry, month, year):
    payment = MasterCardPayment(MASTERCARD, expiry, "333", "J. Jansen", None)
    assert (payment.expiry_month, payment.expiry_year) == (month, year)


def test_a_bad_expiry_date_is_refused_without_the_card_number():
    with pytest.raises(DocdataValidationError, match="expiryDate") as raised:
        AmexPayment(AMEX, "soon", "2234", "J. Jansen", None)
    assert AMEX not in str(raised.value)


@pytest.mark.parametrize("payment", [
    CardPayment("VISA", "J. Jansen", "4111111111111111", 12, 31, "333"),
    AmexPayment(AMEX, "12/31", "2234", "J. Jansen", "jan@example.com"),
    MasterCardPayment(MASTERCARD, "12/31", "333", "J. Jansen", None),
])
def test_no_card_number_or_security_code_in_a_repr(payment):
    text = repr(payment)
    assert payment.card_number not in text and payment.card_number[-8:] not in text
    assert payment.security_code not in text
    assert "card_number" not in text and "security_code" not in text
    assert "J. Jansen" in text  # still useful


def test_direct_debit_payment_is_a_sepa_direct_debit(docdata):
    payment = DirectDebitPayment("J. Jansen", "Amsterdam", "NL", "ABNANL2A",
                                 "NL91ABNA0417164300")
    assert isinstance(payment, SepaDirectDebitPayment)
    assert (payment.payment_method, payment.holder_name, payment.bic, payment.iban,
            payment.holder_city, payment.holder_country_code) == (
        "SEPA_DIRECT_DEBIT", "J. Jansen", "ABNANL2A", "NL91ABNA0417164300", "Amsterdam", "NL")
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    DocdataClient().start(KEY, payment)
    body = sent(docdata, "start")
    assert body.findtext(".//{*}paymentMethod") == "SEPA_DIRECT_DEBIT"
    debit = body.find(".//{*}directDebitPaymentInput")
    assert (debit.findtext("{*}holderName"), debit.findtext("{*}bic"),
            debit.findtext("{*}iban")) == ("J. Jansen", "ABNANL2A", "NL91ABNA0417164300")


@pytest.mark.django_db
def test_the_interface_starts_an_old_payment_class_with_another_method(docdata):
    from oscar_docdata.interface import Interface
    from oscar_docdata.models import DocdataOrder

    order = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="900001", order_number="900001",
        order_key=KEY, total_gross_amount=Decimal("1.00"), currency="EUR")
    payment = MasterCardPayment(MASTERCARD, "12/31", "333", "J. Jansen", None)
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    Interface().start_payment(order, payment, payment_method="MAESTRO")
    assert sent(docdata, "start").find(".//{*}maestroPaymentInput") is not None
    assert payment.payment_method == "MASTERCARD"  # the caller's value is left alone


# --- invoices and the rest ----------------------------------------------------------------


def test_total_vat_amount_and_quantity_in_an_invoice(docdata):
    vat = TotalVatAmount(Decimal("2.10"), "EUR", 21)
    assert isinstance(vat, Vat)
    assert (vat.value, vat.currency, vat.rate, vat.amount) == (
        Decimal("2.10"), "EUR", Decimal("21"), eur("2.10"))
    assert TotalVatAmount.from_vat(Vat(rate=Decimal("9"), amount=eur("0.90"))).value == \
        Decimal("0.90")
    quantity = Quantity(3, unit="KB")
    assert (quantity, quantity.value, quantity.unit) == (3, 3, "KB")
    assert Quantity(2).unit == "PCS"

    name = Name(first="Jan", last="Jansen")
    destination = Destination(name=name, address=Address(
        street="Damrak", house_number="1", house_number_addition=None, postal_code="1012 LG",
        city="Amsterdam", state=None, country_code="NL"))
    invoice = Invoice(
        total_net_amount=eur("10.00"), total_vat_amounts=[vat],
        items=[Item(number=1, name="Download", code="DL-1", quantity=quantity,
                    description="Data", net_amount=eur("3.33"), gross_amount=eur("4.04"),
                    vat=vat, total_net_amount=eur("10.00"), total_gross_amount=eur("12.10"),
                    total_vat=vat)],
        ship_to=destination)
    docdata.add("create", replies.create_reply(KEY))
    DocdataClient().create("900002", eur("12.10"),
                           Shopper(id="1", name=name, email="jan@example.com", language="nl"),
                           destination, invoice=invoice)
    body = sent(docdata, "create")
    item_quantity = body.find(".//{*}item/{*}quantity")
    assert (item_quantity.text, item_quantity.get("unitOfMeasure")) == ("3", "KB")
    total_vat = body.find(".//{*}invoice/{*}totalVatAmount")
    assert (total_vat.text, total_vat.get("rate"), total_vat.get("currency")) == (
        "210", "21", "EUR")


def test_technical_integration_info_is_the_integration_info():
    assert TechnicalIntegrationInfo is IntegrationInfo
    assert TechnicalIntegrationInfo().webshop_plugin is None  # the defaults are sent


@pytest.mark.parametrize(("code", "expected"), [
    ("en-us", "en"), ("nl", "nl"), ("EN_GB", "en"), ("de-DE", "de"),
])
def test_to_iso639_part1(code, expected):
    assert to_iso639_part1(code) == expected
