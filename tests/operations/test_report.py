"""docdata_report: monthly totals per currency, as a table or CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from oscar_docdata.operations.report import first_month, monthly_totals
from tests.operations.conftest import run_command


def month_of(order) -> str:
    return timezone.localtime(order.created).strftime("%Y-%m")


@pytest.fixture
def orders(make_order):
    """Orders this month (EUR twice, USD, JPY), ~3 months ago, and ~2 years ago."""
    return {
        "paid": make_order(status="paid", amount="25.00", total_captured=Decimal("25.00")),
        "refunded": make_order(status="paid_refunded", amount="10.00",
                               total_captured=Decimal("10.00"), total_refunded=Decimal("4.5"),
                               merchant="shop_sub"),
        "usd": make_order(status="charged_back", amount="7.50", currency="USD",
                          total_captured=Decimal("7.50"), total_charged_back=Decimal("7.50")),
        "jpy": make_order(status="new", amount="1200", currency="JPY"),
        "older": make_order(status="paid", amount="3.00", total_captured=Decimal("3.00"),
                            age_days=95),
        "ancient": make_order(status="paid", amount="99.00", age_days=800),
    }


def rows(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text)))


def test_csv_monthly_totals_per_currency(orders):
    run = run_command("docdata_report", "--csv")

    assert run.exit_status == 0
    this_month = month_of(orders["paid"])
    assert rows(run.out) == [
        ["month", "currency", "orders", "registered", "captured", "refunded", "charged_back"],
        [month_of(orders["older"]), "EUR", "1", "3.00", "3.00", "0.00", "0.00"],
        [this_month, "EUR", "2", "35.00", "35.00", "4.50", "0.00"],
        [this_month, "JPY", "1", "1200", "0", "0", "0"],
        [this_month, "USD", "1", "7.50", "7.50", "0.00", "7.50"],
    ]


def test_filters_and_the_period(orders):
    this_month = month_of(orders["paid"])
    assert rows(run_command("docdata_report", "--csv", "--months", "1").out)[1:] == [
        [this_month, "EUR", "2", "35.00", "35.00", "4.50", "0.00"],
        [this_month, "JPY", "1", "1200", "0", "0", "0"],
        [this_month, "USD", "1", "7.50", "7.50", "0.00", "7.50"],
    ]
    assert rows(run_command("docdata_report", "--csv", "--merchant", "shop_sub").out)[1:] == [
        [this_month, "EUR", "1", "10.00", "10.00", "4.50", "0.00"],
    ]
    by_status = run_command("docdata_report", "--csv", "--status", "charged_back",
                            "--status", "new").out
    assert [row[1] for row in rows(by_status)[1:]] == ["JPY", "USD"]
    everything = rows(run_command("docdata_report", "--csv", "--months", "36").out)
    assert [month_of(orders["ancient"]), "EUR", "1", "99.00", "0.00", "0.00", "0.00"] in (
        everything)


def test_table_output(orders):
    run = run_command("docdata_report")
    lines = run.out.splitlines()
    assert lines[0].split() == ["month", "currency", "orders", "registered", "captured",
                                "refunded", "charged_back"]
    assert set(lines[1]) == {"-", " "}
    assert lines[3].split() == [month_of(orders["paid"]), "EUR", "2", "35.00", "35.00", "4.50",
                                "0.00"]
    # numbers are right-aligned under their heading
    assert lines[3].index("35.00") + len("35.00") == lines[0].index("registered") + len(
        "registered")


def test_nothing_to_report(db):
    assert run_command("docdata_report").out == "No Docdata orders in this period.\n"
    assert rows(run_command("docdata_report", "--csv").out) == [
        ["month", "currency", "orders", "registered", "captured", "refunded", "charged_back"]]


def test_bad_months(db):
    run = run_command("docdata_report", "--months", "0")
    assert run.exit_status == 1 and "0 is not at least 1" in run.error


def test_first_month_counts_back_across_years():
    now = timezone.make_aware(datetime(2025, 2, 14, 15, 30))
    assert first_month(1, now=now).date().isoformat() == "2025-02-01"
    assert first_month(3, now=now).date().isoformat() == "2024-12-01"
    assert first_month(14, now=now).date().isoformat() == "2024-01-01"
    assert first_month(3, now=now).hour == 0


def test_months_are_those_of_the_shops_time_zone(make_order):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam (TIME_ZONE).
    order = make_order(amount="5.00")
    moment = datetime(2025, 1, 31, 23, 30, tzinfo=UTC)
    type(order).objects.filter(pk=order.pk).update(created=moment)
    totals = monthly_totals(months=2, now=moment + timedelta(days=1))
    assert [(t.month.isoformat(), t.orders) for t in totals] == [("2025-02-01", 1)]
