"""``expire_docdata_orders [--dry-run] [--days N] [--workers N] [--enqueue]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.management.arguments import (
    add_progress_arguments,
    add_worker_arguments,
    non_negative_int,
)
from oscar_docdata.management.output import Progress, write_summary
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.expiry import expire_order, expiry_candidates
from oscar_docdata.operations.refresh import (
    OrderResult,
    Outcome,
    order_label,
    run_streamed,
    stream_chunks,
    stream_ids,
)
from oscar_docdata.tasks import enqueue_each
from oscar_docdata.tasks import expire_order as expire_task


def _expire(order: DocdataOrder) -> bool:
    update = expire_order(order, trigger=DocdataStatusChange.TRIGGER_COMMAND)
    return update is not None and update.changed


class Command(BaseCommand):
    help = (
        "Expire new and in_progress Docdata orders older than --days days (default "
        "DOCDATA_EXPIRE_DAYS). Each order's status is asked first: an order with money "
        "authorized or received takes that status instead. Exits with status 1 when "
        "Docdata could not be asked about some order (it is then left as it was)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true",
            help="List the orders that would be expired; ask Docdata nothing, change nothing.",
        )
        parser.add_argument(
            "--days", type=non_negative_int, default=None, metavar="N",
            help="Expire orders created more than N days ago (default DOCDATA_EXPIRE_DAYS).",
        )
        add_worker_arguments(
            parser, workers=1,
            enqueue_help="Enqueue one expiry task per order (oscar_docdata.tasks.expire_order) "
            "on the configured Django Tasks backend instead of expiring them here.",
        )
        add_progress_arguments(parser)

    def handle(self, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = int(docdata_settings.DOCDATA_EXPIRE_DAYS)
        candidates = expiry_candidates(days)
        verbosity = options["verbosity"]

        if options["dry_run"]:
            count = 0
            for chunk in stream_chunks(candidates, fields=("created",)):
                for order in chunk.values():
                    created = timezone.localtime(order.created).date().isoformat()
                    self.stdout.write(
                        f"would expire: {order_label(order)}, {order.status} since {created}"
                    )
                    count += 1
            self.stdout.write(f"{count} orders older than {days} days would expire")
            return

        if options["enqueue"]:
            count = enqueue_each(expire_task, stream_ids(candidates))
            if verbosity >= 1:
                self.stdout.write(f"Enqueued the expiry of {count} Docdata orders")
            return

        progress = Progress.for_options(self, candidates.count(), options)
        expired = 0

        def on_result(result: OrderResult, done: int) -> None:
            nonlocal expired
            progress(result, done)
            if result.outcome != Outcome.UPDATED:
                return
            if result.status == DocdataOrder.STATUS_EXPIRED:
                expired += 1
            elif verbosity >= 1:
                self.stdout.write(f"not expired: {result.label} is {result.status}")

        summary = run_streamed(candidates, _expire, workers=options["workers"],
                               on_result=on_result)
        if verbosity >= 1:
            self.stdout.write(f"Expired: {expired} of {summary.total} orders")
        write_summary(self, summary, verbosity=verbosity)
