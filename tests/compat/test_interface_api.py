"""Issue 13 §3.7: ``Interface.for_merchant(merchant_name=…)``, and facades written for
the old package (``get_create_payment_args`` overrides with the old signature, choosing
their own ``order_id``) work end to end against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.core.prices import Price
from oscar.test import factories

from oscar_docdata.exceptions import DocdataCreateError
from oscar_docdata.facade import Facade
from oscar_docdata.gateway.values import Address, Amount, Destination, Name, Shopper
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator.models import SimulatedOrder
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata
from oscar_docdata.testing.simulator import SimulatorHandle, in_process_simulator

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def test_for_merchant_takes_the_old_keyword():
    interface = Interface.for_merchant(merchant_name="shop_sub")
    assert interface.client.merchant_name == "shop_sub"
    facade = Facade.for_merchant(merchant_name="shop_sub", testing_mode=True)
    assert type(facade) is Facade and facade.merchant_name == "shop_sub"


# --- facades written for the old package -------------------------------------------------


class OldStyleFacade(Facade):
    """As shops wrote them: the old signature, super(), then changes to the arguments."""

    def get_create_payment_args(self, order_number, total, user, language=None,
                                description=None, profile=None, **kwargs):
        args = super().get_create_payment_args(
            order_number, total, user, language=language, description=description,
            profile=profile, **kwargs)
        args["description"] = f"Order {order_number} at the test shop"
        house_number = kwargs["billing_address"].line2
        args["bill_to"].address.house_number = house_number
        args["invoice"].ship_to.address.house_number = kwargs["shipping_address"].line2
        return args


class OwnReferenceFacade(Facade):
    """Reads every argument by name (the old package passed them so) and chooses the
    merchant order reference itself, as the old sandbox did."""

    def get_create_payment_args(self, *args, **kwargs):
        args_ = super().get_create_payment_args(*args, **kwargs)
        args_["order_id"] = f"WEB-{kwargs['order_number']}"
        return args_


@pytest.fixture
def simulator(db: Any) -> Iterator[SimulatorHandle]:
    with in_process_simulator() as handle:
        yield handle


@pytest.fixture
def checkout() -> dict[str, Any]:
    """An Oscar user, addresses and a basket, as the checkout hands them to the facade."""
    country = factories.CountryFactory(iso_3166_1_a2="NL", printable_name="Netherlands")
    user = factories.UserFactory(first_name="Anna", last_name="de Vries",
                                 email="anna@example.com")
    billing = factories.BillingAddressFactory(
        country=country, first_name="Anna", last_name="de Vries", line1="Keizersgracht",
        line2="123", line4="Amsterdam", postcode="1015 CJ")
    shipping = factories.ShippingAddressFactory(
        country=country, first_name="Piet", last_name="Bakker", line1="Damrak",
        line2="1", line4="Amsterdam", postcode="1012 LG")
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    basket.add_product(factories.create_product(title="Stroopwafels", price=Decimal("12.50"),
                                                num_in_stock=10), 2)
    total = Price("EUR", basket.total_excl_tax, incl_tax=basket.total_incl_tax)
    return {"total": total, "user": user, "basket": basket, "billing_address": billing,
            "shipping_address": shipping}


def create(facade: Facade, number: str, checkout: dict[str, Any]) -> DocdataOrder:
    args = dict(checkout)
    key = facade.create_payment(number, args.pop("total"), args.pop("user"), language="nl",
                                **args)
    return DocdataOrder.objects.get(order_key=key)


def test_old_style_override_works_end_to_end(simulator, checkout):
    order = create(OldStyleFacade(), "800001", checkout)
    assert (order.merchant_order_id, order.order_number) == ("800001", "800001")
    simulated = SimulatedOrder.objects.get(order_key=order.order_key)
    assert simulated.description == "Order 800001 at the test shop"
    assert simulated.bill_to["address"]["houseNumber"] == "123"
    assert simulated.invoice["shipTo"]["address"]["houseNumber"] == "1"
    assert simulated.amount == 2500

    simulator.settle(order.order_key, "paid")
    order.refresh_from_db()
    assert order.status == "paid"


def test_own_order_id_is_sent_and_stored(simulator, checkout):
    order = create(OwnReferenceFacade(), "800002", checkout)
    assert (order.merchant_order_id, order.order_number) == ("WEB-800002", "800002")
    simulated = SimulatedOrder.objects.get(order_key=order.order_key)
    assert simulated.merchant_order_reference == "WEB-800002"

    # Docdata's notification names the shop's reference: the order is found and updated.
    simulator.settle(order.order_key, "paid")
    order.refresh_from_db()
    assert order.status == "paid"
    assert DocdataOrder.objects.for_order("800002") == order


def test_automatic_references_without_an_own_order_id(simulator, checkout):
    first = create(OldStyleFacade(), "800003", checkout)
    retry = create(OldStyleFacade(), "800003", checkout)
    assert (first.merchant_order_id, retry.merchant_order_id) == ("800003", "800003-2")


# --- the Interface alone (canned replies) --------------------------------------------------


def shopper_kwargs() -> dict[str, Any]:
    name = Name(first="Jan", last="Jansen")
    return {
        "shopper": Shopper(id="42", name=name, email="jan@example.com", language="nl"),
        "bill_to": Destination(name=name, address=Address(
            street="Dorpsstraat", house_number="1", house_number_addition=None,
            postal_code="1234 AB", city="Amsterdam", state=None, country_code="NL")),
    }


class ChosenReference(Interface):
    def get_create_payment_args(self, order_number, total, user, language=None,
                                description=None, profile=None, **kwargs):
        args = super().get_create_payment_args(order_number, total, user, language,
                                                description, profile, **kwargs)
        args["order_id"] = f"SHOP-{order_number}"
        return args


def test_an_own_reference_taken_at_docdata_is_not_replaced():
    with canned_docdata() as docdata:
        docdata.add("create", replies.error_reply(
            "create", (("REQUEST_DATA_INCORRECT", "Merchant order reference is not unique."),)))
        with pytest.raises(DocdataCreateError):
            ChosenReference().create_payment(
                "800004", Amount(Decimal("1.00"), "EUR"), None, **shopper_kwargs())
    assert [r.xml().findtext(".//{*}merchantOrderReference") for r in docdata.requests] == [
        "SHOP-800004"]
    assert not DocdataOrder.objects.exists()


def test_get_create_payment_args_is_called_once_with_every_argument_by_name():
    calls = []

    class Recording(Interface):
        def get_create_payment_args(self, *args, **kwargs):
            calls.append((args, sorted(kwargs)))
            return super().get_create_payment_args(*args, **kwargs)

    with canned_docdata() as docdata:
        docdata.add("create", replies.error_reply(
            "create", (("REQUEST_DATA_INCORRECT", "Merchant order reference is not unique."),)))
        docdata.add("create", replies.create_reply("5EED0000000000000000000000000008"))
        Recording().create_payment("800005", Amount(Decimal("1.00"), "EUR"), None,
                                   **shopper_kwargs())
    assert calls == [((), ["bill_to", "description", "language", "merchant_name",
                           "order_number", "profile", "shopper", "total", "user"])]
    assert DocdataOrder.objects.get().merchant_order_id == "800005-2"
