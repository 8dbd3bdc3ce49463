"""The reads every SOAP call on an order makes.

A status call is the simulator's hottest path (reconciliation polls it for every open
order): its order (locked, without a join) and the order's attempts with their captures,
refunds and chargebacks (prefetched) take a fixed number of queries, whatever the number
of lines.
"""

from __future__ import annotations

from django.db import connections, router

from .models import Merchant, PaymentAttempt, SimulatedOrder


def locked_of(merchant: Merchant, order_key: str) -> SimulatedOrder | None:
    """``merchant``'s order ``order_key``, its row locked; None when it has no such order.

    No join: the caller's merchant is known from authentication, and only the order's row
    is locked.
    """
    order = SimulatedOrder.objects.select_for_update().filter(order_key=order_key).first()
    if order is None or order.merchant_id != merchant.pk:
        return None
    order.merchant = merchant
    return order


def attempts_of(order: SimulatedOrder) -> list[PaymentAttempt]:
    """The order's attempts by id, their captures, refunds and chargebacks prefetched."""
    attempts = list(order.attempts.order_by("id")
                    .prefetch_related("captures", "refunds", "chargebacks"))
    for attempt in attempts:
        attempt.order = order  # the report reads it; no query per attempt
    return attempts


def locked(order_key: str) -> SimulatedOrder:
    """The order, its row (not its merchant's) locked until the end of the transaction."""
    database = connections[router.db_for_write(SimulatedOrder)]
    # A plain FOR UPDATE would lock the joined merchant row too, and so serialise every
    # operation of the merchant; OF needs support (not MariaDB; SQLite locks the file).
    of = ("self",) if database.features.has_select_for_update_of else ()
    return (SimulatedOrder.objects.select_for_update(of=of).select_related("merchant")
            .get(order_key=order_key))
