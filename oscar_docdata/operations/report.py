"""Monthly totals of Docdata orders per currency, for ``docdata_report``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from oscar_docdata.models import DocdataOrder
from oscar_docdata.money import currency_exponent

#: The amount columns of the report and the DocdataOrder field each sums.
#: "registered" is the amount each order was registered with at Docdata
#: (``total_gross_amount``), so orders Docdata has not reported on yet count too.
AMOUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("registered", "total_gross_amount"),
    ("captured", "total_captured"),
    ("refunded", "total_refunded"),
    ("charged_back", "total_charged_back"),
)


@dataclass(frozen=True)
class MonthlyTotal:
    """The orders created in one month in one currency, and their summed amounts."""

    month: dt.date  # the first day of the month, in the current time zone
    currency: str
    orders: int
    registered: Decimal
    captured: Decimal
    refunded: Decimal
    charged_back: Decimal

    def amounts(self) -> tuple[Decimal, ...]:
        """The amount columns, rounded to the currency's minor unit."""
        quantum = Decimal(1).scaleb(-currency_exponent(self.currency))
        return tuple(getattr(self, name).quantize(quantum) for name, _field in AMOUNT_COLUMNS)


def first_month(months: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """Midnight of the first day of the month ``months - 1`` months before ``now``'s."""
    if months < 1:
        raise ValueError("months must be at least 1")
    local = timezone.localtime(now or timezone.now())
    index = local.year * 12 + local.month - 1 - (months - 1)
    return local.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


def monthly_totals(
    queryset: QuerySet[DocdataOrder] | None = None,
    *,
    months: int = 12,
    now: dt.datetime | None = None,
) -> list[MonthlyTotal]:
    """Totals of ``queryset`` (default: every order) for the last ``months`` months.

    The current month counts as one. Rows are ordered by month, then currency; months
    without orders are left out.
    """
    queryset = DocdataOrder.objects.all() if queryset is None else queryset
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=19, decimal_places=4))
    rows: Iterable[Any] = (
        queryset.filter(created__gte=first_month(months, now=now))
        .annotate(month=TruncMonth("created"))
        .values("month", "currency")
        .annotate(
            orders=Count("pk"),
            **{name: Coalesce(Sum(field), zero) for name, field in AMOUNT_COLUMNS},
        )
        .order_by("month", "currency")
    )
    return [
        MonthlyTotal(
            month=timezone.localtime(row["month"]).date()
            if isinstance(row["month"], dt.datetime)
            else row["month"],
            currency=row["currency"],
            orders=row["orders"],
            **{name: Decimal(row[name]) for name, _field in AMOUNT_COLUMNS},
        )
        for row in rows
    ]
