"""``docdata_report [-s/--status S] [--merchant M] [--months N] [--csv]``.

The old package's option works as before: ``-s S`` (``--status S``) reports the orders
in status S only, and an empty S every status.
"""

from __future__ import annotations

import argparse
import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oscar_docdata.management.arguments import positive_int
from oscar_docdata.models import DocdataOrder
from oscar_docdata.operations.report import AMOUNT_COLUMNS, MonthlyTotal, monthly_totals

STATUSES = [value for value, _label in DocdataOrder.STATUS_CHOICES]
HEADER = ("month", "currency", "orders", *(name for name, _field in AMOUNT_COLUMNS))


def status_argument(text: str) -> str:
    """A ``--status`` value: a known status, or "" (the old package's "every status")."""
    if text and text not in STATUSES:
        raise argparse.ArgumentTypeError(invalid_status(text))
    return text


def invalid_status(text: str) -> str:
    return f"invalid status {text!r}; valid choices are: {', '.join(STATUSES)}"


def chosen_statuses(value: Any) -> list[str]:
    """The statuses to report: ``--status`` values, or one string given to call_command()
    as the old command took it (``status="paid"``); "" means every status."""
    values = [value] if isinstance(value, str) else list(value or [])
    for text in values:
        if text and text not in STATUSES:
            raise CommandError(invalid_status(text))
    return [text for text in values if text]


def row_values(total: MonthlyTotal) -> list[str]:
    return [
        total.month.strftime("%Y-%m"),
        total.currency,
        str(total.orders),
        *(str(amount) for amount in total.amounts()),
    ]


class Command(BaseCommand):
    help = (
        "Monthly totals of Docdata orders per currency, by the month the order was "
        "created: number of orders, registered (the orders' amounts), captured, refunded "
        "and charged back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-s", "--status", action="append", type=status_argument, metavar="S",
            dest="statuses",
            help=f"Only orders in status S ({', '.join(STATUSES)}); repeat for several "
            f"statuses.",
        )
        parser.add_argument("--merchant", metavar="M", help="Only orders of merchant M.")
        parser.add_argument(
            "--months", type=positive_int, default=12, metavar="N",
            help="The last N months, this month included (default 12).",
        )
        parser.add_argument(
            "--csv", action="store_true", dest="as_csv", help="Print CSV instead of a table."
        )

    def handle(self, **options: Any) -> None:
        orders = DocdataOrder.objects.all()
        statuses = chosen_statuses(options["statuses"])
        if statuses:
            orders = orders.filter(status__in=statuses)
        if options["merchant"]:
            orders = orders.filter(merchant_name=options["merchant"])
        rows = [row_values(total) for total in monthly_totals(orders, months=options["months"])]

        if options["as_csv"]:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
            return
        if not rows:
            self.stdout.write("No Docdata orders in this period.")
            return
        columns = zip(HEADER, *rows, strict=True)
        widths = [max(len(cell) for cell in column) for column in columns]
        for index, cells in enumerate([HEADER, *rows]):
            # Text columns left-aligned, numbers right-aligned.
            line = "  ".join(
                cell.ljust(width) if column < 2 else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )
            self.stdout.write(line.rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
