"""``reconcile_docdata_orders [--older-than MINUTES] [--workers N] [--processes P]
[--merchant M]``.

Refreshes every order that is not in a final state (see
``oscar_docdata.operations.refresh.FINAL_STATUSES``) and was created more than
MINUTES ago: a safety net for notifications that never arrived. Run it from cron.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oscar_docdata.management.output import progress_printer, write_summary
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.refresh import FINAL_STATUSES, preload, run_tasks, update_task


def whole_number(text: str, *, at_least: int, too_small: str) -> int:
    """``text`` as an int of at least ``at_least``; ``too_small`` names the refusal."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < at_least:
        raise argparse.ArgumentTypeError(f"{value} {too_small}")
    return value


def positive_int(text: str) -> int:
    return whole_number(text, at_least=1, too_small="is not at least 1")


def non_negative_int(text: str) -> int:
    return whole_number(text, at_least=0, too_small="is negative")


class Command(BaseCommand):
    help = (
        "Ask Docdata for the status of every order not in a final state (paid, "
        "paid_refunded, refunded, charged_back, cancelled, expired) and older than "
        "--older-than minutes, with at most --workers calls at a time. Each order is "
        "updated in its own transaction. Exits with status 1 when some order failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=non_negative_int, default=30, metavar="MINUTES",
            help="Only orders created more than MINUTES minutes ago (default 30).",
        )
        parser.add_argument(
            "--workers", type=positive_int, default=4, metavar="N",
            help="At most N Docdata calls at the same time (default 4).",
        )
        parser.add_argument(
            "--processes", type=positive_int, default=1, metavar="P",
            help="Share the orders and the workers out over P processes (default 1). One "
            "process uses one core at a time: with many workers, more processes use more "
            "cores. Needs Linux (fork) and a database server (not an in-memory SQLite).",
        )
        parser.add_argument("--merchant", metavar="M", help="Only orders of merchant M.")

    def handle(self, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        orders = DocdataOrder.objects.exclude(status__in=FINAL_STATUSES).filter(
            created__lt=cutoff
        )
        if options["merchant"]:
            orders = orders.filter(merchant_name=options["merchant"])
        # Read in one query: each task then only locks and reads its order again.
        preloaded = preload(orders.order_by("created", "pk"))
        order_ids = list(preloaded)

        verbosity = options["verbosity"]
        if verbosity >= 1:
            self.stdout.write(f"Reconciling {len(order_ids)} Docdata orders")
        try:
            summary = run_tasks(
                order_ids,
                update_task(DocdataStatusChange.TRIGGER_COMMAND, preloaded=preloaded),
                workers=min(options["workers"], max(len(order_ids), 1)),
                processes=options["processes"],
                on_result=progress_printer(self, verbosity=verbosity),
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        write_summary(self, summary, verbosity=verbosity)
