"""start with a recurringPaymentRequest: charge the method of an earlier, initial order."""

from __future__ import annotations

from lxml import etree

from .. import engine, methods, notifications
from ..engine import SimulationError
from ..models import SimulatedOrder
from ..soap import Call, E, child_elements, incorrect, localname, success
from .replies import payment_response


def start_recurring(call: Call, order: SimulatedOrder, element: etree._Element, value: int,
                    currency: str) -> etree._Element:
    initial = _initial_order(call, element)
    paid = [a for a in engine.attempts_of(initial)
            if a.method in methods.RECURRING_METHODS and a.status == "AUTHORIZED"]
    if not paid:
        return E.startSuccess(success(), E.paymentResponse(E.paymentError(E.error(
            f"The initial order {initial.merchant_order_reference} has no authorized card "
            "or direct debit payment.", code="REQUEST_DATA_INCORRECT"))))
    source = paid[-1]
    try:
        engine.ensure_method(order, source.method)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    details = {key: detail for key, detail in source.details.items() if key != "md"}
    details["initial_payment_id"] = source.payment_id
    attempt = engine.create_attempt(order, source.method, "AUTHORIZED", amount=value,
                                    currency=currency, details=details)
    notifications.order_changed(order)
    return E.startSuccess(success(), payment_response(attempt))


def _initial_order(call: Call, element: etree._Element) -> SimulatedOrder:
    """The caller's order named by the request's initialPaymentReference."""
    reference = child_elements(call.required("initialPaymentReference", element))[0]
    kind, text = localname(reference), (reference.text or "").strip()
    initial_orders = SimulatedOrder.objects.filter(merchant=call.merchant).exclude(
        initial_payment_reference="")
    if kind == "merchantReference":
        initial = (initial_orders.filter(initial_payment_reference=text).first()
                   or initial_orders.filter(merchant_order_reference=text).first())
    elif kind == "paymentId":
        initial = initial_orders.filter(attempts__payment_id=int(text)).first()
    else:
        raise incorrect("Recurring payments by linkId are not supported by the simulator.")
    if initial is None:
        raise incorrect(f"Unknown initial payment reference {text}.")
    return initial
