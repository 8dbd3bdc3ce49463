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
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from oscar_docdata.money import from_minor_units, to_minor_units

from . import accounts, methods, notifications, totals
from .conf import sim_settings
from .models import Capture, Chargeback, Counter, PaymentAttempt, Refund, SimulatedOrder
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

#: Statuses of a capture or refund whose money is on its way (not in the totals yet).
PENDING_MONEY = frozenset({"NEW", "STARTED"})
#: Statuses of a capture or refund that takes its amount off what is still available.
MOVING_MONEY = PENDING_MONEY | {"CAPTURED"}

OUTCOMES = ("paid", "authorized", "pending", "cancelled", "failed")
#: Explicit ends of pending captures and refunds: action → the status it sets.
PENDING_ACTIONS = {"settle-pending": "CAPTURED", "fail-pending": "FAILED",
                   "cancel-pending": "CANCELED"}
ACTIONS = ("pay", "authorize", "capture", "refund", "chargeback", "reverse", "cancel",
           "expire", "fail", *PENDING_ACTIONS)

_PAYMENT_ID_COUNTER = "payment_id"


class SimulationError(ValueError):
    """The order's state does not allow the action; the message says why."""


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
            top = PaymentAttempt.objects.order_by("-payment_id").values_list(
                "payment_id", flat=True).first()
            Counter.objects.filter(name=_PAYMENT_ID_COUNTER).update(value=top + 1)
            value = top + 1
        return value


def set_next_payment_id(value: int) -> None:
    """Let the next attempt get ``value`` (e.g. to test ids of different lengths)."""
    if value < 1:
        raise ValueError("payment ids are positive")
    Counter.objects.update_or_create(name=_PAYMENT_ID_COUNTER, defaults={"value": value - 1})


# --- reading ------------------------------------------------------------------------


def locked(order_key: str) -> SimulatedOrder:
    """The order, its row (not its merchant's) locked until the end of the transaction."""
    database = connections[router.db_for_write(SimulatedOrder)]
    # A plain FOR UPDATE would lock the joined merchant row too, and so serialise every
    # operation of the merchant; OF needs support (not MariaDB; SQLite locks the file).
    of = ("self",) if database.features.has_select_for_update_of else ()
    return (SimulatedOrder.objects.select_for_update(of=of).select_related("merchant")
            .get(order_key=order_key))


def order_totals(order: SimulatedOrder) -> totals.Totals:
    return totals.compute(order, attempts_of(order))


def captured(attempt: PaymentAttempt) -> int:
    return sum(c.amount for c in attempt.captures.all() if c.status == "CAPTURED")


def refunded(attempt: PaymentAttempt) -> int:
    return sum(r.amount for r in attempt.refunds.all() if r.status == "CAPTURED")


def charged_back(attempt: PaymentAttempt) -> int:
    return sum(c.amount for c in attempt.chargebacks.all() if c.status == "CHARGED")


def _moving(lines: Iterable) -> int:
    return sum(line.amount for line in lines if line.status in MOVING_MONEY)


def capturable(attempt: PaymentAttempt) -> int:
    """Authorized minus every capture that is done or under way."""
    if attempt.status != "AUTHORIZED":
        return 0
    return attempt.amount - _moving(attempt.captures.all())


def refundable(attempt: PaymentAttempt) -> int:
    """Captured minus every refund that is done or under way."""
    return captured(attempt) - _moving(attempt.refunds.all())


def remaining(order: SimulatedOrder) -> int:
    """What is left to pay: registered minus what attempts already authorized."""
    current = order_totals(order)
    covered = current.shopper_pending + current.acquirer_pending + current.acquirer_approved
    return max(order.amount - covered, 0)


def money(amount: int, currency: str) -> str:
    return f"{currency} {from_minor_units(amount, currency)}"


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


def _positive(amount: int | None) -> None:
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


def booking_status(requested: bool) -> str:
    """The status a new capture or refund starts in: NEW when ``requested`` over SOAP
    (unless DOCDATA_SIMULATOR_SETTLE_SECONDS is 0), CAPTURED for Back Office events."""
    if requested and sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS != 0:
        return "NEW"
    return "CAPTURED"


def add_capture(attempt: PaymentAttempt, amount: int | None = None, *, reference: str = "",
                description: str = "", requested: bool = False) -> Capture:
    """Book a capture; ``requested``: by a SOAP request, so it starts pending."""
    _positive(amount)
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
    _positive(amount)
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
    _positive(amount)
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
                 reason: str = "Simulated reversal") -> PaymentAttempt:
    _positive(amount)
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
    return attempt


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


# --- order-level actions --------------------------------------------------------------


def _latest(order: SimulatedOrder, condition: Callable[[PaymentAttempt], bool],
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
    _positive(amount)
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
    if any(_moving(a.captures.all()) > 0 for a in attempts):  # a capture under way too
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
    if any(_moving(a.captures.all()) > 0 for a in attempts):
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


# --- entry points that lock, change and notify ------------------------------------------


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
    _positive(value)
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
    attempt = _latest(order, lambda a: capturable(a) > 0 and method in (None, a.method),
                      _("No authorized payment has anything left to capture."))
    capture = add_capture(attempt, _amount_in(attempt, amount))
    return _("Captured %(amount)s of payment %(id)s.") % {
        "amount": money(capture.amount, capture.currency), "id": attempt.payment_id}


def _do_refund(order, amount, method) -> str:
    attempt = _latest(order, lambda a: refundable(a) > 0 and method in (None, a.method),
                      _("No payment has a captured amount left to refund."))
    refund = add_refund(attempt, _amount_in(attempt, amount))
    return _("Refunded %(amount)s of payment %(id)s.") % {
        "amount": money(refund.amount, refund.currency), "id": attempt.payment_id}


def _do_chargeback(order, amount, method) -> str:
    attempt = _latest(
        order,
        lambda a: captured(a) - refunded(a) - charged_back(a) > 0 and method in (None, a.method),
        _("No payment has a captured amount left to charge back."))
    chargeback = add_chargeback(attempt, _amount_in(attempt, amount))
    return _("Charged back %(amount)s of payment %(id)s.") % {
        "amount": money(chargeback.amount, chargeback.currency), "id": attempt.payment_id}


def _do_reverse(order, amount, method) -> str:
    attempt = _latest(
        order,
        lambda a: a.status == "AUTHORIZED" and a.reversal_amount is None
        and method in (None, a.method),
        _("No authorized payment can be reversed."))
    add_reversal(attempt, _amount_in(attempt, amount))
    return _("Reversed %(amount)s of payment %(id)s.") % {
        "amount": money(attempt.reversal_amount, attempt.currency), "id": attempt.payment_id}


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
