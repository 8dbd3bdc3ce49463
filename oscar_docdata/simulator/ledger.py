"""The money of simulated payments: captures, refunds, chargebacks and reversals.

What each payment has captured, refunded or charged back, what is still available, the
booking of new lines, and the captures and refunds on their way (NEW → STARTED →
CAPTURED by age, see :mod:`.engine`'s docstring). No notification here: callers notify
once per change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oscar_docdata.money import from_minor_units

from . import notifications
from .conf import sim_settings
from .errors import SimulationError
from .models import Capture, Chargeback, PaymentAttempt, Refund, SimulatedOrder
from .reads import attempts_of, locked

#: Statuses of a capture or refund whose money is on its way (not in the totals yet).
PENDING_MONEY = frozenset({"NEW", "STARTED"})
#: Statuses of a capture or refund that takes its amount off what is still available.
MOVING_MONEY = PENDING_MONEY | {"CAPTURED"}


def captured(attempt: PaymentAttempt) -> int:
    return sum(c.amount for c in attempt.captures.all() if c.status == "CAPTURED")


def refunded(attempt: PaymentAttempt) -> int:
    return sum(r.amount for r in attempt.refunds.all() if r.status == "CAPTURED")


def charged_back(attempt: PaymentAttempt) -> int:
    return sum(c.amount for c in attempt.chargebacks.all() if c.status == "CHARGED")


def moving(lines: Iterable) -> int:
    return sum(line.amount for line in lines if line.status in MOVING_MONEY)


def capturable(attempt: PaymentAttempt) -> int:
    """Authorized minus every capture that is done or under way."""
    if attempt.status != "AUTHORIZED":
        return 0
    return attempt.amount - moving(attempt.captures.all())


def refundable(attempt: PaymentAttempt) -> int:
    """Captured minus every refund that is done or under way."""
    return captured(attempt) - moving(attempt.refunds.all())


def money(amount: int, currency: str) -> str:
    return f"{currency} {from_minor_units(amount, currency)}"


def ensure_positive(amount: int | None) -> None:
    if amount is not None and amount <= 0:
        raise SimulationError(_("The amount must be positive."))


def _pending_note(message: str, lines: Iterable, attempt: PaymentAttempt) -> str:
    """``message``, plus how much of it is still pending (so not in the totals yet)."""
    text = message % {"id": attempt.payment_id}
    pending = sum(line.amount for line in lines if line.status in PENDING_MONEY)
    if pending:
        text += " " + _("%(amount)s of it is still pending.") % {
            "amount": money(pending, attempt.currency)}
    return text


def _within(attempt: PaymentAttempt, amount: int | None, available: int, too_much: str) -> int:
    """``amount`` (default: all ``available``), refused with ``too_much`` beyond it."""
    amount = available if amount is None else amount
    if amount > available:
        raise SimulationError(
            too_much % {"amount": money(amount, attempt.currency),
                        "available": money(available, attempt.currency),
                        "id": attempt.payment_id})
    return amount


def booking_status(requested: bool) -> str:
    """The status a new capture or refund starts in: NEW when ``requested`` over SOAP
    (unless DOCDATA_SIMULATOR_SETTLE_SECONDS is 0), CAPTURED for Back Office events."""
    if requested and sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS != 0:
        return "NEW"
    return "CAPTURED"


def add_capture(attempt: PaymentAttempt, amount: int | None = None, *, reference: str = "",
                description: str = "", requested: bool = False) -> Capture:
    """Book a capture; ``requested``: by a SOAP request, so it starts pending."""
    ensure_positive(amount)
    available = capturable(attempt)
    if attempt.status != "AUTHORIZED":
        raise SimulationError(_("Payment %(id)s is not authorized (status %(status)s).")
                              % {"id": attempt.payment_id, "status": attempt.status})
    if available <= 0:
        raise SimulationError(_pending_note(
            _("Payment %(id)s has nothing left to capture."), attempt.captures.all(), attempt))
    amount = _within(
        attempt, amount, available,
        _("Cannot capture %(amount)s: only %(available)s is left on payment %(id)s."))
    return Capture.objects.create(attempt=attempt, status=booking_status(requested),
                                  amount=amount, currency=attempt.currency,
                                  reference=reference[:35],
                                  reason=description[:250])


def add_refund(attempt: PaymentAttempt, amount: int | None = None, *,
               reference: str = "", description: str = "", requested: bool = False) -> Refund:
    """Book a refund; ``requested``: by a SOAP request, so it starts pending."""
    ensure_positive(amount)
    if captured(attempt) <= 0:
        raise SimulationError(_pending_note(
            _("Payment %(id)s has no capture to refund."), attempt.captures.all(), attempt))
    available = refundable(attempt)
    if available <= 0:
        raise SimulationError(_pending_note(
            _("Payment %(id)s is refunded in full already."), attempt.refunds.all(), attempt))
    amount = _within(
        attempt, amount, available,
        _("Cannot refund %(amount)s: only %(available)s of payment %(id)s is refundable."))
    return Refund.objects.create(attempt=attempt, status=booking_status(requested),
                                 amount=amount, currency=attempt.currency,
                                 reference=reference[:35],
                                 reason=description[:250])


def add_chargeback(attempt: PaymentAttempt, amount: int | None = None, *,
                   reason: str = "Simulated chargeback") -> Chargeback:
    ensure_positive(amount)
    available = captured(attempt) - refunded(attempt) - charged_back(attempt)
    if available <= 0:
        raise SimulationError(_("Payment %(id)s has nothing captured to charge back.")
                              % {"id": attempt.payment_id})
    amount = _within(
        attempt, amount, available,
        _("Cannot charge back %(amount)s: only %(available)s is left on payment %(id)s."))
    number = attempt.chargebacks.count() + 1
    return Chargeback.objects.create(attempt=attempt, status="CHARGED", amount=amount,
                                     currency=attempt.currency,
                                     reference=f"CB{attempt.payment_id}-{number}"[:35],
                                     reason=reason[:250])


def add_reversal(attempt: PaymentAttempt, amount: int | None = None, *,
                 reason: str = "Simulated reversal") -> int:
    """Reverse ``amount`` (None: all) of an authorization; return the amount reversed."""
    ensure_positive(amount)
    if attempt.status != "AUTHORIZED":
        raise SimulationError(_("Payment %(id)s is not authorized (status %(status)s).")
                              % {"id": attempt.payment_id, "status": attempt.status})
    if attempt.reversal_amount is not None:
        raise SimulationError(_("Payment %(id)s is reversed already.")
                              % {"id": attempt.payment_id})
    amount = attempt.amount if amount is None else amount
    if amount > attempt.amount:
        raise SimulationError(_("Cannot reverse more than the authorized amount."))
    attempt.reversal_amount = amount
    attempt.reversal_reason = reason[:250]
    attempt.save(update_fields=["reversal_amount", "reversal_reason", "updated"])
    return amount


# --- captures and refunds on their way -------------------------------------------------


def _money_lines(attempts: Iterable[PaymentAttempt]) -> list:
    """Every capture and refund of ``attempts``, captures first."""
    attempts = list(attempts)
    return ([c for a in attempts for c in a.captures.all()]
            + [r for a in attempts for r in a.refunds.all()])


def _due_status(line, now) -> str:
    """What ``line``'s age makes of it (never back: only NEW → STARTED → CAPTURED)."""
    seconds = sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS
    if seconds is None:
        return line.status
    age = now - line.created
    if age >= timedelta(seconds=float(seconds)):
        return "CAPTURED"
    if age >= timedelta(seconds=float(seconds) / 2) and line.status == "NEW":
        return "STARTED"
    return line.status


