"""cancel, capture and refund: what happens to the money of an order's payments."""

from __future__ import annotations

from lxml import etree

from .. import engine, ledger, notifications
from ..conf import sim_settings
from ..engine import SimulationError
from ..models import PaymentAttempt, SimulatedOrder
from ..soap import NS, Call, E, incorrect, success
from .reading import amount_of, locked_attempt, locked_order, optional_amount

#: Seconds after a pending line is due before the reminder notification (clock skew).
SETTLE_MARGIN = 1.0


def cancel(call: Call) -> etree._Element:
    order = locked_order(call)
    settled = ledger.advance_money(order)
    result = engine.cancel(order)
    if settled or result in ("SUCCESS", "PENDING", "NO_PAYMENTS"):
        notifications.order_changed(order)
    return E.cancelSuccess(success(), E.result(result))


def capture(call: Call) -> etree._Element:
    attempt = locked_attempt(call)
    # Promoted first, so what is due counts; a refusal rolls it back (promoted again later).
    ledger.advance_money(attempt.order)
    try:
        ledger.add_capture(attempt, _amount_for(call, attempt),
                           reference=call.text("merchantCaptureReference") or "",
                           description=call.text("description") or "", requested=True)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    _booked(attempt.order)
    return E.captureSuccess(success())


def refund(call: Call) -> etree._Element:
    attempt = locked_attempt(call)
    items = call.find("refundItems")
    value = _refund_items_amount(call, attempt, items) if items is not None \
        else _amount_for(call, attempt)
    ledger.advance_money(attempt.order)
    try:
        ledger.add_refund(attempt, value, reference=call.text("merchantRefundReference") or "",
                          description=call.text("description") or "", requested=True)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    _booked(attempt.order)
    return E.refundSuccess(success())


def _amount_for(call: Call, attempt: PaymentAttempt) -> int | None:
    """The amount given, in the payment's currency (None: all that is available)."""
    given = optional_amount(call, "amount")
    if given is None:
        return None
    value, currency = given
    if currency != attempt.currency:
        raise incorrect(f"The amount must be in {attempt.currency}, the payment's currency.")
    return value


def _booked(order: SimulatedOrder) -> None:
    """Notify now, and once more when the money booked pending is due to be CAPTURED."""
    notifications.order_changed(order)
    seconds = sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS
    if seconds:
        # The merchant hears of the change even when nobody asks for the status;
        # its status call then promotes the line (a second, harmless notification).
        notifications.order_changed(order, delay=float(seconds) + SETTLE_MARGIN)


def _refund_items_amount(call: Call, attempt: PaymentAttempt, items: etree._Element) -> int:
    """The gross amount of the refunded invoice lines plus any additional amount."""
    lines = {line["code"]: line for line in (attempt.order.invoice or {}).get("item", [])}
    total = 0
    for item_line in items.findall("d:itemLine", namespaces=NS):
        code = call.text("itemCode", item_line)
        if code not in lines:
            raise incorrect(f"No invoice item with code {code}.")
        total += (int(lines[code]["grossAmount"]["#text"])
                  * int(call.required_text("quantity", item_line)))
    additional = call.find("additionalRefund/additionalAmount", items)
    if additional is not None:
        total += amount_of(additional)[0]
    if total <= 0:
        raise incorrect("The refund items add up to nothing.")
    return total
