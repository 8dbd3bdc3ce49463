"""Status pulls: Docdata's report fetched without a lock, applied under the row lock.

An update, a cancel and an expiry each end in one; a cancel or an expiry pulls with
its intended status. The status call runs outside any transaction; the order's row
lock is held only while its report is applied. A report of a call that started before the one whose
report was applied last is stale and not applied: the order's
``status_report_pulled`` is when the applied call started.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.utils import timezone

from oscar_docdata.gateway.results import CancelResult
from oscar_docdata.models import DocdataOrder
from oscar_docdata.status import UNPAID_OPEN
from oscar_docdata.updater import StatusUpdate, apply_report, copy_state

if TYPE_CHECKING:  # the gateway loads zeep: imported on the first Docdata call only
    from oscar_docdata.gateway.client import DocdataClient

logger = logging.getLogger("oscar_docdata")

#: How often a pull with an intended status (cancel, expire) pulls again when a newer
#: report overtook its own.
STALE_ATTEMPTS = 3

#: The statuses an order may be expired from by age.
EXPIRABLE_STATUSES = UNPAID_OPEN


class Pulling(Protocol):
    """What a pull needs of the Interface (so a shop's overrides take part)."""

    def client_for_order(self, order: DocdataOrder) -> DocdataClient: ...

    def order_status_changed(self, docdata_order: DocdataOrder, old_status: str,
                             new_status: str) -> None: ...


@contextmanager
def locked(shop: Pulling, order: DocdataOrder) -> Iterator[DocdataOrder]:
    """A transaction holding ``order``'s row lock; yields the locked, fresh row.

    Every report and every capture or refund of an order is applied or recorded under it.

    The merchant's credentials are checked first so that a misconfigured order
    fails before anything is sent or written.
    """
    shop.client_for_order(order)
    with transaction.atomic():
        yield DocdataOrder.objects.select_for_update().get(pk=order.pk)


def pull_and_apply(
    shop: Pulling, order: DocdataOrder, *, intended_status: str | None = None,
    only_from: Collection[str] | None = None, **kwargs: Any,
) -> StatusUpdate | None:
    """Pull the status without any lock, then apply it under the order's row lock.

    With an intended status a stale report is pulled again (a few times): the newer
    report that made it stale was applied without the intention. ``only_from``: the
    statuses the locked order must still have, else nothing is applied (None).
    ``kwargs`` go to ``apply_report``; ``order`` gets the locked row's state.
    """
    client = shop.client_for_order(order)
    attempts = STALE_ATTEMPTS if intended_status else 1
    update: StatusUpdate | None = None
    for attempt in range(1, attempts + 1):
        started = timezone.now()
        report = client.status(order.order_key)
        with locked(shop, order) as row:
            if only_from is not None and row.status not in only_from:
                update = None
                break
            if not is_newest(row, started):
                update = StatusUpdate(order=row, old_status=row.status, new_status=row.status)
                if attempt < attempts:
                    continue
                break
            # The pull's start dates the report (e.g. for settling unknown captures).
            update = apply_report(row, report, status_hook=shop.order_status_changed,
                                  intended_status=intended_status, now=started, **kwargs)
            # A queryset UPDATE: ``updated`` stays as it is, a pull is not a change.
            DocdataOrder.objects.filter(pk=row.pk).update(status_report_pulled=started)
            row.status_report_pulled = started
            break
    copy_state(row, order)
    return update


def update(shop: Pulling, order: DocdataOrder, **kwargs: Any) -> StatusUpdate:
    """Pull and apply ``order``'s status (``Interface.update_order``)."""
    update = pull_and_apply(shop, order, **kwargs)
    assert update is not None  # only a pull with ``only_from`` may apply nothing
    return update


def cancel(shop: Pulling, order: DocdataOrder, **kwargs: Any) -> CancelResult:
    """Cancel ``order`` at Docdata, then pull with intended ``cancelled``; return the
    cancel's answer (``Interface.cancel_order``). ``kwargs`` go to ``apply_report``."""
    client = shop.client_for_order(order)
    result = client.cancel(order.order_key)
    logger.info("Docdata order %s: cancel answered %s", order.order_key, result.result)
    pull_and_apply(shop, order, intended_status=DocdataOrder.STATUS_CANCELLED, **kwargs)
    return result


def expire(shop: Pulling, order: DocdataOrder, **kwargs: Any) -> StatusUpdate | None:
    """Pull ``order``'s status with intended ``expired`` (``Interface.expire_order``).

    None, and no status call, when the stored order is not expirable; None too when it
    is no longer by the time the report would be applied.
    """
    shop.client_for_order(order)  # a misconfigured order fails first
    current = DocdataOrder.objects.get(pk=order.pk)
    if current.status not in EXPIRABLE_STATUSES:
        # Nothing to expire, so no status call (the caller's copy may be old).
        copy_state(current, order)
        return None
    return pull_and_apply(
        shop, order, intended_status=DocdataOrder.STATUS_EXPIRED,
        only_from=EXPIRABLE_STATUSES, **kwargs,
    )


def is_newest(locked: DocdataOrder, started: datetime) -> bool:
    """Whether a report of a call started at ``started`` may be applied to ``locked``."""
    applied = locked.status_report_pulled
    if applied is None or started >= applied:
        return True
    logger.info(
        "Docdata order %s: report of a status call started %s not applied: one of a "
        "call started %s was applied already", locked.order_key, started.isoformat(),
        applied.isoformat(),
    )
    return False
