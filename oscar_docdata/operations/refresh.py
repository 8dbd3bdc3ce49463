"""Refresh many Docdata orders at once: reconciliation and bulk updates.

Each order is refreshed by its own call (``Interface.update_order`` holds its own
transaction and row lock), so one failing order never stops or rolls back another.
With more than one worker the calls run in a thread pool; every task closes its
thread's database connections when it ends, so no connection outlives the pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from oscar_docdata.exceptions import DocdataError
from oscar_docdata.models import DocdataOrder

logger = logging.getLogger("oscar_docdata")

#: Statuses reconciliation leaves alone.
#:
#: ``new``, ``in_progress``, ``pending`` and ``unknown`` wait for Docdata, so they are
#: refreshed. ``paid`` and ``paid_refunded`` count as final although refunds and
#: chargebacks can follow: refunds made through the plugin (dashboard, API) update the
#: order at once, and Docdata's notification reports chargebacks; refreshing every paid
#: order on each run would cost one status call per order ever sold. ``cancelled`` and
#: ``expired`` are final too (a late payment on them arrives by notification), and so
#: are ``refunded`` and ``charged_back``. Use ``update_docdata_order --all --status S``
#: to refresh orders in any of these states deliberately.
FINAL_STATUSES: frozenset[str] = frozenset(
    {
        DocdataOrder.STATUS_PAID,
        DocdataOrder.STATUS_PAID_REFUNDED,
        DocdataOrder.STATUS_REFUNDED,
        DocdataOrder.STATUS_CHARGED_BACK,
        DocdataOrder.STATUS_CANCELLED,
        DocdataOrder.STATUS_EXPIRED,
    }
)


class Outcome(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class OrderResult:
    """What refreshing one order did."""

    order_id: int
    label: str
    outcome: Outcome
    status: str = ""
    reason: str = ""


@dataclass
class RefreshSummary:
    """The results of a run, in the order they completed."""

    results: list[OrderResult] = field(default_factory=list)

    def with_outcome(self, outcome: Outcome) -> list[OrderResult]:
        return [result for result in self.results if result.outcome == outcome]

    @property
    def updated(self) -> list[OrderResult]:
        return self.with_outcome(Outcome.UPDATED)

    @property
    def unchanged(self) -> list[OrderResult]:
        return self.with_outcome(Outcome.UNCHANGED)

    @property
    def failed(self) -> list[OrderResult]:
        return self.with_outcome(Outcome.FAILED)


#: Refreshes one order by primary key; returns its result and never raises.
OrderTask = Callable[[int], OrderResult]


def order_label(order: DocdataOrder) -> str:
    """How an order is named in output: ``<order key> (order <number>, <merchant>)``."""
    return f"{order.order_key} (order {order.order_number}, {order.merchant_name})"


def failure_reason(error: BaseException) -> str:
    """A one-line reason for ``error``, for people.

    Docdata's and configuration errors carry their own clear message; anything else
    is unexpected, so its type is named too.
    """
    if isinstance(error, DocdataError | ImproperlyConfigured):
        return str(error) or type(error).__name__
    return f"{type(error).__name__}: {error}"


def update_task(trigger: str, *, update: Callable[..., Any] | None = None) -> OrderTask:
    """A task that pulls one order's status from Docdata with ``trigger`` in the history.

    ``update(order, trigger=...)`` defaults to ``get_facade().update_order`` (a fresh
    facade per order: the calls may run in different threads) and must return an
    object with a ``changed`` flag, as ``Interface.update_order`` does.
    """

    def refresh(order: DocdataOrder) -> bool:
        if update is not None:
            return update(order, trigger=trigger).changed
        from oscar_docdata.facade import get_facade

        return get_facade().update_order(order, trigger=trigger).changed

    return order_task(refresh)


def order_task(action: Callable[[DocdataOrder], bool]) -> OrderTask:
    """Wrap ``action(order) -> changed`` into an :data:`OrderTask`."""

    def task(order_id: int) -> OrderResult:
        order = DocdataOrder.objects.filter(pk=order_id).first()
        if order is None:
            return OrderResult(order_id, f"#{order_id}", Outcome.FAILED, reason="deleted")
        label = order_label(order)
        try:
            changed = action(order)
        except Exception as error:
            if not isinstance(error, DocdataError | ImproperlyConfigured):
                logger.exception("Refreshing Docdata order %s failed", order.order_key)
            return OrderResult(
                order_id, label, Outcome.FAILED, order.status, failure_reason(error)
            )
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        return OrderResult(order_id, label, outcome, order.status)

    return task


def run_tasks(
    order_ids: Iterable[int],
    task: OrderTask,
    *,
    workers: int = 1,
    on_result: Callable[[OrderResult, int, int], None] | None = None,
) -> RefreshSummary:
    """Run ``task`` for every order id, at most ``workers`` at the same time.

    With one worker the tasks run in the calling thread (and its connection). With
    more, in a thread pool whose tasks each close their thread's connections.
    ``on_result(result, done, total)`` is called in the calling thread after each.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    ids = list(order_ids)
    summary = RefreshSummary()

    def record(result: OrderResult) -> None:
        summary.results.append(result)
        if on_result is not None:
            on_result(result, len(summary.results), len(ids))

    if workers == 1:
        for order_id in ids:
            record(_guarded(task, order_id))
        return summary

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docdata") as pool:
        futures = [pool.submit(_in_worker, task, order_id) for order_id in ids]
        for future in as_completed(futures):
            record(future.result())
    return summary


def _guarded(task: OrderTask, order_id: int) -> OrderResult:
    # A task should not raise; if a custom one does, the run still goes on.
    try:
        return task(order_id)
    except Exception as error:
        logger.exception("Docdata order task for #%s failed", order_id)
        return OrderResult(order_id, f"#{order_id}", Outcome.FAILED, reason=failure_reason(error))


def _in_worker(task: OrderTask, order_id: int) -> OrderResult:
    try:
        return _guarded(task, order_id)
    finally:
        # Connections are per thread: close this worker's, or each pool thread would
        # keep one open until the process ends.
        connections.close_all()
