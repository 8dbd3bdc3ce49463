"""State changes of simulated orders and payments.

Used by the SOAP operations, the menu and bank pages, the management command, the
overview page and the test helpers. Every public action locks the order row, changes
what it must in one transaction and then schedules one notification (sent after
commit, see ``notifications``). Rules that the state does not allow raise
:class:`SimulationError` with a message meant for a person.

Cancel (the SOAP operation), by the order's state:

=====================================================  ================  =================
state                                                  result            what changes
=====================================================  ================  =================
order already cancelled                                ALREADY_CANCELED  nothing
no payment attempts                                    NO_PAYMENTS       order cancelled
some attempt has a CAPTURED, NEW or STARTED capture   FAILED            nothing
some attempt still in progress (redirected to the      PENDING           those attempts
bank/3-D Secure, bank transfer awaiting money, …)                        CANCEL_REQUESTED,
                                                                         authorized ones
                                                                         CANCELED, order
                                                                         cancelled
otherwise (authorized-not-captured or finished)        SUCCESS           authorized
                                                                         attempts CANCELED,
                                                                         order cancelled
=====================================================  ================  =================

Expiry (``expire``) marks the order expired and cancels its open attempts. Docdata's
report cannot tell an expired order from a new one when it has no attempts: the
plugin expires orders by age, not from the report.

Money moves as in the live service: a capture or refund requested over SOAP is booked
NEW, becomes STARTED after half of ``DOCDATA_SIMULATOR_SETTLE_SECONDS`` and CAPTURED
after all of it (promoted lazily by :func:`advance_money` whenever the order's money
is read or changed), or is settled, failed or cancelled explicitly (the ``*-pending``
actions). Only CAPTURED lines count in the totals, but NEW and STARTED ones already
reduce what can be captured or refunded: a second request must not move the same
money twice. Back Office events (the ``capture``/``refund`` actions) book CAPTURED.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from . import accounts, methods, totals
from .conf import sim_settings
from .errors import SimulationError
from .ledger import add_capture, ensure_positive, moving
from .models import Counter, PaymentAttempt, SimulatedOrder
from .reads import attempts_of

#: Statuses of an attempt that is not finished yet.
IN_PROGRESS = frozenset({
    "NEW",
    "STARTED",
    "RISK_CHECK_OK",
    "REDIRECTED_FOR_AUTHENTICATION",
    "AUTHENTICATED",
    "REDIRECTED_FOR_AUTHORIZATION",
    "AUTHORIZATION_REQUESTED",
})

OUTCOMES = ("paid", "authorized", "pending", "cancelled", "failed")
_PAYMENT_ID_COUNTER = "payment_id"


# --- keys and ids -------------------------------------------------------------------


def new_order_key() -> str:
    """32 upper-case hexadecimal characters, as Docdata's keys look."""
    return secrets.token_hex(16).upper()


def allocate_payment_id() -> int:
    """The next payment id: positive, growing across all orders and processes."""
    with transaction.atomic():
        if not Counter.objects.filter(name=_PAYMENT_ID_COUNTER).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    Counter.objects.create(name=_PAYMENT_ID_COUNTER,
                                           value=sim_settings.DOCDATA_SIMULATOR_FIRST_PAYMENT_ID)
            except IntegrityError:  # created by a concurrent call meanwhile
                Counter.objects.filter(name=_PAYMENT_ID_COUNTER).update(value=F("value") + 1)
        value = Counter.objects.get(name=_PAYMENT_ID_COUNTER).value
        if PaymentAttempt.objects.filter(payment_id=value).exists():
            # set_next_payment_id() went back below ids in use: skip them.
            # (``or value``: never used, the filter above found a row)
            top = PaymentAttempt.objects.order_by("-payment_id").values_list(
                "payment_id", flat=True).first() or value
            Counter.objects.filter(name=_PAYMENT_ID_COUNTER).update(value=top + 1)
            value = top + 1
        return value


