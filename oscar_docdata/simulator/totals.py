"""The report's ``approximateTotals`` and ``consideredSafe``, computed from the attempts.

Rules (all amounts integers in minor units of the order's currency):

- registered: the order amount;
- shopper/acquirer pending, acquirer approved: the amount of every attempt that is
  AUTHORIZED (or AUTHORIZATION_REQUESTED, for bank transfer) in the bucket of its
  confidence level (SHOPPER_PENDING, ACQUIRER_PENDING, ACQUIRER_APPROVED);
- captured: captures with status CAPTURED; refunded: refunds with status CAPTURED;
  charged back: chargebacks with status CHARGED; reversed: the reversals.

An attempt in another currency than the order's is converted at a fixed table of
simulated daily rates (sums per currency, rounded half up once); the totals then
carry ``exchangedTo`` (the order currency) and ``exchangeRateDate`` (midnight of the
day of the latest such attempt). The attempt's own amounts stay in its currency.

``consideredSafe`` is only reported for orders with at least one attempt: value true
when captured - refunded - charged back >= registered (level SAFE, reason EXACT_MATCH),
else value false (level SAFE, no reason).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from oscar_docdata.money import from_minor_units, to_minor_units

from .models import PaymentAttempt, SimulatedOrder

#: Simulated daily rates: the value of one unit of a currency in EUR.
RATES_TO_EUR: dict[str, Decimal] = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.04"),
    "SEK": Decimal("0.087"),
    "NOK": Decimal("0.086"),
    "DKK": Decimal("0.134"),
    "PLN": Decimal("0.23"),
    "CAD": Decimal("0.68"),
    "AUD": Decimal("0.61"),
    "JPY": Decimal("0.0062"),
    "KWD": Decimal("3.00"),
}

BUCKETS = {
    "SHOPPER_PENDING": "shopper_pending",
    "ACQUIRER_PENDING": "acquirer_pending",
    "ACQUIRER_APPROVED": "acquirer_approved",
}


def supports(currency: str) -> bool:
    return currency in RATES_TO_EUR


def convert(amount: int, source: str, target: str) -> int:
    """``amount`` minor units of ``source`` in minor units of ``target``."""
    if source == target:
        return amount
    value = from_minor_units(amount, source) * RATES_TO_EUR[source] / RATES_TO_EUR[target]
    return to_minor_units(value, target)


def counts_as_authorized(attempt: PaymentAttempt) -> bool:
    return attempt.status == "AUTHORIZED" or (
        attempt.status == "AUTHORIZATION_REQUESTED" and attempt.method == "BANK_TRANSFER"
    )


@dataclass(frozen=True)
class Totals:
    currency: str
    registered: int
    shopper_pending: int = 0
    acquirer_pending: int = 0
    acquirer_approved: int = 0
    captured: int = 0
    refunded: int = 0
    charged_back: int = 0
    reversed: int = 0
    exchanged_to: str | None = None
    exchange_rate_date: datetime | None = None

    @property
    def net_received(self) -> int:
        return self.captured - self.refunded - self.charged_back


def compute(order: SimulatedOrder, attempts: Iterable[PaymentAttempt]) -> Totals:
    """Totals of ``order`` from its ``attempts`` (captures etc. prefetched or not)."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    latest_foreign: datetime | None = None
    for attempt in attempts:
        per_currency = sums[attempt.currency]
        if attempt.currency != order.currency:
            latest_foreign = max(filter(None, (latest_foreign, attempt.created)))
        if counts_as_authorized(attempt) and attempt.confidence in BUCKETS:
            per_currency[BUCKETS[attempt.confidence]] += attempt.amount
        per_currency["captured"] += sum(
            c.amount for c in attempt.captures.all() if c.status == "CAPTURED"
        )
        per_currency["refunded"] += sum(
            r.amount for r in attempt.refunds.all() if r.status == "CAPTURED"
        )
        per_currency["charged_back"] += sum(
            c.amount for c in attempt.chargebacks.all() if c.status == "CHARGED"
        )
        per_currency["reversed"] += attempt.reversal_amount or 0
    values: dict[str, int] = defaultdict(int)
    for currency, buckets in sums.items():
        for name, amount in buckets.items():
            values[name] += convert(amount, currency, order.currency)
    foreign = latest_foreign is not None
    return Totals(
        currency=order.currency,
        registered=order.amount,
        exchanged_to=order.currency if foreign else None,
        # Midnight of the day in the service's time zone (the shop's TIME_ZONE here), not
        # of the UTC day: between midnight and 1 or 2 a.m. in Amsterdam they differ.
        exchange_rate_date=(
            timezone.localtime(latest_foreign).replace(hour=0, minute=0, second=0,
                                                       microsecond=0)
            if latest_foreign
            else None
        ),
        **values,
    )


def considered_safe(totals: Totals) -> tuple[bool, str, str | None]:
    """``(value, level, reason)`` of the report's consideredSafe."""
    if totals.net_received >= totals.registered:
        return True, "SAFE", "EXACT_MATCH"
    return False, "SAFE", None
