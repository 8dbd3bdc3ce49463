"""What the status engine reads (the settings, the stored order) and what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from oscar_docdata.appsettings import docdata_settings

#: The values of DOCDATA_PAID_RULE (docs/status-rules.rst, rule 3).
PAID_RULES = ("captured", "approved", "docdata")

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
