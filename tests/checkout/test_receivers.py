"""The receivers keep Oscar in step with Docdata: Source, Transactions, PaymentEvents,
order status, confirmation e-mail, and the shopper's cancelled return.

Every test checks out through the mixin and lets the simulator settle the order; the
simulator notifies the shop's update_order view, which pulls the status and sends the
signals the receivers act on.
"""

import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator.models import SimulatedOrder

from .shop import checkout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.checkout.urls")]

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

TOTAL = Decimal("12.50")  # the product's price; shipping is free, no tax


def transactions(order):
    source = order.sources.get()
    return sorted(
        (t.txn_type, t.amount, t.reference.split(":", 1)[-1] if ":" in t.reference else "",
         t.status)
        for t in source.transactions.all()
    )


def payment_events(order):
    return [
        (e.event_type.name, e.amount, sorted(q.quantity for q in e.line_quantities.all()))
        for e in order.payment_events.order_by("id")
    ]


def source_amounts(order):
    source = order.sources.get()
    return source.amount_allocated, source.amount_debited, source.amount_refunded


def basket_lines(client):
    basket = client.get(reverse("basket:summary")).context["basket"]
    return [(line.product_id, line.quantity) for line in basket.all_lines()]


def test_paid(client, product, docdata_simulator):
    placed = checkout(client, product)

    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_PAID
    assert order.status == "Paid"
    assert source_amounts(order) == (TOTAL, TOTAL, Decimal("0"))
    assert transactions(order) == [
        ("Authorise", TOTAL, "", "AUTHORIZED"),
        ("Debit", TOTAL, "capture:1", "CAPTURED"),
    ]
    assert payment_events(order) == [("Paid", TOTAL, [1])]
    # The confirmation goes out now, once.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.com"]
    assert order.number in mail.outbox[0].subject

    # Docdata notifies again (and the shopper comes back): nothing twice.
    assert client.get(placed.return_url("SUCCESS")).url == reverse("checkout:thank-you")
    response = client.get(reverse("order_status_update"), {"order_id": order.number})
    assert response.status_code == 200
    assert len(transactions(order)) == 2
    assert len(payment_events(order)) == 1
    assert len(mail.outbox) == 1
    thank_you = client.get(reverse("checkout:thank-you"))
    assert thank_you.context["order"] == order


def test_pending_bank_transfer(client, product, docdata_simulator):
    placed = checkout(client, product, payment_method="BANK_TRANSFER")

    docdata_simulator.settle(placed.order_key, "pending", "BANK_TRANSFER")

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_PENDING
    assert order.status == "Pending"  # the mapping has no "pending"
    # Nothing allocated until the shopper's money arrives.
    assert source_amounts(order) == (Decimal("0"), Decimal("0"), Decimal("0"))
    assert transactions(order) == []
    assert payment_events(order) == []
    assert mail.outbox == []

    # The money arrives.
    docdata_simulator.pay(placed.order_key)
    order.refresh_from_db()
    assert order.status == "Paid"
    assert payment_events(order) == [("Paid", TOTAL, [1])]
    assert len(mail.outbox) == 1


def test_cancelled_in_the_menu(client, product, docdata_simulator):
    placed = checkout(client, product)

    docdata_simulator.settle(placed.order_key, "cancelled", "IDEAL")

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert order.status == "Cancelled"
    assert transactions(order) == []
    assert payment_events(order) == [("Cancelled", TOTAL, [1])]
    assert mail.outbox == []


def test_refunded(client, product, docdata_simulator):
    placed = checkout(client, product)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    docdata_simulator.refund(placed.order_key)

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_REFUNDED
    assert order.status == "Refunded"
    assert source_amounts(order) == (TOTAL, TOTAL, TOTAL)
    assert ("Refund", TOTAL, "refund:1", "CAPTURED") in transactions(order)
    assert payment_events(order) == [("Paid", TOTAL, [1]), ("Refunded", TOTAL, [])]


def test_charged_back(client, product, docdata_simulator):
    placed = checkout(client, product)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    docdata_simulator.chargeback(placed.order_key)

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_CHARGED_BACK
    assert order.status == "Charged back"
    assert source_amounts(order) == (TOTAL, TOTAL, TOTAL)
    assert ("Chargeback", TOTAL, "chargeback:1", "CHARGED") in transactions(order)
    assert payment_events(order) == [("Paid", TOTAL, [1]), ("Charged back", TOTAL, [])]


def test_partly_refunded_in_two_steps(client, product, docdata_simulator):
    placed = checkout(client, product)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    docdata_simulator.refund(placed.order_key, Decimal("2.50"))

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_PAID_REFUNDED
    assert order.status == "Paid"  # paid_refunded is not mapped: still paid
    assert source_amounts(order) == (TOTAL, TOTAL, Decimal("2.50"))
    assert payment_events(order) == [("Paid", TOTAL, [1]), ("Refunded", Decimal("2.50"), [])]

    docdata_simulator.refund(placed.order_key, Decimal("4.00"))

    order.refresh_from_db()
    assert order.status == "Paid"
    assert source_amounts(order) == (TOTAL, TOTAL, Decimal("6.50"))
    refunds = [t for t in transactions(order) if t[0] == "Refund"]
    assert refunds == [
        ("Refund", Decimal("2.50"), "refund:1", "CAPTURED"),
        ("Refund", Decimal("4.00"), "refund:2", "CAPTURED"),
    ]
    assert payment_events(order)[1:] == [
        ("Refunded", Decimal("2.50"), []),
        ("Refunded", Decimal("4.00"), []),
    ]
    assert len(mail.outbox) == 1  # the confirmation, once, when paid


