"""The Oscar order's status from the Docdata status, through DOCDATA_ORDER_STATUS_MAPPING.

A mapped status is set only when Oscar's pipeline (OSCAR_ORDER_STATUS_PIPELINE) allows
the transition from the order's current status; otherwise the order is left as it is
and a warning is logged. Nothing here raises into Docdata's notification.

Cancellations free the stock: when the order moves into the Oscar status that the
Docdata statuses ``cancelled``/``expired`` map to (see ``oscar_docdata.oscar_adapter.stock``),
for one of those Docdata statuses, its stock allocations are cancelled in the same
transaction, through Oscar's ``EventHandler.cancel_stock_allocations``. The transition
happens once, under the order's row lock, so the stock is freed once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.oscar_adapter.stock import free_stock, frees_stock

logger = logging.getLogger("oscar_docdata")


def mapped_status(docdata_status: str) -> str | None:
    """The Oscar status for a Docdata status, or None when the mapping has none."""
    return (docdata_settings.DOCDATA_ORDER_STATUS_MAPPING or {}).get(docdata_status)


def follow_docdata_status(order: Any, docdata_statuses: Iterable[str]) -> list[str]:
    """Move ``order`` through the mapped statuses of ``docdata_statuses``, in order.

    Returns the Oscar statuses that were set. Call inside a transaction holding the
    order's row lock. Moving into the cancelled status (the mapped status of Docdata's
    ``cancelled``/``expired``) for such a Docdata status also frees the order's stock
    allocations, once: a repeated report finds the order already in that status.
    """
    applied = []
    for docdata_status in docdata_statuses:
        target = mapped_status(docdata_status)
        if not target or target == order.status:
            continue
        if target not in order.available_statuses():
            logger.warning(
                "Order %s: Docdata status %s maps to %r, but Oscar's pipeline does not "
                "allow %r → %r; the order status is left unchanged",
                order.number, docdata_status, target, order.status, target,
            )
            continue
        old = order.status
        order.set_status(target)
        applied.append(target)
        logger.info(
            "Order %s: status %r → %r (Docdata status %s)",
            order.number, old, target, docdata_status,
        )
        if frees_stock(docdata_status, target):
            free_stock(order)
    return applied
