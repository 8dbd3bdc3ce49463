"""``reconcile_docdata_orders [--older-than MINUTES] [--workers N] [--merchant M] [--enqueue]``.

Refreshes every order that is not in a final state (see
``oscar_docdata.operations.refresh.FINAL_STATUSES``) and was created more than
MINUTES ago: a safety net for notifications that never arrived. Run it from cron.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oscar_docdata.management.arguments import (
    PROCESSES_REMOVED,
    UPDATE_ENQUEUE_HELP,
    add_progress_arguments,
    add_worker_arguments,
    non_negative_int,
    positive_int,
)
from oscar_docdata.management.output import Progress, write_summary
from oscar_docdata.models import DocdataStatusChange
from oscar_docdata.operations.refresh import reconcile_candidates, run_streamed, stream_ids
from oscar_docdata.tasks import enqueue_each, update_order


class Command(BaseCommand):
    help = (
        "Ask Docdata for the status of every order not in a final state (paid, "
        "paid_refunded, refunded, charged_back, cancelled, expired) and older than "
        "--older-than minutes, with at most --workers calls at a time, or enqueue one "
        "update task per order with --enqueue. Each order is updated in its own "
        "transaction. Exits with status 1 when some order failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=non_negative_int, default=30, metavar="MINUTES",
            help="Only orders created more than MINUTES minutes ago (default 30).",
        )
        add_worker_arguments(parser, workers=4, enqueue_help=UPDATE_ENQUEUE_HELP)
        parser.add_argument("--merchant", metavar="M", help="Only orders of merchant M.")
        parser.add_argument("--processes", type=positive_int, help=argparse.SUPPRESS)
        add_progress_arguments(parser)

    def handle(self, **options: Any) -> None:
        if options["processes"] is not None:
            self.stderr.write(PROCESSES_REMOVED)
        orders = reconcile_candidates(options["older_than"], options["merchant"])
        verbosity = options["verbosity"]
        total = orders.count()
        if options["enqueue"]:
            count = enqueue_each(update_order, stream_ids(orders),
                                 DocdataStatusChange.TRIGGER_COMMAND)
            if verbosity >= 1:
                self.stdout.write(f"Enqueued the update of {count} Docdata orders")
            return
        if verbosity >= 1:
            self.stdout.write(f"Reconciling {total} Docdata orders")
        summary = run_streamed(
            orders,
            trigger=DocdataStatusChange.TRIGGER_COMMAND,
            workers=options["workers"],
            on_result=Progress.for_options(self, total, options),
        )
        write_summary(self, summary, verbosity=verbosity)
