"""``update_docdata_order [ORDER_NUMBER ...] [--all] [--status S ...] [--merchant M]
[--workers N] [--enqueue]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from oscar_docdata.management.arguments import (
    UPDATE_ENQUEUE_HELP,
    add_progress_arguments,
    add_worker_arguments,
)
from oscar_docdata.management.output import Progress, write_summary
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.refresh import OrderResult, Outcome, run_streamed, stream_ids
from oscar_docdata.tasks import enqueue_each, update_order

STATUSES = [value for value, _label in DocdataOrder.STATUS_CHOICES]


class Command(BaseCommand):
    help = (
        "Ask Docdata for the status of the given orders (or of all matching orders with "
        "--all) and apply it. Exits with status 1 when some order could not be updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "order_numbers", nargs="*", metavar="ORDER_NUMBER",
            help="An Oscar order number, a merchant order reference or a Docdata order key.",
        )
        parser.add_argument(
            "--all", action="store_true", dest="all_orders",
            help="Update every order (narrowed by --status and --merchant).",
        )
        parser.add_argument(
            "--status", action="append", choices=STATUSES, metavar="S", dest="statuses",
            help="Only orders in status S; repeat for several statuses.",
        )
        parser.add_argument("--merchant", metavar="M", help="Only orders of merchant M.")
        add_worker_arguments(parser, workers=1, enqueue_help=UPDATE_ENQUEUE_HELP)
        add_progress_arguments(parser)

    def handle(self, *args: str, **options: Any) -> None:
        order_numbers: list[str] = options["order_numbers"]
        if not order_numbers and not options["all_orders"]:
            raise CommandError(
                "Give one or more order numbers, or --all to update every order "
                "(narrow it with --status and --merchant)."
            )
        if order_numbers and options["all_orders"]:
            raise CommandError("Give order numbers or --all, not both.")

        orders = DocdataOrder.objects.order_by("pk")
        if options["statuses"]:
            orders = orders.filter(status__in=options["statuses"])
        if options["merchant"]:
            orders = orders.filter(merchant_name=options["merchant"])
        not_found: list[str] = []
        if order_numbers:
            orders = orders.filter(
                Q(order_number__in=order_numbers)
                | Q(merchant_order_id__in=order_numbers)
                | Q(order_key__in=order_numbers)
            )
            known = set()
            for row in orders.values_list("order_number", "merchant_order_id", "order_key"):
                known.update(row)
            not_found = [number for number in dict.fromkeys(order_numbers) if number not in known]

        verbosity = options["verbosity"]
        if options["enqueue"]:
            count = enqueue_each(update_order, stream_ids(orders),
                                 DocdataStatusChange.TRIGGER_COMMAND)
            if verbosity >= 1:
                self.stdout.write(f"Enqueued the update of {count} Docdata orders")
            for number in not_found:
                self.stderr.write(f"failed: {number}: no matching Docdata order")
            if not_found:
                raise CommandError(f"{len(not_found)} order numbers matched no Docdata order")
            return
        summary = run_streamed(
            orders,
            trigger=DocdataStatusChange.TRIGGER_COMMAND,
            workers=options["workers"],
            on_result=Progress.for_options(self, orders.count(), options),
        )
        for number in not_found:
            summary.record(OrderResult(0, number, Outcome.FAILED,
                                       reason="no matching Docdata order"))
        write_summary(self, summary, verbosity=verbosity)
