"""Facade: Docdata orders from Oscar users, addresses, baskets and prices."""

from __future__ import annotations

import logging
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from lxml import etree
from oscar.apps.checkout.applicator import SurchargePrice
from oscar.apps.partner import strategy
from oscar.core.loading import get_model
from oscar.core.prices import Price
from oscar.test import factories

import oscar_docdata
from oscar_docdata.exceptions import DocdataValidationError
from oscar_docdata.facade import Facade, get_facade, get_facade_class
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies

from .conftest import payment

pytestmark = pytest.mark.django_db

KEY = "ABCDEF0123456789ABCDEF0123456789"
XSD = Path(oscar_docdata.__file__).parent / "wsdl" / "paymentservice-1_3.xsd"
Basket = get_model("basket", "Basket")


class DutchVat(strategy.UseFirstStockRecord, strategy.StockRequired, strategy.FixedRateTax,
               strategy.Structured):
    """21 % VAT, 9 % on books."""

    def get_rate(self, product: Any, stockrecord: Any) -> D:
        return D("0.09") if (product.upc or "").startswith("BOOK") else D("0.21")


@pytest.fixture
def country():
    return factories.CountryFactory(iso_3166_1_a2="NL", printable_name="Netherlands")


@pytest.fixture
def billing(country):
    return factories.BillingAddressFactory(
        country=country, title="Mrs", first_name="Anna", last_name="de Vries",
        line1="Keizersgracht", line2="123", line4="Amsterdam", postcode="1015 CJ",
    )


@pytest.fixture
def shipping(country):
    return factories.ShippingAddressFactory(
        country=country, first_name="Piet", last_name="Bakker", line1="Damrak",
        line2="1", line4="Amsterdam", postcode="1012 LG", phone_number="+31201234567",
    )


@pytest.fixture
def basket():
    basket = Basket.objects.create()
    basket.strategy = DutchVat()
    mug = factories.create_product(title="Mug <b>deluxe</b>", upc="MUG1", price=D("10.00"),
                                   num_in_stock=10, partner_sku="SKU-MUG",
                                   description="<p>A <em>big</em> mug</p>")
    book = factories.create_product(title="Book", upc="BOOK1", price=D("20.00"),
                                    num_in_stock=10, partner_sku="SKU-BOOK")
    basket.add_product(mug, 2)
    basket.add_product(book, 1)
    # Iterating fills the basket's cached lines, which the totals read.
    (mug_line,) = [line for line in basket.all_lines() if line.product == mug]
    mug_line.discount(D("2.42"), 1, incl_tax=True)
    return basket


def surcharge() -> SurchargePrice:
    class CardFee:
        name = "Card fee"
        code = "card-fee"

    return SurchargePrice(CardFee(), Price("EUR", D("1.00"), incl_tax=D("1.21")))


def order_total(basket: Any) -> Price:
    return Price("EUR", basket.total_excl_tax + D("6.00"),
                 incl_tax=basket.total_incl_tax + D("6.05") + D("1.21"))


def oscar_kwargs(basket, billing, shipping, **extra) -> dict[str, Any]:
    return {
        "basket": basket, "billing_address": billing, "shipping_address": shipping,
        "shipping_charge": Price("EUR", D("5.00"), incl_tax=D("6.05")),
        "surcharges": [surcharge()], **extra,
    }


def amount(value: Any) -> D:
    return value.value


