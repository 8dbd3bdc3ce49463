"""The status engine: a Docdata status report → the order's status and stored values.

Implements the specification in ``docs/status-rules.rst`` exactly; the rule that decided
is named in ``Outcome.rule``: ``"totals"`` (rule 3), ``"attempts"`` (rule 4),
``"no-attempts"`` (rule 5) or ``"intended"`` (rule 7: the status a cancel or expiry asked
for, when neither the totals nor an attempt show money). Pure: no database and no
network; it only reads the report, the order's current state and the settings, and
logs what the specification asks to be logged. ``oscar_docdata.updater`` writes the
outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.gateway.results import AmountLine, PaymentLine, StatusReport, Totals
from oscar_docdata.money import from_minor_units, to_minor_units

logger = logging.getLogger("oscar_docdata.status")



class Status(models.TextChoices):
    """A Docdata order's status: the one definition of the ten strings (stored as they
    are, the old package's values)."""

    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    PAID_REFUNDED = "paid_refunded", _("Paid, part refunded")
    REFUNDED = "refunded", _("Refunded")
    CHARGED_BACK = "charged_back", _("Charged back")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    UNKNOWN = "unknown", _("Unknown")


NEW, IN_PROGRESS, PENDING = Status.NEW, Status.IN_PROGRESS, Status.PENDING
PAID, PAID_REFUNDED, REFUNDED = Status.PAID, Status.PAID_REFUNDED, Status.REFUNDED
CHARGED_BACK, CANCELLED, EXPIRED = Status.CHARGED_BACK, Status.CANCELLED, Status.EXPIRED
UNKNOWN = Status.UNKNOWN

# --- groups of statuses ---------------------------------------------------------------

#: The money was received at some point (paid, refunded afterwards or charged back).
SETTLED: frozenset[str] = frozenset({PAID, PAID_REFUNDED, REFUNDED, CHARGED_BACK})
#: Ended without money: cancelled or expired.
CLOSED: frozenset[str] = frozenset({CANCELLED, EXPIRED})
#: Nothing more will happen by itself: reconciliation skips these.
FINAL: frozenset[str] = SETTLED | CLOSED
#: No money on its way yet: such an order may expire by age.
UNPAID_OPEN: frozenset[str] = frozenset({NEW, IN_PROGRESS})
#: A returning shopper may cancel these: no money on its way. (``cancelled`` too: its
#: attempts were cancelled in the menu, but the order itself is still open at Docdata and
#: could be paid later from the same menu link.)
SHOPPER_CANCELLABLE: frozenset[str] = UNPAID_OPEN | {CANCELLED}
#: Docdata can still cancel these: nothing was paid yet (or a payment is under way).
CANCELLABLE_AT_DOCDATA: frozenset[str] = UNPAID_OPEN | {PENDING}
#: Paid and not (wholly) refunded: the order confirmation e-mail goes out.
CONFIRMED: frozenset[str] = frozenset({PAID, PAID_REFUNDED})

PAID_RULES = ("captured", "approved", "docdata")

# Rule 4: authorization status → order status, rows in order of precedence (highest first).
_ATTEMPT_ROWS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"CONFIRMED_PAID", "CLOSED_SUCCESS"}), PAID),
    (frozenset({"CHARGED-BACK", "CONFIRMED_CHARGEDBACK"}), CHARGED_BACK),
    (frozenset({"AUTHORIZED", "AUTHORIZATION_REQUESTED", "PAID"}), PENDING),
    (
        frozenset({
            "REDIRECTED_FOR_AUTHENTICATION", "AUTHENTICATED", "REDIRECTED_FOR_AUTHORIZATION",
            "STARTED", "RISK_CHECK_OK",
        }),
        IN_PROGRESS,
    ),
    (frozenset({"NEW"}), NEW),
    # Failed attempts: the shopper may try again; the raw status stays on the payment line.
    (
        frozenset({
            "START_ERROR", "RISK_CHECK_FAILED", "AUTHENTICATION_FAILED", "AUTHENTICATION_ERROR",
            "AUTHORIZATION_FAILED", "AUTHORIZATION_ERROR", "CANCEL_FAILED", "CANCEL_ERROR",
        }),
        NEW,
    ),
)
_CANCELLED_ATTEMPTS = frozenset({
    "CANCELED", "CANCELLED", "CANCEL_REQUESTED", "CLOSED_CANCELED", "CLOSED_CANCELLED",
})
# Attempts that show money was authorized or received (rule 7: "pending or better").
_MONEY_STATUSES = frozenset({PAID, CHARGED_BACK, PENDING})

TOTAL_FIELDS = (
    ("total_registered", "registered"),
    ("total_shopper_pending", "shopper_pending"),
    ("total_acquirer_pending", "acquirer_pending"),
    ("total_acquirer_approved", "acquirer_approved"),
    ("total_captured", "captured"),
    ("total_refunded", "refunded"),
    ("total_charged_back", "charged_back"),
)


