"""The status engine: a Docdata status report → the order's status and stored values.

Implements the specification in ``docs/status-rules.rst`` exactly; the rule that decided
is named in ``Outcome.rule``: ``"totals"`` (rule 3), ``"attempts"`` (rule 4),
``"no-attempts"`` (rule 5) or ``"intended"`` (rule 7: the status a cancel or expiry asked
for, when neither the totals nor an attempt show money). Pure: no database and no
network; it only reads the report, the order's current state and the settings, and
logs what the specification asks to be logged. ``oscar_docdata.updater`` writes the
outcome.

One module per part: :mod:`.values` (what goes in and comes out), :mod:`.payments`
(rule 1: the payment lines), :mod:`.rules` (rules 2–5: totals, attempts, no attempts)
and :mod:`.engine` (:func:`evaluate`, with the guards of rule 6 and rule 7). The
statuses and their groups are in :mod:`oscar_docdata.status`.
"""

from __future__ import annotations

from .engine import evaluate
from .payments import payment_values
from .rules import (
    attempt_status,
    conclude_from_attempts,
    conclude_from_totals,
    conclude_without_attempts,
    margin,
    received_amount,
)
from .values import PAID_RULES, TOTAL_FIELDS, EngineSettings, OrderState, Outcome, PaymentValues

__all__ = [
    "PAID_RULES",
    "TOTAL_FIELDS",
    "EngineSettings",
    "OrderState",
    "Outcome",
    "PaymentValues",
    "attempt_status",
    "conclude_from_attempts",
    "conclude_from_totals",
    "conclude_without_attempts",
    "evaluate",
    "margin",
    "payment_values",
    "received_amount",
]