def test_invoice_lines_vat_and_totals(basket, billing, shipping):
    total = order_total(basket)
    args = Facade().get_create_payment_args(
        "100100", total, AnonymousUser(), language="nl", email="anna@example.com",
        **oscar_kwargs(basket, billing, shipping),
    )
    assert args["total_gross_amount"].value == D("50.84")
    invoice = args["invoice"]
    rows = [
        (item.number, item.name, item.code, item.quantity, amount(item.net_amount),
         amount(item.gross_amount), item.vat.rate, amount(item.vat.amount),
         amount(item.total_net_amount), amount(item.total_gross_amount),
         amount(item.total_vat.amount))
        for item in invoice.items
    ]
    assert rows == [
        (1, "Mug <b>deluxe</b>", "SKU-MUG", 2, D("10.00"), D("12.10"), D("21"), D("2.10"),
         D("20.00"), D("24.20"), D("4.20")),
        (2, "Book", "SKU-BOOK", 1, D("20.00"), D("21.80"), D("9"), D("1.80"),
         D("20.00"), D("21.80"), D("1.80")),
        (3, "Discount", "discount", 1, D("-2.00"), D("-2.42"), D("21"), D("-0.42"),
         D("-2.00"), D("-2.42"), D("-0.42")),
        (4, "Shipping", "shipping", 1, D("5.00"), D("6.05"), D("21"), D("1.05"),
         D("5.00"), D("6.05"), D("1.05")),
        (5, "Card fee", "card-fee", 1, D("1.00"), D("1.21"), D("21"), D("0.21"),
         D("1.00"), D("1.21"), D("0.21")),
    ]
    assert invoice.items[0].description == "A big mug"  # tags stripped
    assert invoice.items[1].description == "Book"  # no description: the title
    assert sum(amount(item.total_gross_amount) for item in invoice.items) == D("50.84")
    assert amount(invoice.total_net_amount) == D("44.00")
    assert [(vat.rate, amount(vat.amount)) for vat in invoice.total_vat_amounts] == [
        (D("9"), D("1.80")), (D("21"), D("5.04"))
    ]
    assert invoice.ship_to.name.last == "Bakker"
    assert invoice.ship_to.address.street == "Damrak, 1"
    assert {vat.amount.currency for vat in invoice.total_vat_amounts} == {"EUR"}


def test_create_request_with_invoice_validates_against_the_schema(docdata, basket, billing,
                                                                  shipping):
    docdata.add("create", replies.create_reply(KEY))
    key = Facade().create_payment(
        "100101", order_total(basket), AnonymousUser(), language="nl",
        email="anna@example.com", **oscar_kwargs(basket, billing, shipping),
    )
    assert key == KEY
    body = docdata.requests[0].xml()
    request = body.find(".//{*}createRequest")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    schema.assertValid(etree.fromstring(etree.tostring(request)))
    assert request.findtext(".//{*}invoice/{*}item[3]/{*}totalGrossAmount") == "-242"
    assert [e.get("rate") for e in request.findall(".//{*}invoice/{*}totalVatAmount")] == [
        "9", "21"
    ]
    stored = DocdataOrder.objects.get()
    assert (stored.total_gross_amount, stored.country) == (D("50.84"), "NL")


def test_no_invoice_without_a_basket(billing):
    args = Facade().get_create_payment_args(
        "100102", Price("EUR", D("10"), incl_tax=D("10")), AnonymousUser(),
        billing_address=billing, email="anna@example.com",
    )
    assert "invoice" not in args or args["invoice"] is None


def test_no_invoice_when_tax_is_unknown(billing, caplog):
    basket = Basket.objects.create()
    basket.strategy = strategy.US()
    basket.add_product(factories.create_product(price=D("10.00"), num_in_stock=5))
    with caplog.at_level(logging.INFO, logger="oscar_docdata"):
        args = Facade().get_create_payment_args(
            "100103", Price("USD", D("10"), incl_tax=D("10")), AnonymousUser(), basket=basket,
            billing_address=billing, email="anna@example.com",
        )
    assert args["invoice"] is None
    assert any("tax not known" in r.getMessage() for r in caplog.records)


def test_mismatching_invoice_total_is_logged(basket, billing, shipping, caplog):
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        Facade().get_create_payment_args(
            "100104", Price("EUR", D("1"), incl_tax=D("99.99")), AnonymousUser(),
            email="anna@example.com", **oscar_kwargs(basket, billing, shipping),
        )
    assert any("99.99" in r.getMessage() for r in caplog.records)


# --- shopper and names ------------------------------------------------------------------


def test_shopper_from_the_user(billing):
    user = factories.UserFactory(first_name="Kees", last_name="Smit", email="kees@example.com")
    args = Facade().get_create_payment_args(
        "100110", Price("EUR", D("10"), incl_tax=D("10")), user, language="nl",
        billing_address=billing,
    )
    shopper = args["shopper"]
    assert (shopper.id, shopper.email, shopper.language) == (str(user.pk), "kees@example.com",
                                                             "nl")
    assert (shopper.name.first, shopper.name.last) == ("Kees", "Smit")
    assert shopper.gender == "F"  # from the address title "Mrs"
    assert args["bill_to"].name.last == "Smit"
    assert args["bill_to"].address.city == "Amsterdam"


def test_shopper_names_from_the_address_when_the_user_has_none(billing):
    user = factories.UserFactory(first_name="", last_name="", email="x@example.com")
    shopper = Facade().get_create_payment_args(
        "100111", Price("EUR", D("10"), incl_tax=D("10")), user, billing_address=billing,
    )["shopper"]
    assert (shopper.name.first, shopper.name.last) == ("Anna", "de Vries")