def advance_money(order: SimulatedOrder, attempts: list[PaymentAttempt] | None = None) -> bool:
    """Promote the (locked) order's pending captures and refunds that are due by age.

    ``attempts``: the order's attempts with their lines prefetched (updated in place).
    True when a line became CAPTURED: the caller must then notify the merchant.
    """
    if sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS is None:
        return False
    now = timezone.now()
    settled = False
    for line in _money_lines(attempts_of(order) if attempts is None else attempts):
        if line.status not in PENDING_MONEY:
            continue
        status = _due_status(line, now)
        if status != line.status:
            line.status = status
            line.save(update_fields=["status"])
            settled = settled or status == "CAPTURED"
    return settled


def advance_and_notify(order: SimulatedOrder,
                       attempts: list[PaymentAttempt] | None = None) -> bool:
    """:func:`advance_money`, notifying the merchant when money became CAPTURED."""
    settled = advance_money(order, attempts)
    if settled:
        notifications.order_changed(order)
    return settled


def advance_all() -> None:
    """Promote what is due on every order with pending lines (the overview shows them)."""
    if sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS is None:
        return
    keys = set(SimulatedOrder.objects.filter(
        attempts__captures__status__in=PENDING_MONEY).values_list("order_key", flat=True))
    keys |= set(SimulatedOrder.objects.filter(
        attempts__refunds__status__in=PENDING_MONEY).values_list("order_key", flat=True))
    for key in sorted(keys):
        with transaction.atomic():
            advance_and_notify(locked(key))


def end_pending(order: SimulatedOrder, status: str, reference: str | None = None,
                reason: str = "") -> list:
    """Give the order's pending captures and refunds (those with merchant ``reference``,
    default all) their final ``status``: CAPTURED, FAILED or CANCELED."""
    lines = [line for line in _money_lines(attempts_of(order))
             if line.status in PENDING_MONEY and reference in (None, line.reference)]
    if not lines:
        if reference is None:
            raise SimulationError(_("No capture or refund of this order is pending."))
        raise SimulationError(_("No pending capture or refund has the reference "
                                "%(reference)s.") % {"reference": reference})
    for line in lines:
        line.status = status
        if reason:
            line.reason = reason[:250]
        line.save(update_fields=["status", "reason"])
    return lines
