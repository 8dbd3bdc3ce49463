"""Rules 2–5 of docs/status-rules.rst: the margin, and the status the totals, the
attempts, or (without attempts) the order's age and intent conclude."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from oscar_docdata.gateway.results import StatusReport, Totals
from oscar_docdata.status import (
    CANCELLED,
    CHARGED_BACK,
    EXPIRED,
    IN_PROGRESS,
    NEW,
    PAID,
    PAID_REFUNDED,
    PENDING,
    REFUNDED,
    UNKNOWN,
)

from .values import EngineSettings, OrderState

logger = logging.getLogger("oscar_docdata.status")

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


def _totals_text(totals: Totals) -> str:
    return (
        f"registered={totals.registered} shopper_pending={totals.shopper_pending} "
        f"acquirer_pending={totals.acquirer_pending} "
        f"acquirer_approved={totals.acquirer_approved} captured={totals.captured} "
        f"refunded={totals.refunded} charged_back={totals.charged_back}"
    )
