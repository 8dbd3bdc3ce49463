"""List what the upgrade from django-oscar-docdata kept but could not convert."""

from __future__ import annotations

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
        count = 0
        for pk, old_id, status, number, key in unusable.iterator():
            if not count:
                self.stdout.write("Payments without a usable payment id (old id kept):")
            count += 1
            self.stdout.write(
                f"  payment {pk}: old id {old_id!r}, status {status}, order {number} "
                f"(order key {key})"
            )
        if count:
            self.stdout.write(f"{count} payments without a usable payment id.")
        return count

    def report_shared_references(self) -> int:
        shared = (
            DocdataOrder.objects.filter(reference_shared=True)
            .values("merchant_name", "merchant_order_id")
            .annotate(orders=Count("pk"))
            .order_by("merchant_name", "merchant_order_id")
        )
        count = 0
        for group in shared.iterator():
            if not count:
                self.stdout.write("Merchant order references shared by several orders:")
            count += 1
            keys = DocdataOrder.objects.filter(
                merchant_name=group["merchant_name"],
                merchant_order_id=group["merchant_order_id"],
            ).values_list("order_key", flat=True)
            self.stdout.write(
                f"  merchant {group['merchant_name']}, reference {group['merchant_order_id']}: "
                f"{group['orders']} orders ({', '.join(keys)})"
            )
        if count:
            self.stdout.write(f"{count} shared merchant order references.")
        return count