def test_guest_shopper(billing, shipping):
    first = Facade().get_shopper(AnonymousUser(), "en", email="Guest@Example.com",
                                 address=billing, phone_source=shipping)
    second = Facade().get_shopper(None, "en", email="guest@example.com ", address=billing)
    other = Facade().get_shopper(None, "en", email="someone@example.com", address=billing)
    assert first.id.startswith("guest-") and len(first.id) <= 50
    assert first.id == second.id != other.id  # one id per guest, never one for all
    assert first.email == "Guest@Example.com"
    assert first.phone_number == "+31201234567"


def test_names_are_never_empty(country):
    nameless = factories.BillingAddressFactory(country=country, first_name="", last_name="")
    only_last = factories.BillingAddressFactory(country=country, first_name="",
                                                last_name="Jansen")
    facade = Facade()
    shopper = facade.get_shopper(None, "en", email="j.doe@example.com", address=nameless)
    assert (shopper.name.first, shopper.name.last) == ("J", "j.doe")
    shopper = facade.get_shopper(None, "en", email="x@example.com", address=only_last)
    assert (shopper.name.first, shopper.name.last) == ("J", "Jansen")


def test_guest_needs_an_email(billing):
    with pytest.raises(DocdataValidationError, match="e-mail"):
        Facade().get_create_payment_args(
            "100112", Price("EUR", D("10"), incl_tax=D("10")), AnonymousUser(),
            billing_address=billing,
        )


# --- addresses --------------------------------------------------------------------------


def test_bill_to_falls_back_to_the_shipping_address(shipping):
    args = Facade().get_create_payment_args(
        "100120", Price("EUR", D("10"), incl_tax=D("10")), None, shipping_address=shipping,
        email="p@example.com",
    )
    address = args["bill_to"].address
    assert (address.street, address.house_number, address.postal_code, address.city,
            address.country_code) == ("Damrak, 1", None, "1012 LG", "Amsterdam", "NL")


def test_an_address_is_required():
    with pytest.raises(DocdataValidationError, match="address"):
        Facade().get_create_payment_args(
            "100121", Price("EUR", D("10"), incl_tax=D("10")), None, email="p@example.com",
        )


@override_settings(DOCDATA_HOUSE_NUMBER_FIELD="line2")
def test_house_number_field(billing):
    address = Facade().get_create_payment_args(
        "100122", Price("EUR", D("10"), incl_tax=D("10")), None, billing_address=billing,
        email="a@example.com",
    )["bill_to"].address
    assert (address.street, address.house_number) == ("Keizersgracht", "123")


# --- get_facade and Oscar order statuses ------------------------------------------------


class ShopFacade(Facade):
    pass


def test_get_facade():
    assert type(get_facade()) is Facade
    assert get_facade_class() is Facade
    with override_settings(DOCDATA_FACADE_CLASS="tests.core.test_facade.ShopFacade"):
        facade = get_facade(merchant_name="shop_sub")
        assert type(facade) is ShopFacade
        assert facade.merchant_name == "shop_sub"


@pytest.mark.parametrize(
    ("oscar_status", "expected", "warns"),
    [("Pending", "Paid", False), ("Complete", "Complete", True)],
)
def test_status_mapping_moves_the_oscar_order(make_order, docdata, notify, caplog,
                                              oscar_status, expected, warns):
    oscar_order = factories.create_order(number="100130")
    oscar_order.status = oscar_status
    oscar_order.save()
    order = make_order(reference="100130", amount="10.00")
    docdata.set("status", replies.status_reply(
        registered=1000, captured=1000,
        payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)])]))
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        assert notify(order).status_code == 200
    oscar_order.refresh_from_db()
    assert oscar_order.status == expected
    assert any("100130" in r.getMessage() for r in caplog.records) is warns


def test_unmapped_status_leaves_the_oscar_order(make_order, docdata, notify):
    oscar_order = factories.create_order(number="100131")
    order = make_order(reference="100131", amount="10.00")
    docdata.set("status", replies.status_reply(registered=1000,
                                               payments=[payment(1, amount=1000)]))
    notify(order)
    oscar_order.refresh_from_db()
    assert DocdataOrder.objects.get().status == "pending"
    assert oscar_order.status == "Pending"
