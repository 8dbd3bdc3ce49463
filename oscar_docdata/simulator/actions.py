"""Events run on a simulated order by its key: the shopper's outcome in the pages and the
later events of ``docdata_simulate`` and the overview. Each locks the order, changes it
in one transaction and notifies the merchant once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from oscar_docdata.money import to_minor_units

from . import notifications
from .engine import authorize, close, finish_unpaid, latest_attempt, settle
from .errors import SimulationError
from .ledger import (
    add_capture,
    add_chargeback,
    add_refund,
    add_reversal,
    advance_money,
    capturable,
    captured,
    charged_back,
    end_pending,
    ensure_positive,
    money,
    refundable,
    refunded,
)
from .models import Capture, PaymentAttempt, SimulatedOrder
from .reads import locked

#: Explicit ends of pending captures and refunds: action → the status it sets.
PENDING_ACTIONS = {"settle-pending": "CAPTURED", "fail-pending": "FAILED",
                   "cancel-pending": "CANCELED"}
ACTIONS = ("pay", "authorize", "capture", "refund", "chargeback", "reverse", "cancel",
           "expire", "fail", *PENDING_ACTIONS)
def settle_order(order_key: str, outcome: str, method: str | None = None,
                 amount: Decimal | None = None, *, currency: str | None = None,
                 issuer: str | None = None) -> PaymentAttempt:
    """Settle the order with ``order_key`` (``amount`` in major units) and notify."""
    with transaction.atomic():
        order = _locked_or_error(order_key)
        minor = None if amount is None else _minor(amount, currency or order.currency)
        attempt = settle(order, outcome, method, minor, currency=currency, issuer=issuer)
        notifications.order_changed(order)
    return attempt


def perform(order_key: str, action: str, *, amount: Decimal | None = None,
            method: str | None = None, reference: str | None = None,
            reason: str | None = None) -> str:
    """Run a later event (``docdata_simulate`` and the overview) and say what happened.

    ``reference`` and ``reason`` apply to the ``*-pending`` actions only: the merchant
    reference of the line(s) to end (default: every pending line) and a failure reason.
    """
    if action not in ACTIONS:
        raise SimulationError(_("Unknown action %(action)s; choose one of %(actions)s.")
                              % {"action": action, "actions": ", ".join(ACTIONS)})
    with transaction.atomic():
        order = _locked_or_error(order_key)
        advance_money(order)  # notified below in any case
        if action in PENDING_ACTIONS:
            message = _do_end_pending(order, PENDING_ACTIONS[action], reference, reason)
        else:
            message = _ACTION_HANDLERS[action](order, amount, method)
        notifications.order_changed(order)
    return message


def _locked_or_error(order_key: str) -> SimulatedOrder:
    try:
        return locked(order_key)
    except SimulatedOrder.DoesNotExist:
        raise SimulationError(_("Unknown order key %(key)s.") % {"key": order_key}) from None


def _minor(amount: Decimal | str, currency: str) -> int:
    try:
        value = to_minor_units(amount, currency)
    except ValueError as error:
        raise SimulationError(_("%(amount)s is not an amount.") % {"amount": amount}) from error
    ensure_positive(value)
    return value


def _amount_in(attempt_or_order, amount: Decimal | None) -> int | None:
    return None if amount is None else _minor(amount, attempt_or_order.currency)


def _do_pay(order, amount, method, *, capture=True) -> str:
    attempt = authorize(order, method, _amount_in(order, amount), capture=capture)
    text = (_("Payment %(id)s (%(method)s) authorized and captured: %(amount)s.") if capture
            else _("Payment %(id)s (%(method)s) authorized: %(amount)s."))
    return text % {"id": attempt.payment_id, "method": attempt.method,
                   "amount": money(attempt.amount, attempt.currency)}


def _do_capture(order, amount, method) -> str:
    attempt = latest_attempt(order, lambda a: capturable(a) > 0 and method in (None, a.method),
                      _("No authorized payment has anything left to capture."))
    capture = add_capture(attempt, _amount_in(attempt, amount))
    return _("Captured %(amount)s of payment %(id)s.") % {
        "amount": money(capture.amount, capture.currency), "id": attempt.payment_id}


def _do_refund(order, amount, method) -> str:
    attempt = latest_attempt(order, lambda a: refundable(a) > 0 and method in (None, a.method),
                      _("No payment has a captured amount left to refund."))
    refund = add_refund(attempt, _amount_in(attempt, amount))
    return _("Refunded %(amount)s of payment %(id)s.") % {
        "amount": money(refund.amount, refund.currency), "id": attempt.payment_id}


def _do_chargeback(order, amount, method) -> str:
    attempt = latest_attempt(
        order,
        lambda a: captured(a) - refunded(a) - charged_back(a) > 0 and method in (None, a.method),
        _("No payment has a captured amount left to charge back."))
    chargeback = add_chargeback(attempt, _amount_in(attempt, amount))
    return _("Charged back %(amount)s of payment %(id)s.") % {
        "amount": money(chargeback.amount, chargeback.currency), "id": attempt.payment_id}


def _do_reverse(order, amount, method) -> str:
    attempt = latest_attempt(
        order,
        lambda a: a.status == "AUTHORIZED" and a.reversal_amount is None
        and method in (None, a.method),
        _("No authorized payment can be reversed."))
    reversed_amount = add_reversal(attempt, _amount_in(attempt, amount))
    return _("Reversed %(amount)s of payment %(id)s.") % {
        "amount": money(reversed_amount, attempt.currency), "id": attempt.payment_id}


def _do_close(order, amount, method, *, expire: bool) -> str:
    closed = close(order, expire=expire)
    ids = ", ".join(str(a.payment_id) for a in closed) or "-"
    text = (_("Order expired; payments cancelled: %(ids)s.") if expire
            else _("Order cancelled; payments cancelled: %(ids)s."))
    return text % {"ids": ids}


def _do_fail(order, amount, method) -> str:
    attempt = finish_unpaid(order, "AUTHORIZATION_FAILED", method, _("Simulated failure"))
    return _("Payment %(id)s (%(method)s) failed.") % {"id": attempt.payment_id,
                                                     "method": attempt.method}


def _do_end_pending(order, status, reference, reason) -> str:
    if status == "FAILED" and not reason:
        reason = _("Simulated failure")
    lines = end_pending(order, status, reference or None, reason or "")
    return " ".join(
        (_("Capture %(amount)s of payment %(id)s is now %(status)s.") if isinstance(line, Capture)
         else _("Refund %(amount)s of payment %(id)s is now %(status)s."))
        % {"amount": money(line.amount, line.currency), "id": line.attempt.payment_id,
           "status": status}
        for line in lines)


_ACTION_HANDLERS: dict[str, Callable[[SimulatedOrder, Decimal | None, str | None], str]] = {
    "pay": _do_pay,
    "authorize": lambda order, amount, method: _do_pay(order, amount, method, capture=False),
    "capture": _do_capture,
    "refund": _do_refund,
    "chargeback": _do_chargeback,
    "reverse": _do_reverse,
    "cancel": lambda order, amount, method: _do_close(order, amount, method, expire=False),
    "expire": lambda order, amount, method: _do_close(order, amount, method, expire=True),
    "fail": _do_fail,
}