def set_next_payment_id(value: int) -> None:
    """Let the next attempt get ``value`` (e.g. to test ids of different lengths)."""
    if value < 1:
        raise ValueError("payment ids are positive")
    Counter.objects.update_or_create(name=_PAYMENT_ID_COUNTER, defaults={"value": value - 1})


# --- reading ------------------------------------------------------------------------


def order_totals(order: SimulatedOrder) -> totals.Totals:
    return totals.compute(order, attempts_of(order))


def remaining(order: SimulatedOrder) -> int:
    """What is left to pay: registered minus what attempts already authorized."""
    current = order_totals(order)
    covered = current.shopper_pending + current.acquirer_pending + current.acquirer_approved
    return max(order.amount - covered, 0)


# --- checks -------------------------------------------------------------------------


def ensure_open(order: SimulatedOrder) -> None:
    if order.cancelled:
        raise SimulationError(_("The order is cancelled."))
    if order.expired:
        raise SimulationError(_("The order has expired."))


def ensure_method(order: SimulatedOrder, method: str) -> None:
    if method not in (accounts.profile_methods(order.profile) or []):
        raise SimulationError(
            _("Payment method %(method)s is not in profile %(profile)s.")
            % {"method": method, "profile": order.profile}
        )


# --- changes of one attempt (no notification: callers notify once) --------------------


def create_attempt(order: SimulatedOrder, method: str, status: str, *, amount: int | None = None,
                   currency: str | None = None, confidence: str | None = None,
                   details: dict | None = None, return_url: str = "",
                   reason: str = "") -> PaymentAttempt:
    if details is None:
        details = default_details(order, method)
    return PaymentAttempt.objects.create(
        order=order,
        payment_id=allocate_payment_id(),
        method=method,
        status=status,
        reason=reason,
        amount=order.amount if amount is None else amount,
        currency=currency or order.currency,
        confidence=confidence or methods.confidence(method),
        details=details,
        return_url=return_url,
    )


def set_status(attempt: PaymentAttempt, status: str, *, reason: str = "") -> PaymentAttempt:
    attempt.status = status
    attempt.reason = reason
    if status == "AUTHORIZED":
        attempt.confidence = methods.confidence(attempt.method)
    attempt.save(update_fields=["status", "reason", "confidence", "updated"])
    return attempt


def default_details(order: SimulatedOrder, method: str, issuer: str | None = None) -> dict:
    name = order.bill_to.get("name", {})
    holder = " ".join(filter(None, (name.get("first"), name.get("last")))) or "J. Doe"
    return methods.menu_details(method, holder=holder, email=order.customer.get("email", ""),
                                issuer=issuer)


# --- order-level actions --------------------------------------------------------------


def latest_attempt(order: SimulatedOrder, condition: Callable[[PaymentAttempt], bool],
            message: str) -> PaymentAttempt:
    for attempt in reversed(attempts_of(order)):
        if condition(attempt):
            return attempt
    raise SimulationError(message)


def _open_attempt(order: SimulatedOrder, method: str | None) -> PaymentAttempt | None:
    for attempt in reversed(attempts_of(order)):
        if attempt.status in IN_PROGRESS and method in (None, attempt.method):
            return attempt
    return None


def authorize(order: SimulatedOrder, method: str | None = None, amount: int | None = None, *,
              currency: str | None = None, capture: bool = False,
              issuer: str | None = None) -> PaymentAttempt:
    """Authorize (and capture) the open attempt of ``method``, or a new one."""
    ensure_open(order)
    ensure_positive(amount)
    attempt = _open_attempt(order, method)
    if attempt is None:
        method = method or "IDEAL"
        ensure_method(order, method)
        if currency not in (None, order.currency) and not (
                totals.supports(currency) and totals.supports(order.currency)):
            raise SimulationError(_("Payments in %(currency)s are not possible for this "
                                    "order.") % {"currency": currency})
        if amount is None:
            amount = remaining(order)
            if amount <= 0:
                raise SimulationError(_("The order is paid (or authorized) in full already."))
            amount = totals.convert(amount, order.currency, currency or order.currency)
        attempt = create_attempt(order, method, "AUTHORIZED", amount=amount, currency=currency,
                                 details=default_details(order, method, issuer))
    else:
        if amount is not None:
            attempt.amount = amount
            attempt.save(update_fields=["amount", "updated"])
        set_status(attempt, "AUTHORIZED")
    if capture:
        add_capture(attempt)
    return attempt


