"""Checkouts of the legacy shop on the simulator, over real HTTP: paid, cancelled, refunded.

The shopper's browser, the shop's SOAP calls and Docdata's notifications all go through
the live server. The package's own receivers are off (DOCDATA_OSCAR_RECEIVERS = False):
every PaymentEvent after the checkout's "pre-auth" is the shop's receivers' doing.
"""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_docdata.facade import get_facade
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator import notifications
from tests.simulator.browser import forms

from .conftest import URLCONF
from .facade import DESCRIPTION, LegacyShopFacade
from .receivers import PAYMENT_ADDED, PAYMENT_UPDATED, status_event
from .views import PRE_AUTH

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(URLCONF)]

Order = get_model("order", "Order")

TOTAL = Decimal("12.50")  # the product's price; free shipping, no tax
ZERO = Decimal("0.00")


def payment_events(order):
    """(name, amount, reference, line quantities) of each PaymentEvent, sorted."""
    return sorted(
        (event.event_type.name, event.amount, event.reference,
         [quantity.quantity for quantity in event.line_quantities.all()])
        for event in order.payment_events.all()
    )


def events(*expected):
    """Expected payment events, each on the order's one line (quantity 1)."""
    return sorted((name, amount, reference, [1]) for name, amount, reference in expected)


def settled():
    assert notifications.wait_until_idle(10), "the simulator's notifications did not finish"


def pay(shopper, placed):
    """Pay in the menu, back to the shop's thank-you page; Docdata's notifications done."""
    thank_you = shopper.pay(placed)
    settled()
    return thank_you


def paid_events(placed, payment):
    return (
        (PRE_AUTH, TOTAL, placed.order_key),
        (PAYMENT_ADDED, TOTAL, f"{payment.payment_id}:AUTHORIZED"),
        (status_event(DocdataOrder.STATUS_PAID), TOTAL, placed.order_key),
    )


def test_the_shop_creates_the_docdata_order_with_its_own_facade_and_source(
    shopper, product, docdata, customer, live_server
):
    placed = shopper.check_out(product)

    assert isinstance(get_facade(), LegacyShopFacade)
    order = Order.objects.get()
    assert (order.user, order.status, order.total_incl_tax) == (customer, "Pending", TOTAL)
    docdata_order = DocdataOrder.objects.get(order_key=placed.order_key)
    assert (docdata_order.merchant_order_id, docdata_order.status) == (
        order.number, DocdataOrder.STATUS_NEW)
    assert (docdata_order.total_gross_amount, docdata_order.currency) == (TOTAL, "EUR")

    # The Source the checkout view recorded with the facade's source type.
    source = order.sources.get()
    assert source.source_type == get_facade().get_source_type()
    assert source.source_type.code == "docdata"
    assert (source.reference, source.currency, source.amount_allocated) == (
        placed.order_key, "EUR", TOTAL)
    assert payment_events(order) == events((PRE_AUTH, TOTAL, placed.order_key))

    # What reached Docdata: the facade's description, the house number from line2.
    simulated = docdata.order(placed.order_key)
    assert simulated.merchant_order_reference == order.number
    assert simulated.description == DESCRIPTION.format(number=order.number)
    assert simulated.amount == 1250
    address = simulated.bill_to["address"]
    assert (address["street"], address["houseNumber"], address["postalCode"]) == (
        "Keizersgracht", "12", "1015CJ")  # as Oscar stores it
    assert simulated.customer["email"] == customer.email

    # The menu sends the shopper back to the shop's return_url.
    return_url = live_server.url + reverse("return_url")
    assert placed.menu_query["return_url_success"] == [
        f"{return_url}?callback=SUCCESS&order_id={placed.order_key}"]
    assert placed.menu_query["return_url_canceled"] == [
        f"{return_url}?callback=CANCELLED&order_id={placed.order_key}"]


