"""The checkout mixin against the simulator: place order → Docdata order → payment menu."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_docdata.models import DocdataOrder
from oscar_docdata.oscar_adapter.sources import SOURCE_TYPE_CODE
from oscar_docdata.simulator.models import SimulatedOrder

from .shop import checkout, fill_basket, make_shop, place_order, to_preview

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.checkout.urls")]

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")


def open_basket_lines(client):
    """The products and quantities in the basket the client's next request would see."""
    response = client.get(reverse("basket:summary"))
    basket = response.context["basket"]
    return [(line.product_id, line.quantity) for line in basket.all_lines()]


def test_place_order_creates_the_docdata_order_places_the_order_and_opens_the_menu(
    client, product, docdata_simulator
):
    placed = checkout(client, product, payment_method="IDEAL")

    assert placed.menu_url.startswith(docdata_simulator.base_url + "/menu?")
    query = placed.menu_query
    assert query["command"] == ["show_payment_cluster"]
    assert query["merchant_name"] == ["shop_test"]
    assert query["default_pm"] == ["IDEAL"]
    assert query["return_url_success"][0].startswith("http://testserver/api/docdata/return/?")

    docdata_order = placed.docdata_order
    order = placed.order
    assert docdata_order.status == DocdataOrder.STATUS_NEW
    assert docdata_order.total_gross_amount == order.total_incl_tax
    assert order.status == "Pending"
    assert order.guest_email == "anna@example.com"
    assert order.basket.status == Basket.SUBMITTED
    source = order.sources.get()
    assert (source.source_type.code, source.source_type.name) == (SOURCE_TYPE_CODE, "Docdata")
    assert source.reference == placed.order_key
    assert source.amount_allocated == source.amount_debited == Decimal("0.00")
    assert not source.transactions.exists()
    assert not order.payment_events.exists()

    simulated = SimulatedOrder.objects.get(order_key=placed.order_key)
    assert simulated.merchant_order_reference == order.number
    assert simulated.amount == int(order.total_incl_tax * 100)
    # The confirmation goes out when the order is paid (DOCDATA_CONFIRMATION_EMAIL).
    assert mail.outbox == []
    # The shopper can land on the thank-you page after the menu.
    assert client.session["checkout_order_id"] == order.pk


@pytest.mark.urls("tests.checkout.urls_no_choice")
def test_without_a_method_choice_the_menu_offers_every_method(client, product, docdata_simulator):
    fill_basket(client, product)
    preview = to_preview(client, payment_method=None)
    assert preview.context["payment_method_form"] is None

    placed = place_order(client, payment_method=None)

    assert placed.status_code == 302
    assert "default_pm" not in placed["Location"]
    assert DocdataOrder.objects.count() == 1


def test_the_chosen_method_is_shown_on_the_preview_and_required(client, product,
                                                               docdata_simulator):
    fill_basket(client, product)
    preview = to_preview(client, payment_method="BANK_TRANSFER")
    page = client.get(reverse("checkout:payment-details"))
    assert b'type="radio" name="payment_method" value="IDEAL"' in page.content

    assert b'id="docdata_payment_method">Bank transfer<' in preview.content
    assert b'type="hidden" name="payment_method" value="BANK_TRANSFER"' in preview.content

    # A forged submission without a method is sent back to choose one: nothing placed.
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 200
    assert response.context["payment_method_form"].errors
    assert not DocdataOrder.objects.exists() and not Order.objects.exists()


def test_signed_in_customer(client, product, docdata_simulator, django_user_model):
    user = django_user_model.objects.create_user(
        username="piet", email="piet@example.com", password="pw", first_name="Piet",
        last_name="Jansen",
    )
    client.force_login(user)
    fill_basket(client, product)
    to_preview(client, email=None)
    placed = place_order(client)

    assert placed.status_code == 302
    order = Order.objects.get()
    assert order.user == user
    simulated = SimulatedOrder.objects.get(order_key=order.sources.get().reference)
    assert simulated.customer["email"] == "piet@example.com"
    assert simulated.customer["@id"] == str(user.pk)


