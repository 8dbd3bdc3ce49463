"""``expire_docdata_orders [--dry-run] [--days N]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.management.commands.reconcile_docdata_orders import non_negative_int
from oscar_docdata.management.output import progress_printer, write_summary
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.expiry import expire_order, expiry_candidates
from oscar_docdata.operations.refresh import order_label, order_task, run_tasks


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

    def handle(self, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = int(docdata_settings.DOCDATA_EXPIRE_DAYS)
        candidates = list(expiry_candidates(days))
        verbosity = options["verbosity"]

        if options["dry_run"]:
            for order in candidates:
                created = timezone.localtime(order.created).date().isoformat()
                self.stdout.write(
                    f"would expire: {order_label(order)}, {order.status} since {created}"
                )
            self.stdout.write(f"{len(candidates)} orders older than {days} days would expire")
            return

        preloaded = {order.pk: order for order in candidates}
        summary = run_tasks(
            list(preloaded),
            order_task(_expire, preloaded=preloaded),
            on_result=progress_printer(self, verbosity=verbosity),
        )
        expired = [r for r in summary.updated if r.status == DocdataOrder.STATUS_EXPIRED]
        if verbosity >= 1:
            self.stdout.write(f"Expired: {len(expired)} of {len(candidates)} orders")
            for result in summary.updated:
                if result.status != DocdataOrder.STATUS_EXPIRED:
                    self.stdout.write(f"not expired: {result.label} is {result.status}")
        write_summary(self, summary, verbosity=verbosity)