def test_a_transition_oscars_pipeline_refuses_is_logged_and_docdata_gets_ok(
    client, product, docdata_simulator, caplog
):
    placed = checkout(client, product)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")
    order = placed.order
    order.set_status("Being processed")  # the shop ships it
    order.set_status("Complete")

    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        docdata_simulator.chargeback(placed.order_key)

    order.refresh_from_db()
    assert order.status == "Complete"  # Complete → Charged back is not in the pipeline
    assert placed.docdata_order.status == DocdataOrder.STATUS_CHARGED_BACK
    assert payment_events(order)[-1] == ("Charged back", TOTAL, [])
    assert docdata_simulator.notifications(placed.order_key)[-1].status_code == 200
    assert any(
        "does not allow 'Complete' → 'Charged back'" in record.getMessage()
        for record in caplog.records
    )


def test_receivers_can_be_switched_off(client, product, docdata_simulator, settings):
    settings.DOCDATA_OSCAR_RECEIVERS = False
    placed = checkout(client, product)

    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    order = placed.order
    assert placed.docdata_order.status == DocdataOrder.STATUS_PAID
    assert source_amounts(order) == (Decimal("0"), Decimal("0"), Decimal("0"))
    assert transactions(order) == [] and payment_events(order) == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("outcome", "callback"), [("cancelled", "CANCELLED"), ("failed", "ERROR")]
)
def test_cancel_or_error_return_cancels_the_order_and_gives_the_basket_back(
    client, product, docdata_simulator, outcome, callback
):
    placed = checkout(client, product)
    assert basket_lines(client) == []  # submitted with the order
    docdata_simulator.settle(placed.order_key, outcome, "IDEAL")

    response = client.get(placed.return_url(callback))

    assert response.status_code == 302
    assert response.url == reverse("basket:summary")
    page = client.get(response.url)
    assert "Your basket is back" in page.content.decode()
    assert [(line.product_id, line.quantity) for line in page.context["basket"].all_lines()] == [
        (product.pk, 1)
    ]
    order = placed.order
    assert order.status == "Cancelled"
    assert placed.docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert SimulatedOrder.objects.get(order_key=placed.order_key).cancelled
    assert Basket.objects.get(pk=order.basket_id).status == Basket.MERGED

    # Reloading the return page gives nothing twice.
    client.get(placed.return_url(callback))
    assert basket_lines(client) == [(product.pk, 1)]
    assert payment_events(order) == [("Cancelled", TOTAL, [1])]


def test_the_shopper_leaving_the_menu_without_trying_cancels_too(
    client, product, docdata_simulator
):
    placed = checkout(client, product)

    client.get(placed.return_url("CANCELLED"))

    assert placed.order.status == "Cancelled"
    assert placed.docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert basket_lines(client) == [(product.pk, 1)]


def test_a_paid_order_is_never_cancelled_by_a_cancel_return(client, product, docdata_simulator):
    placed = checkout(client, product)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    client.get(placed.return_url("CANCELLED"))

    assert placed.order.status == "Paid"
    assert placed.docdata_order.status == DocdataOrder.STATUS_PAID
    assert not SimulatedOrder.objects.get(order_key=placed.order_key).cancelled
    assert basket_lines(client) == []


def test_someone_elses_order_key_touches_neither_their_order_nor_their_basket(
    client, product, docdata_simulator
):
    placed = checkout(client, product)
    stranger = Client()
    stranger.get(reverse("basket:summary"))  # a session and basket of their own

    response = stranger.get(placed.return_url("CANCELLED"))

    assert response.status_code == 302
    assert placed.order.status == "Pending"
    assert placed.docdata_order.status == DocdataOrder.STATUS_NEW
    assert not SimulatedOrder.objects.get(order_key=placed.order_key).cancelled
    assert basket_lines(stranger) == []
    assert Basket.objects.get(pk=placed.order.basket_id).status == Basket.SUBMITTED

    # The owner still gets their basket back.
    client.get(placed.return_url("CANCELLED"))
    assert basket_lines(client) == [(product.pk, 1)]
    assert basket_lines(stranger) == []


def test_a_signed_in_customer_does_not_get_a_guests_basket(
    client, product, docdata_simulator, django_user_model
):
    placed = checkout(client, product)
    other = Client()
    other.force_login(django_user_model.objects.create_user(
        username="mallory", email="mallory@example.com", password="pw"
    ))

    other.get(placed.return_url("ERROR"))

    assert placed.order.status == "Pending"
    assert basket_lines(other) == []


def test_a_signed_in_customer_gets_their_basket_back(
    client, product, docdata_simulator, django_user_model
):
    client.force_login(django_user_model.objects.create_user(
        username="piet", email="piet@example.com", password="pw"
    ))
    placed = checkout(client, product, email=None)

    client.get(placed.return_url("CANCELLED"))

    assert placed.order.status == "Cancelled"
    assert basket_lines(client) == [(product.pk, 1)]
