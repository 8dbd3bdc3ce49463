"""Cancelled orders free their stock: Oscar's allocations of a cancelled order are cancelled.

The Oscar status that means "cancelled" is settings-driven: the status that
DOCDATA_ORDER_STATUS_MAPPING maps the Docdata statuses ``cancelled`` and ``expired`` to.
When the plugin moves an Oscar order *into* that status because Docdata reports one of
those statuses (``follow_docdata_status``, under the order's row lock), the allocations
of its lines are cancelled through Oscar's ``EventHandler.cancel_stock_allocations``
(loaded with ``get_class``, so a forked order app is honoured). The transition happens
once per order, so the stock is freed once; Oscar's own per-line bookkeeping
(``Line.num_allocated``, ``allocation_cancelled``) guards against freeing a line twice.
A paid-then-refunded order is not a cancellation: ``refunded`` is not one of those
Docdata statuses, so its stock is left as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from oscar.core.loading import get_class

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.models import DocdataOrder

logger = logging.getLogger("oscar_docdata")

#: Docdata statuses that cancel the order, and so free its stock.
CANCELLING_STATUSES = frozenset({DocdataOrder.STATUS_CANCELLED, DocdataOrder.STATUS_EXPIRED})


def cancelled_statuses() -> frozenset[str]:
    """The Oscar statuses the Docdata statuses ``cancelled`` and ``expired`` map to."""
    mapping = docdata_settings.DOCDATA_ORDER_STATUS_MAPPING or {}
    return frozenset(mapping[status] for status in CANCELLING_STATUSES if mapping.get(status))


def frees_stock(docdata_status: str, oscar_status: str) -> bool:
    """Whether moving an order to ``oscar_status`` for ``docdata_status`` cancels it."""
    return docdata_status in CANCELLING_STATUSES and oscar_status in cancelled_statuses()


def allocated_lines(order: Any) -> list[Any]:
    """The order's lines that still hold allocated stock."""
    return [
        line
        for line in order.lines.select_related("stockrecord").order_by("pk")
        if line.stockrecord_id is not None
        and line.can_track_allocations
        and not line.allocation_cancelled
        and (line.num_allocated or 0) > 0
    ]


def free_stock(order: Any) -> list[Any]:
    """Cancel the stock allocations of ``order``'s lines through Oscar's EventHandler.

    Only lines with allocated stock are passed (their allocated quantity); returns them.
    Call inside the transaction that holds the order's row lock and cancels it.
    """
    lines = allocated_lines(order)
    if not lines:
        # Oscar's handler treats "no lines" as "every line": never call it without any.
        return []
    handler = get_class("order.processing", "EventHandler")()
    handler.cancel_stock_allocations(order, lines, [line.num_allocated for line in lines])
    logger.info(
        "Order %s: stock allocations freed (%s)",
        order.number,
        ", ".join(f"line {line.pk}: {line.quantity}" for line in lines),
    )
    return lines