@dataclass(frozen=True)
class EngineSettings:
    """The settings the engine reads; ``from_settings()`` takes them from Django."""

    margins: dict[str, int]
    paid_rule: str = "captured"
    expire_days: int = 21

    @classmethod
    def from_settings(cls) -> EngineSettings:
        return cls(
            margins=dict(docdata_settings.DOCDATA_PAYMENT_SUCCESS_MARGIN or {}),
            paid_rule=docdata_settings.DOCDATA_PAID_RULE,
            expire_days=int(docdata_settings.DOCDATA_EXPIRE_DAYS),
        )


@dataclass(frozen=True)
class OrderState:
    """What the engine needs to know about the stored order."""

    status: str
    currency: str
    total_gross_amount: Decimal
    created: datetime
    order_key: str = ""


@dataclass(frozen=True)
class PaymentValues:
    """The values of one ``DocdataPayment`` row (rule 1.2)."""

    payment_id: int
    payment_method: str
    status: str
    confidence_level: str
    currency: str
    amount_allocated: Decimal
    amount_debited: Decimal
    amount_refunded: Decimal
    amount_chargeback: Decimal
    lines: dict[str, Any]

    def as_fields(self) -> dict[str, Any]:
        """Model field values, ``payment_id`` excluded."""
        return {
            "payment_method": self.payment_method,
            "status": self.status,
            "confidence_level": self.confidence_level,
            "currency": self.currency,
            "amount_allocated": self.amount_allocated,
            "amount_debited": self.amount_debited,
            "amount_refunded": self.amount_refunded,
            "amount_chargeback": self.amount_chargeback,
            "lines": self.lines,
        }


@dataclass(frozen=True)
class Outcome:
    """The engine's verdict: the new status, the totals to store and the payment lines."""

    status: str
    totals: dict[str, Decimal]
    payments: tuple[PaymentValues, ...]
    rule: str  # which rule decided: "totals", "attempts", "no-attempts", "intended"


def evaluate(
    report: StatusReport,
    state: OrderState,
    settings: EngineSettings,
    *,
    now: datetime,
    intended_status: str | None = None,
) -> Outcome:
    """Apply the status rules to ``report`` for an order in ``state``."""
    totals = report.totals
    payments = tuple(payment_values(line) for line in report.payments)
    stored_totals = {
        field: from_minor_units(getattr(totals, attr), state.currency)
        for field, attr in TOTAL_FIELDS
    }

    for line in report.payments:
        if attempt_status(line.authorization.status) is None:
            logger.warning(
                "Docdata order %s: payment %s has unknown status %r",
                report.order_key, line.payment_id, line.authorization.status,
            )
    status, rule = _conclude(report, state, settings, now=now, intended_status=intended_status)
    status = _guard(state.status, status, rule)
    if status != CANCELLED:
        _check_registered(totals, state)
    return Outcome(status=status, totals=stored_totals, payments=payments, rule=rule)


# --- rule 1: payment lines ---------------------------------------------------------------


def payment_values(line: PaymentLine) -> PaymentValues:
    auth = line.authorization
    currency = auth.currency
    allocated = auth.amount if auth.status.upper() == "AUTHORIZED" else 0
    return PaymentValues(
        payment_id=int(line.payment_id),
        payment_method=line.payment_method or "",
        status=auth.status,
        confidence_level=auth.confidence_level or "",
        currency=currency,
        amount_allocated=from_minor_units(allocated, currency),
        amount_debited=_sum_lines(auth.captures, "CAPTURED", currency),
        amount_refunded=_sum_lines(auth.refunds, "CAPTURED", currency),
        amount_chargeback=_sum_lines(auth.chargebacks, "CHARGED", currency),
        lines={
            "captures": [_line_dict(item) for item in auth.captures],
            "refunds": [_line_dict(item) for item in auth.refunds],
            "chargebacks": [_line_dict(item) for item in auth.chargebacks],
            "reversal": (
                {
                    "amount": str(from_minor_units(auth.reversal.amount, auth.reversal.currency)),
                    "currency": auth.reversal.currency,
                    "reason": auth.reversal.reason,
                }
                if auth.reversal
                else None
            ),
        },
    )


def _sum_lines(items: Iterable[AmountLine], counted: str, currency: str) -> Decimal:
    total = sum(
        (from_minor_units(item.amount, item.currency or currency)
         for item in items if item.status.upper() == counted),
        start=from_minor_units(0, currency),
    )
    return total


def _line_dict(item: AmountLine) -> dict[str, Any]:
    return {
        "status": item.status,
        "amount": str(from_minor_units(item.amount, item.currency)),
        "currency": item.currency,
        "reason": item.reason,
        "reference": item.reference,
    }


# --- rules 2-5 ---------------------------------------------------------------------------


def margin(report: StatusReport, currency: str, margins: dict[str, int]) -> int:
    """Rule 2: the tolerated shortfall in minor units."""
    totals = report.totals
    converted = totals.exchanged_to is not None and totals.exchanged_to.upper() == currency
    foreign = any(p.authorization.currency.upper() != currency for p in report.payments)
    if not (converted and foreign):
        return 0
    value = int(margins.get(currency, 0))
    return 0 if value >= totals.registered else value