def pending(order: SimulatedOrder, method: str | None = None,
            amount: int | None = None) -> PaymentAttempt:
    """A bank transfer awaiting the shopper's money (SEPA: authorized, acquirer pending)."""
    ensure_open(order)
    method = method or "BANK_TRANSFER"
    if method == "SEPA_DIRECT_DEBIT":
        return authorize(order, method, amount)
    if method != "BANK_TRANSFER":
        raise SimulationError(_("Only bank transfer and SEPA direct debit can be pending."))
    ensure_method(order, method)
    return create_attempt(order, method, "AUTHORIZATION_REQUESTED", amount=amount,
                          confidence="SHOPPER_PENDING")


def finish_unpaid(order: SimulatedOrder, status: str, method: str | None = None,
                  reason: str = "") -> PaymentAttempt:
    """End the open attempt (or a new one) as failed or cancelled by the shopper."""
    ensure_open(order)
    attempt = _open_attempt(order, method)
    if attempt is None:
        method = method or "IDEAL"
        ensure_method(order, method)
        return create_attempt(order, method, status, reason=reason)
    return set_status(attempt, status, reason=reason)


def cancel(order: SimulatedOrder) -> str:
    """The SOAP cancel: see the table in the module docstring."""
    if order.cancelled:
        return "ALREADY_CANCELED"
    attempts = attempts_of(order)
    if any(moving(a.captures.all()) > 0 for a in attempts):  # a capture under way too
        return "FAILED"
    result = "NO_PAYMENTS" if not attempts else "SUCCESS"
    for attempt in attempts:
        if attempt.status == "AUTHORIZED":
            set_status(attempt, "CANCELED")
        elif attempt.status in IN_PROGRESS:
            set_status(attempt, "CANCEL_REQUESTED")
            result = "PENDING"
    order.cancelled = True
    order.save(update_fields=["cancelled"])
    return result


def close(order: SimulatedOrder, *, expire: bool) -> list[PaymentAttempt]:
    """Docdata ends the order (cancelled or expired): open attempts become CANCELED."""
    attempts = attempts_of(order)
    if any(moving(a.captures.all()) > 0 for a in attempts):
        raise SimulationError(_("The order has captured payments (or captures under way): "
                                "refund them instead."))
    if expire and order.expired:
        raise SimulationError(_("The order has expired already."))
    closing = [a for a in attempts
               if a.status == "AUTHORIZED" or a.status in IN_PROGRESS
               or a.status == "CANCEL_REQUESTED"]
    if not expire and order.cancelled and not closing:
        raise SimulationError(_("The order is cancelled already."))
    for attempt in closing:
        set_status(attempt, "CANCELED")
    if expire:
        order.expired = True
    else:
        order.cancelled = True
    order.save(update_fields=["expired", "cancelled"])
    return closing


def settle(order: SimulatedOrder, outcome: str, method: str | None = None,
           amount: int | None = None, *, currency: str | None = None,
           issuer: str | None = None) -> PaymentAttempt:
    """A shopper's payment in the menu ends with ``outcome`` (no notification here)."""
    if outcome == "paid":
        return authorize(order, method, amount, currency=currency, capture=True, issuer=issuer)
    if outcome == "authorized":
        return authorize(order, method, amount, currency=currency, issuer=issuer)
    if outcome == "pending":
        return pending(order, method, amount)
    if outcome == "cancelled":
        return finish_unpaid(order, "CANCELED", method, _("Cancelled by the shopper"))
    if outcome == "failed":
        return finish_unpaid(order, "AUTHORIZATION_FAILED", method, _("Simulated failure"))
    raise SimulationError(_("Unknown outcome %(outcome)s.") % {"outcome": outcome})


