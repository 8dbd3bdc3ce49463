"""Stored rows the test suites share (no Docdata involved)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from oscar_docdata.models import DocdataOrder

_numbers = itertools.count(1)


def stored_order(*, status: str = DocdataOrder.STATUS_NEW, amount: Decimal | str = "12.34",
                 currency: str = "EUR", merchant: str = "shop_test",
                 age: timedelta = timedelta(0), reference: str | None = None,
                 reference_prefix: str = "10000", key_offset: int = 0,
                 **fields: Any) -> DocdataOrder:
    """A DocdataOrder row, ``age`` old, known to no Docdata.

    Its reference is ``reference`` (or ``merchant_order_id``), else ``<prefix><n>``; its
    order number the reference; its key 32 upper-case hex digits, as Docdata makes them.
    """
    number = next(_numbers)
    reference = fields.pop("merchant_order_id", None) or reference \
        or f"{reference_prefix}{number}"
    order = DocdataOrder.objects.create(
        merchant_name=merchant,
        merchant_order_id=reference,
        order_number=fields.pop("order_number", reference),
        order_key=fields.pop("order_key", f"{key_offset + number:032X}"),
        status=status,
        total_gross_amount=Decimal(amount),
        currency=currency,
        **fields,
    )
    if age:
        DocdataOrder.objects.filter(pk=order.pk).update(created=timezone.now() - age)
    order.refresh_from_db()
    return order
