"""List what the upgrade from django-oscar-docdata kept but could not convert."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from oscar_docdata.models import DocdataOrder, DocdataPayment


class Command(BaseCommand):
    help = (
        "List the rows the upgrade from django-oscar-docdata kept as they were: payments "
        "whose old id is not a usable Docdata payment id, and orders of one merchant that "
        "share a merchant order reference. See docs/upgrading.rst."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        payments = self.report_payments()
        groups = self.report_shared_references()
        if not payments and not groups:
            self.stdout.write("Nothing to report: every row of the upgrade was converted.")

    def report_payments(self) -> int:
        unusable = (
            DocdataPayment.objects.filter(payment_id__isnull=True)
            .order_by("docdata_order_id", "pk")
            .values_list("pk", "legacy_payment_id", "status", "docdata_order__order_number",
                         "docdata_order__order_key")
        )
        return self.section(
            "Payments without a usable payment id (old id kept):",
            (f"payment {pk}: old id {old_id!r}, status {status}, order {number} "
             f"(order key {key})" for pk, old_id, status, number, key in unusable.iterator()),
            "{count} payments without a usable payment id.",
        )

    def report_shared_references(self) -> int:
        shared = (
            DocdataOrder.objects.filter(reference_shared=True)
            .values("merchant_name", "merchant_order_id")
            .annotate(orders=Count("pk"))
            .order_by("merchant_name", "merchant_order_id")
        )

        def line(group: dict[str, Any]) -> str:
            keys = DocdataOrder.objects.filter(
                merchant_name=group["merchant_name"],
                merchant_order_id=group["merchant_order_id"],
            ).values_list("order_key", flat=True)
            return (f"merchant {group['merchant_name']}, reference "
                    f"{group['merchant_order_id']}: {group['orders']} orders "
                    f"({', '.join(keys)})")

        return self.section(
            "Merchant order references shared by several orders:",
            (line(group) for group in shared.iterator()),
            "{count} shared merchant order references.",
        )

    def section(self, heading: str, lines: Iterable[str], summary: str) -> int:
        """Write ``heading``, the lines and ``summary`` (with their count), when there are
        lines; return their count. Lines are written as they come (streamed)."""
        count = 0
        for text in lines:
            if not count:
                self.stdout.write(heading)
            count += 1
            self.stdout.write(f"  {text}")
        if count:
            self.stdout.write(summary.format(count=count))
        return count
