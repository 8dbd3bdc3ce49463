"""Expire old ``new`` and ``in_progress`` Docdata orders through the status engine.

Docdata's report cannot tell an abandoned order from a new one, so the shop expires
them by age. Each order is still asked for its status first and the report applied
with the intended status ``expired`` (status rules 4, 5 and 7): an order on which
money was authorized or received takes that status instead, and nothing is expired
when Docdata cannot be asked. The change goes through the updater, so the history
is written, the facade's hook moves the Oscar order and the signals fire on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from oscar_docdata.configured_facade import get_facade
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.status_pulls import EXPIRABLE_STATUSES
from oscar_docdata.updater import StatusUpdate

__all__ = ["EXPIRABLE_STATUSES", "expire_order", "expiry_candidates"]


def expiry_candidates(days: int, *, now: datetime | None = None) -> QuerySet[DocdataOrder]:
    """``new`` and ``in_progress`` orders created more than ``days`` days ago, oldest first."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return DocdataOrder.objects.filter(
        status__in=EXPIRABLE_STATUSES, created__lt=cutoff
    ).order_by("created", "pk")


def expire_order(
    order: DocdataOrder,
    *,
    facade: Any = None,
    trigger: str = DocdataStatusChange.TRIGGER_COMMAND,
    user: Any = None,
) -> StatusUpdate | None:
    """Expire ``order`` through the facade's ``expire_order`` (see there).

    Docdata's errors and missing credentials propagate with nothing written.
    """
    if facade is None:
        facade = get_facade()
    return facade.expire_order(order, trigger=trigger, user=user)
