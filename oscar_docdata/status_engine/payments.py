"""Rule 1 of docs/status-rules.rst: a report's payment lines as stored values."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from oscar_docdata.gateway.results import AmountLine, PaymentLine
from oscar_docdata.money import from_minor_units

from .values import PaymentValues


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
