"""The shop's own receivers of oscar_docdata's signals, as the old sandbox had them.

Docdata's changes become Oscar PaymentEvents (shown in Oscar's order dashboard), and a
shopper who comes back from the menu with CANCELLED gets the order cancelled at Docdata.
The shop sets ``DOCDATA_OSCAR_RECEIVERS = False``: these replace the package's own.

A shop connects them in its AppConfig.ready(); the tests connect them per test.
"""

from decimal import Decimal

from oscar.core.loading import get_model

from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.signals import (
    order_status_changed,
    payment_added,
    payment_updated,
    return_view_called,
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

PAYMENT_ADDED = "Docdata payment added"
PAYMENT_UPDATED = "Docdata payment updated"


def status_event(status):
    """The name of the PaymentEvent recorded when the Docdata order gets ``status``."""
    return f"Docdata {status}"


def add_payment_event(order, name, amount, reference=""):
    """A PaymentEvent on all lines of the Oscar ``order``."""
    event_type, _created = PaymentEventType.objects.get_or_create(name=name)
    event = PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=amount, reference=reference
    )
    for line in order.lines.all():
        PaymentEventQuantity.objects.create(event=event, line=line, quantity=line.quantity)
    return event


def oscar_order(docdata_order):
    return Order.objects.get(number=docdata_order.merchant_order_id)


def on_payment_added(sender, order, payment, **kwargs):
    add_payment_event(
        oscar_order(order), PAYMENT_ADDED, payment.amount_allocated,
        reference=f"{payment.payment_id}:{payment.status}",
    )


def on_payment_updated(sender, order, payment, **kwargs):
    add_payment_event(
        oscar_order(order), PAYMENT_UPDATED, payment.amount_refunded,
        reference=f"{payment.payment_id}:{payment.status}",
    )


def on_order_status_changed(sender, order, old_status, new_status, **kwargs):
    amount = {
        DocdataOrder.STATUS_PAID: order.total_captured,
        DocdataOrder.STATUS_PAID_REFUNDED: order.total_refunded,
        DocdataOrder.STATUS_REFUNDED: order.total_refunded,
        DocdataOrder.STATUS_CHARGED_BACK: order.total_charged_back,
    }.get(new_status, Decimal("0.00"))
    add_payment_event(oscar_order(order), status_event(new_status), amount,
                      reference=order.order_key)


def on_return_view_called(sender, request, order, callback, **kwargs):
    """The shopper aborted the payment: cancel the order at Docdata."""
    if callback == "CANCELLED":
        order.cancel()


#: (signal, receiver, sender) as the shop connects them.
RECEIVERS = (
    (order_status_changed, on_order_status_changed, DocdataOrder),
    (payment_added, on_payment_added, DocdataPayment),
    (payment_updated, on_payment_updated, DocdataPayment),
    (return_view_called, on_return_view_called, None),
)


def _uid(func):
    return f"legacy_shop.{func.__name__}"


def connect():
    for signal, func, sender in RECEIVERS:
        signal.connect(func, sender=sender, dispatch_uid=_uid(func))


def disconnect():
    for signal, func, sender in RECEIVERS:
        signal.disconnect(func, sender=sender, dispatch_uid=_uid(func))
