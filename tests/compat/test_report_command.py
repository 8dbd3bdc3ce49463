"""``docdata_report``'s old option: ``-s/--status S``, "" for every status."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from tests.operations.conftest import make_order, run_command

__all__ = ["make_order"]


@pytest.fixture
def orders(make_order: Any) -> None:
    make_order(status="paid", amount="25.00", total_captured=Decimal("25.00"))
    make_order(status="paid", amount="5.00", total_captured=Decimal("5.00"))
    make_order(status="new", amount="7.50", currency="USD")


def counts(csv_text: str) -> dict[str, str]:
    """Orders per currency in the CSV report."""
    rows = list(csv.reader(io.StringIO(csv_text)))[1:]
    return {row[1]: row[2] for row in rows}


def test_every_status_by_default(orders):
    assert counts(run_command("docdata_report", "--csv").out) == {"EUR": "2", "USD": "1"}


@pytest.mark.parametrize("arguments", [["-s", "paid"], ["--status", "paid"], ["-spaid"]])
def test_the_old_short_option_filters_by_status(orders, arguments):
    run = run_command("docdata_report", "--csv", *arguments)
    assert run.exit_status == 0
    assert counts(run.out) == {"EUR": "2"}


def test_an_empty_status_means_every_status_as_before(orders):
    assert counts(run_command("docdata_report", "--csv", "-s", "").out) == {
        "EUR": "2", "USD": "1"
    }


def test_the_old_keyword_of_call_command(orders):
    out = io.StringIO()
    call_command("docdata_report", status="paid", as_csv=True, stdout=out)
    assert counts(out.getvalue()) == {"EUR": "2"}


@pytest.mark.parametrize("how", ["option", "keyword"])
def test_an_unknown_status_names_the_valid_ones(db, how):
    if how == "option":
        run = run_command("docdata_report", "-s", "payed")
    else:
        run = run_command("docdata_report", status="payed")
    assert run.exit_status == 1
    assert "invalid status 'payed'" in run.error
    assert "paid_refunded" in run.error and "charged_back" in run.error


def test_the_table_with_the_old_option(orders):
    run = run_command("docdata_report", "-s", "new")
    assert run.exit_status == 0
    lines = run.out.splitlines()
    assert lines[0].split()[:3] == ["month", "currency", "orders"]
    assert [line.split()[1:3] for line in lines[2:]] == [["USD", "1"]]
