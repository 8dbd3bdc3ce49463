"""Record what a person did to a Docdata order in its status history."""

from __future__ import annotations

from typing import Any

from oscar_docdata.models import DocdataOrder, DocdataStatusChange


def record_action(
    order: DocdataOrder,
    *,
    old_status: str,
    trigger: str,
    user: Any = None,
    note: str = "",
) -> DocdataStatusChange | None:
    """Add a history entry for an action that left the status at ``old_status``.

    A status change is recorded by the updater itself (with the same trigger, user and
    note); an action that changed no status (a refresh that found nothing new, a
    second partial refund, a cancel Docdata refused) is recorded here, with equal old
    and new status, so every action of a person can be traced. Returns the entry,
    or None when the updater already recorded one.
    """
    if order.status != old_status:
        return None
    return DocdataStatusChange.objects.create(
        docdata_order=order,
        old_status=old_status,
        new_status=order.status,
        trigger=trigger,
        user=user if getattr(user, "is_authenticated", False) else None,
        note=note,
    )
