"""start: a payment of an order, with a payment input or as a recurring payment."""

from __future__ import annotations

from lxml import etree

from .. import engine, notifications, totals
from ..engine import SimulationError
from ..models import SimulatedOrder
from ..soap import Call, E, child_elements, incorrect, localname, success
from .payment_inputs import STARTERS
from .reading import locked_order, optional_amount
from .recurring import start_recurring
from .replies import payment_response


def start(call: Call) -> etree._Element:
    order = locked_order(call)
    try:
        engine.ensure_open(order)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    value, currency = _payment_amount(call, order)
    recurring = call.find("recurringPaymentRequest")
    if recurring is not None:
        return start_recurring(call, order, recurring, value, currency)
    if call.find("token") is not None:
        raise incorrect("Payments with a token are not supported by the simulator.")
    payment = call.required("payment")
    method = call.required_text("paymentMethod", payment)
    try:
        engine.ensure_method(order, method)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    method_input = child_elements(payment)[1]
    name = localname(method_input)
    if name not in STARTERS:
        raise incorrect(f"{name} is not supported by the simulator.")
    expected, starter = STARTERS[name]
    if method != expected:
        raise incorrect(f"paymentMethod {method} does not match {name}.")
    attempt, redirect = starter(call, order, method, method_input, value, currency,
                                call.text("returnUrl") or "")
    notifications.order_changed(order)
    content = E.startSuccess(success(), payment_response(attempt))
    if redirect is not None:
        content.append(redirect)
    return content


def _payment_amount(call: Call, order: SimulatedOrder) -> tuple[int, str]:
    """The paymentAmount given, else what remains of the order (else all of it)."""
    given = optional_amount(call, "paymentAmount")
    if given is None:
        return (engine.remaining(order) or order.amount), order.currency
    value, currency = given
    if value <= 0:
        raise incorrect("paymentAmount must be positive.")
    if currency != order.currency and not (totals.supports(currency)
                                           and totals.supports(order.currency)):
        raise incorrect(f"Payments in {currency} are not possible for this order.")
    return value, currency
