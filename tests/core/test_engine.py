"""Unit tests of the pure status engine (the rules themselves are tested through the
notification view in test_status_rules.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from oscar_docdata import status_engine
from oscar_docdata.gateway.results import (
    AmountLine,
    Authorization,
    ConsideredSafe,
    PaymentLine,
    StatusReport,
    Totals,
)

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
SETTINGS = status_engine.EngineSettings(margins={"EUR": 100})


def report(*attempts: str, registered: int = 1000, **totals: int) -> StatusReport:
    values = {"shopper_pending": 0, "acquirer_pending": 0, "acquirer_approved": 0,
              "captured": 0, "refunded": 0, "charged_back": 0, **totals}
    return StatusReport(
        order_key="K" * 32,
        totals=Totals(registered=registered, **values),
        payments=tuple(
            PaymentLine(payment_id=i + 1, payment_method="IDEAL",
                        authorization=Authorization(status=s, amount=registered, currency="EUR",
                                                    confidence_level="ACQUIRER_APPROVED"))
            for i, s in enumerate(attempts)
        ),
    )


def state(current: str = "new", age: timedelta = timedelta(0)) -> status_engine.OrderState:
    return status_engine.OrderState(status=current, currency="EUR",
                                    total_gross_amount=Decimal("10.00"),
                                    created=NOW - age, order_key="K" * 32)


def evaluate(rep: StatusReport, st: status_engine.OrderState | None = None,
             **kwargs) -> status_engine.Outcome:
    return status_engine.evaluate(rep, st or state(), SETTINGS, now=NOW, **kwargs)


@pytest.mark.parametrize(
    ("rep", "expected", "rule"),
    [
        (report(), "cancelled", "no-attempts"),
        (report("STARTED"), "cancelled", "intended"),
        (report("NEW", "AUTHORIZATION_FAILED"), "cancelled", "intended"),
        (report("AUTHORIZED"), "pending", "attempts"),
        (report("AUTHORIZED", captured=1000), "paid", "totals"),
        (report("CHARGED-BACK"), "charged_back", "attempts"),
        (report("MYSTERY"), "cancelled", "intended"),
    ],
)
def test_intended_cancel(rep, expected, rule):
    outcome = evaluate(rep, intended_status="cancelled")
    assert (outcome.status, outcome.rule) == (expected, rule)


def test_cancelled_order_without_attempts_ignores_the_intent():
    assert evaluate(report(), state("cancelled"), intended_status="paid").status == "cancelled"


def test_expiry_boundary():
    assert evaluate(report(), state(age=timedelta(days=21))).status == "new"
    assert evaluate(report(), state(age=timedelta(days=21, seconds=1))).status == "expired"


def test_payment_values():
    line = PaymentLine(
        payment_id=7, payment_method="VISA",
        authorization=Authorization(
            status="AUTHORIZED", amount=1500, currency="USD", confidence_level="ACQUIRER_APPROVED",
            captures=(AmountLine("CAPTURED", 1000, "USD"), AmountLine("CAPTURED", 500, "USD")),
            refunds=(AmountLine("CAPTURED", 200, "USD", reference="R1"),),
        ),
    )
    values = status_engine.payment_values(line)
    assert (values.amount_allocated, values.amount_debited, values.amount_refunded,
            values.amount_chargeback) == (Decimal("15.00"), Decimal("15.00"), Decimal("2.00"),
                                          Decimal("0.00"))
    assert values.lines["refunds"] == [{"status": "CAPTURED", "amount": "2.00", "currency": "USD",
                                        "reason": None, "reference": "R1"}]
    assert values.lines["reversal"] is None


def test_docdata_rule_with_considered_safe():
    rep = report("AUTHORIZED", acquirer_approved=1000)
    safe = StatusReport(order_key=rep.order_key, totals=rep.totals, payments=rep.payments,
                        considered_safe=ConsideredSafe(value=True, level="SAFE"))
    docdata = status_engine.EngineSettings(margins={}, paid_rule="docdata")
    assert status_engine.evaluate(safe, state(), docdata, now=NOW).status == "paid"
    assert status_engine.evaluate(safe, state(), SETTINGS, now=NOW).status == "pending"


@override_settings(DOCDATA_PAYMENT_SUCCESS_MARGIN={"GBP": 7}, DOCDATA_PAID_RULE="approved",
                   DOCDATA_EXPIRE_DAYS=5)
def test_settings_are_read_at_call_time():
    assert status_engine.EngineSettings.from_settings() == status_engine.EngineSettings(
        margins={"GBP": 7}, paid_rule="approved", expire_days=5
    )


def test_totals_are_converted_in_the_order_currency():
    outcome = evaluate(report("NEW", registered=1234, captured=5))
    assert outcome.totals["total_registered"] == Decimal("12.34")
    assert outcome.totals["total_captured"] == Decimal("0.05")