def test_a_value_docdata_would_refuse_shows_on_the_preview_page_and_nothing_is_created(
    client, product, docdata_simulator
):
    fill_basket(client, product)
    # Oscar allows 255 characters in an address line, Docdata 100 in a street.
    to_preview(client, address={"line1": "Keizersgracht " + "1" * 120})

    response = place_order(client)

    assert response.status_code == 200
    assert response.context["error"] == (
        "The street in your billing address is too long for our payment provider (134 "
        "characters, at most 100). Please shorten it and place the order again."
    )
    assert b"too long for our payment provider" in response.content
    assert not Order.objects.exists()
    assert not DocdataOrder.objects.exists()
    assert not SimulatedOrder.objects.exists()
    assert not Source.objects.exists()
    assert open_basket_lines(client) == [(product.pk, 1)]
    assert Basket.objects.get().status == Basket.OPEN


@pytest.mark.parametrize("mode", ["http_500", "soap_fault", "malformed_xml"])
def test_docdata_failing_shows_a_message_and_gives_the_basket_back(
    client, product, docdata_simulator, mode
):
    fill_basket(client, product)
    to_preview(client)
    docdata_simulator.inject_fault("create", mode)

    response = place_order(client)

    assert response.status_code == 200
    assert str(response.context["error"]).startswith("We could not reach our payment provider.")
    assert not Order.objects.exists() and not DocdataOrder.objects.exists()
    assert open_basket_lines(client) == [(product.pk, 1)]

    # Once Docdata is back the same basket checks out.
    docdata_simulator.clear_faults()
    to_preview(client, email=None)
    assert place_order(client).status_code == 302
    assert Order.objects.count() == DocdataOrder.objects.count() == 1


def test_docdata_refusing_the_order_shows_a_message(client, product, docdata_simulator):
    fill_basket(client, product)
    to_preview(client)
    docdata_simulator.inject_fault("create", "errors", code="REQUEST_DATA_INCORRECT")

    response = place_order(client)

    assert str(response.context["error"]).startswith(
        "Our payment provider did not accept this order."
    )
    assert not Order.objects.exists() and not DocdataOrder.objects.exists()


def test_an_order_that_cannot_be_placed_leaves_no_docdata_order_behind(
    client, product, docdata_simulator
):
    fill_basket(client, product)
    to_preview(client)
    basket = Basket.objects.get()
    # Oscar refuses to place an order whose number is taken (here by an older order).
    create_order(number=str(100000 + basket.pk))

    response = place_order(client)

    assert response.status_code == 200
    assert response.context["error"]
    assert Order.objects.count() == 1  # only the older order
    assert not DocdataOrder.objects.exists()
    assert not Source.objects.filter(source_type__code=SOURCE_TYPE_CODE).exists()
    simulated = SimulatedOrder.objects.get()
    assert simulated.cancelled  # and it was cancelled at Docdata
    assert open_basket_lines(client) == [(product.pk, 1)]


def test_confirmation_at_placement_when_configured(client, product, docdata_simulator, settings):
    settings.DOCDATA_CONFIRMATION_EMAIL = "placed"
    placed = checkout(client, product)

    assert len(mail.outbox) == 1
    assert placed.order.number in mail.outbox[0].subject

    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")
    assert len(mail.outbox) == 1  # not again when paid


def test_an_order_with_nothing_to_pay_is_placed_without_docdata(client, docdata_simulator):
    free_sample = make_shop(price=Decimal("0.00"))
    fill_basket(client, free_sample)
    to_preview(client)

    response = place_order(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.total_incl_tax == 0
    assert not order.sources.exists()
    assert not DocdataOrder.objects.exists() and not SimulatedOrder.objects.exists()
    assert len(mail.outbox) == 1  # confirmed at once: there is no payment to wait for
