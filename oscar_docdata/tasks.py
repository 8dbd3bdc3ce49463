"""The plugin's background work as Django tasks (``django.tasks``; the ``django-tasks``
backport before Django 6).

Whichever backend the shop configures in ``TASKS`` runs them: without one, Django's
immediate backend runs each task in the process that enqueues it, as before; a database
worker (``django-tasks-db``), RQ or Celery run them elsewhere. ``DOCDATA_TASK_BACKEND``
and ``DOCDATA_TASK_QUEUE`` choose the backend alias and queue.

The tasks take only ids and plain values, and are idempotent: an update pulls the
order's current status and applies it under the order's row lock, so a task that runs
twice (a retry, two workers) records each change once. An update that fails raises
:class:`OrderNotUpdated`, so that the backend records the task as failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

try:
    from django.tasks import task
except ImportError:  # Django < 6: the backport
    from django_tasks import task  # type: ignore[no-redef]

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.configured_facade import get_facade
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations import pulls
from oscar_docdata.operations.expiry import expire_order as expire_one
from oscar_docdata.operations.expiry import expiry_candidates
from oscar_docdata.operations.refresh import (
    CHUNK_SIZE,
    OrderResult,
    Outcome,
    order_task,
    reconcile_candidates,
    stream_ids,
    update_task,
)

__all__ = [
    "OrderNotUpdated",
    "enqueue",
    "enqueue_each",
    "expire",
    "expire_order",
    "pull_notified_status",
    "reconcile",
    "update_order",
]

TRIGGERS = frozenset(value for value, _label in DocdataStatusChange.TRIGGER_CHOICES)


class OrderNotUpdated(Exception):
    """A task could not update its order (Docdata's error, missing credentials, …)."""


def enqueue(work: Any, *args: Any) -> Any:
    """Enqueue task ``work`` with ``args`` on DOCDATA_TASK_BACKEND and DOCDATA_TASK_QUEUE."""
    return work.using(
        backend=docdata_settings.DOCDATA_TASK_BACKEND,
        queue_name=docdata_settings.DOCDATA_TASK_QUEUE,
    ).enqueue(*args)


def enqueue_each(work: Any, order_ids: Iterable[int], *args: Any) -> int:
    """Enqueue ``work(order_id, *args)`` for every id; how many were enqueued."""
    configured = work.using(
        backend=docdata_settings.DOCDATA_TASK_BACKEND,
        queue_name=docdata_settings.DOCDATA_TASK_QUEUE,
    )
    count = 0
    for order_id in order_ids:
        configured.enqueue(order_id, *args)
        count += 1
    return count


def _outcome(result: OrderResult) -> dict[str, Any]:
    # An order deleted meanwhile has nothing left to do: not a failure worth a retry.
    if result.outcome == Outcome.FAILED and result.reason != "deleted":
        raise OrderNotUpdated(f"{result.label}: {result.reason}")
    return {"order_id": result.order_id, "outcome": result.outcome.value,
            "status": result.status, "reason": result.reason}


@task
def update_order(order_id: int, trigger: str = DocdataStatusChange.TRIGGER_COMMAND
                 ) -> dict[str, Any]:
    """Pull one order's status from Docdata and apply it (``update_docdata_order``)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    return _outcome(update_task(trigger)(order_id))


def _expire(order: DocdataOrder) -> bool:
    update = expire_one(order, trigger=DocdataStatusChange.TRIGGER_COMMAND)
    return update is not None and update.changed


@task
def expire_order(order_id: int) -> dict[str, Any]:
    """Expire one old ``new``/``in_progress`` order through the status engine."""
    return _outcome(order_task(_expire)(order_id))


@task
def reconcile(older_than_minutes: int = 30, merchant: str | None = None,
              chunk_size: int = CHUNK_SIZE) -> int:
    """Enqueue an update of every order ``reconcile_docdata_orders`` would refresh.

    The candidates' ids are read ``chunk_size`` at a time; returns how many were enqueued.
    """
    ids = stream_ids(reconcile_candidates(older_than_minutes, merchant), chunk_size=chunk_size)
    return enqueue_each(update_order, ids, DocdataStatusChange.TRIGGER_COMMAND)


@task
def expire(days: int | None = None, chunk_size: int = CHUNK_SIZE) -> int:
    """Enqueue the expiry of every order older than ``days`` (default DOCDATA_EXPIRE_DAYS)."""
    if days is None:
        days = int(docdata_settings.DOCDATA_EXPIRE_DAYS)
    return enqueue_each(expire_order, stream_ids(expiry_candidates(days), chunk_size=chunk_size))


@task
def pull_notified_status(order_id: int, arrived: str) -> dict[str, Any]:
    """The status pull of a notification that arrived at ``arrived`` (ISO 8601).

    Enqueued by the notification view when ``DOCDATA_NOTIFICATION_PULL = "task"``.
    Shares pulls with the other notifications and returns of the order as the view does
    (:mod:`oscar_docdata.operations.pulls`); raises :class:`OrderNotUpdated` when no pull
    that started after the notification arrived could be applied.
    """
    order = DocdataOrder.objects.filter(pk=order_id).first()
    if order is None:
        return {"order_id": order_id, "outcome": Outcome.FAILED.value, "reason": "deleted"}
    outcome = pulls.coalesced_pull(
        order,
        lambda: get_facade().update_order(order, trigger=DocdataStatusChange.TRIGGER_NOTIFICATION),
        arrived=datetime.fromisoformat(arrived),
    )
    if not outcome.fresh:
        raise OrderNotUpdated(
            f"{order.order_key}: no status pull could start in time (rate limit)"
        )
    return {"order_id": order_id, "outcome": "pulled" if outcome.pulled else "shared"}