def test_paid(shopper, product, docdata, live_server):
    placed = shopper.check_out(product)

    thank_you = pay(shopper, placed)

    order = Order.objects.get()
    assert urlsplit(thank_you.url).path == reverse("checkout:thank-you")
    assert order.number in thank_you.text
    # Docdata notified the shop's status_changed URL, once.
    [notification] = docdata.notifications(placed.order_key)
    assert notification.url == (
        f"{live_server.url}{reverse('status_changed')}?order_id={order.number}")
    assert notification.status_code == 200

    docdata_order = DocdataOrder.objects.get(order_key=placed.order_key)
    assert docdata_order.status == DocdataOrder.STATUS_PAID
    assert (docdata_order.total_captured, docdata_order.total_refunded) == (TOTAL, ZERO)
    payment = docdata_order.payments.get()
    assert (payment.payment_method, payment.status) == ("IDEAL", "AUTHORIZED")
    assert (payment.amount_allocated, payment.amount_debited) == (TOTAL, TOTAL)
    # The shop's receivers: one event for the new payment, one for the status.
    assert payment_events(order) == events(*paid_events(placed, payment))
    # The package's receivers stayed out (DOCDATA_OSCAR_RECEIVERS = False).
    source = order.sources.get()
    assert not source.transactions.exists()
    assert (source.amount_allocated, source.amount_debited) == (TOTAL, ZERO)

    # Docdata notifies again, the shopper reloads the return URL: nothing twice.
    again = shopper.visit(f"{reverse('status_changed')}?order_id={order.number}")
    assert again.status_code == 200
    assert shopper.visit(placed.menu_query["return_url_success"][0]).status_code == 302
    assert payment_events(order) == events(*paid_events(placed, payment))


def test_cancelled(shopper, product, docdata):
    placed = shopper.check_out(product)

    answer = shopper.pay_in_menu(placed, {"method": "IDEAL", "outcome": "cancelled"})
    assert answer.headers["Location"] == placed.menu_query["return_url_canceled"][0]
    back = shopper.visit(answer.headers["Location"])
    settled()

    assert back.status_code == 302
    # The shop's return_view_called receiver cancelled the order at Docdata.
    assert docdata.order(placed.order_key).cancelled
    docdata_order = DocdataOrder.objects.get(order_key=placed.order_key)
    assert docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert docdata_order.total_captured == ZERO
    payment = docdata_order.payments.get()
    assert (payment.payment_method, payment.status) == ("IDEAL", "CANCELED")
    order = Order.objects.get()
    assert payment_events(order) == events(
        (PRE_AUTH, TOTAL, placed.order_key),
        (PAYMENT_ADDED, ZERO, f"{payment.payment_id}:CANCELED"),
        (status_event(DocdataOrder.STATUS_CANCELLED), ZERO, placed.order_key),
    )
    # The menu offers nothing more for a cancelled order.
    assert forms(shopper.get(placed.menu.url).text) == []


@pytest.mark.parametrize("refund_through", ["facade", "simulator"])
def test_refunded(shopper, product, docdata, refund_through):
    placed = shopper.check_out(product)
    pay(shopper, placed)
    docdata_order = DocdataOrder.objects.get(order_key=placed.order_key)
    assert docdata_order.status == DocdataOrder.STATUS_PAID

    if refund_through == "facade":
        get_facade().refund(docdata_order)  # the merchant refunds (e.g. the dashboard)
        settled()
        # Docdata reports a requested refund NEW first: nothing refunded yet.
        docdata_order.refresh_from_db()
        assert docdata_order.status == DocdataOrder.STATUS_PAID
        assert docdata_order.money_requests.get().state == "pending"
        docdata.settle_pending(placed.order_key)  # Docdata executes it, and notifies
    else:
        docdata.refund(placed.order_key)  # refunded in Docdata's Back Office
    settled()

    docdata_order.refresh_from_db()
    assert docdata_order.status == DocdataOrder.STATUS_REFUNDED
    assert (docdata_order.total_captured, docdata_order.total_refunded) == (TOTAL, TOTAL)
    payment = docdata_order.payments.get()
    assert (payment.amount_debited, payment.amount_refunded) == (TOTAL, TOTAL)
    order = Order.objects.get()
    # The shop's receiver sees the payment line change twice when the refund is
    # requested through the facade: NEW (nothing refunded yet), then CAPTURED.
    requested = ([(PAYMENT_UPDATED, Decimal("0.00"), f"{payment.payment_id}:AUTHORIZED")]
                 if refund_through == "facade" else [])
    assert payment_events(order) == events(
        *paid_events(placed, payment),
        *requested,
        (PAYMENT_UPDATED, TOTAL, f"{payment.payment_id}:AUTHORIZED"),
        (status_event(DocdataOrder.STATUS_REFUNDED), TOTAL, placed.order_key),
    )


def test_the_oscar_order_status_follows_the_status_mapping(shopper, product, docdata):
    """As the old Facade did (DOCDATA_ORDER_STATUS_MAPPING), with the shop's receivers."""
    placed = shopper.check_out(product)
    order = Order.objects.get()
    assert order.status == "Pending"

    pay(shopper, placed)
    order.refresh_from_db()
    assert order.status == "Paid"

    get_facade().refund(DocdataOrder.objects.get(order_key=placed.order_key))
    docdata.settle_pending(placed.order_key)
    settled()
    order.refresh_from_db()
    assert order.status == "Refunded"