def received_amount(report: StatusReport, paid_rule: str) -> int:
    totals = report.totals
    if paid_rule == "approved":
        return max(totals.captured, totals.acquirer_approved)
    return totals.captured  # "captured", and the fallback of "docdata"


def conclude_from_totals(
    report: StatusReport, currency: str, settings: EngineSettings
) -> str | None:
    """Rule 3; None when the totals allow no conclusion."""
    if not report.payments:
        return None
    totals = report.totals
    rule = settings.paid_rule
    received = received_amount(report, rule)
    registered = totals.registered
    refunded, charged_back = totals.refunded, totals.charged_back
    if registered == 0 and received == 0:
        return None  # an order of 0 is not paid unless something was received
    if (
        rule == "docdata"
        and report.considered_safe is not None
        and report.considered_safe.value
        and refunded == 0
        and charged_back == 0
    ):
        return PAID
    threshold = registered - margin(report, currency, settings.margins)
    net = received - refunded - charged_back
    if received < threshold:
        return None
    if net >= threshold:
        return PAID
    if 0 < net < threshold:
        return PAID_REFUNDED
    if net <= 0 and charged_back > 0:
        if net < 0:
            logger.error(
                "Docdata order %s: charged back more than received (%s)",
                report.order_key, _totals_text(totals),
            )
        return CHARGED_BACK
    if net <= 0 and charged_back == 0 and refunded > 0:
        return REFUNDED
    logger.error(
        "Docdata order %s: totals allow no status (%s)", report.order_key, _totals_text(totals)
    )
    return UNKNOWN


def attempt_status(status: str) -> str | None:
    """Rule 4 for one attempt: its order status, CANCELLED, or None when unknown."""
    value = status.upper()
    for statuses, result in _ATTEMPT_ROWS:
        if value in statuses:
            return result
    if value in _CANCELLED_ATTEMPTS:
        return CANCELLED
    return None


def conclude_from_attempts(report: StatusReport) -> str:
    """Rule 4: the status of the most advanced attempt (the report has attempts)."""
    found: set[str] = set()
    for line in report.payments:
        found.add(attempt_status(line.authorization.status) or UNKNOWN)
    for _statuses, result in _ATTEMPT_ROWS:
        if result in found:
            return result
    if found == {CANCELLED}:
        return CANCELLED
    return UNKNOWN


def conclude_without_attempts(
    report: StatusReport,
    state: OrderState,
    settings: EngineSettings,
    *,
    now: datetime,
    intended_status: str | None,
) -> str:
    """Rule 5."""
    totals = report.totals
    moved = (
        totals.shopper_pending, totals.acquirer_pending, totals.acquirer_approved,
        totals.captured, totals.refunded, totals.charged_back,
    )
    if any(moved):
        logger.error(
            "Docdata order %s: totals without payments, the report is inconsistent (%s)",
            report.order_key, _totals_text(totals),
        )
        return state.status
    if state.status == CANCELLED:
        return CANCELLED
    if intended_status:
        return intended_status
    if now - state.created > timedelta(days=settings.expire_days):
        return EXPIRED
    if state.status == IN_PROGRESS:
        return IN_PROGRESS
    return NEW


def _conclude(
    report: StatusReport,
    state: OrderState,
    settings: EngineSettings,
    *,
    now: datetime,
    intended_status: str | None,
) -> tuple[str, str]:
    if not report.payments:
        status = conclude_without_attempts(
            report, state, settings, now=now, intended_status=intended_status
        )
        return status, "no-attempts"
    from_totals = conclude_from_totals(report, state.currency, settings)
    if from_totals is not None:
        return from_totals, "totals"
    from_attempts = conclude_from_attempts(report)
    if intended_status and from_attempts not in _MONEY_STATUSES:
        return intended_status, "intended"
    return from_attempts, "attempts"


# --- rule 6 ------------------------------------------------------------------------------


def _guard(current: str, proposed: str, rule: str) -> str:
    if current in CLOSED and proposed in UNPAID_OPEN:
        return current
    if current in SETTLED and rule == "attempts" and proposed in (NEW, IN_PROGRESS, PENDING):
        return current
    return proposed


def _check_registered(totals: Totals, state: OrderState) -> None:
    try:
        expected = to_minor_units(state.total_gross_amount, state.currency)
    except ValueError:
        return
    if totals.registered != expected:
        logger.error(
            "Docdata order %s: Docdata registered %s but the order amount is %s (%s minor units)",
            state.order_key or "?", totals.registered, expected, state.currency,
        )


def _totals_text(totals: Totals) -> str:
    return (
        f"registered={totals.registered} shopper_pending={totals.shopper_pending} "
        f"acquirer_pending={totals.acquirer_pending} "
        f"acquirer_approved={totals.acquirer_approved} captured={totals.captured} "
        f"refunded={totals.refunded} charged_back={totals.charged_back}"
    )
