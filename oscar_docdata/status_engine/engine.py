"""The engine's verdict: :func:`evaluate` applies rules 1–5, then the guards of rule 6;
rule 7 gives the status a cancel or expiry asked for (docs/status-rules.rst)."""

from __future__ import annotations

import logging
from datetime import datetime

from oscar_docdata.gateway.results import StatusReport, Totals
from oscar_docdata.money import from_minor_units, to_minor_units
from oscar_docdata.status import (
    CANCELLED,
    CHARGED_BACK,
    CLOSED,
    IN_PROGRESS,
    NEW,
    PAID,
    PENDING,
    SETTLED,
    UNPAID_OPEN,
)

from .payments import payment_values
from .rules import (
    attempt_status,
    conclude_from_attempts,
    conclude_from_totals,
    conclude_without_attempts,
)
from .values import TOTAL_FIELDS, EngineSettings, OrderState, Outcome

logger = logging.getLogger("oscar_docdata.status")

# Attempts that show money was authorized or received (rule 7: "pending or better").
_MONEY_STATUSES = frozenset({PAID, CHARGED_BACK, PENDING})


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
