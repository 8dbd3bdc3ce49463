"""Refresh many Docdata orders at once: reconciliation and bulk updates.

Each order is refreshed by its own call (``Interface.update_order`` holds its own
transaction and row lock), so one failing order never stops or rolls back another.
The candidates are read in chunks of ids, so a run's memory does not grow with the
number of orders. With more than one worker the calls run in a thread pool; each
thread keeps one database connection for the run and closes it when the work is done.
To spread the work over processes or machines, enqueue it as tasks instead
(:mod:`oscar_docdata.tasks`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from oscar_docdata import status
from oscar_docdata.configured_facade import get_facade
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
FINAL_STATUSES = status.FINAL


def reconcile_candidates(
    older_than_minutes: int = 30, merchant: str | None = None
) -> QuerySet[DocdataOrder]:
    """Orders not in a final state, created more than ``older_than_minutes`` ago."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    orders = DocdataOrder.objects.exclude(status__in=FINAL_STATUSES).filter(created__lt=cutoff)
    if merchant:
        orders = orders.filter(merchant_name=merchant)
    return orders


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


#: How many failures a summary lists with their reasons; the others are counted.
FAILURES_KEPT = 1000


@dataclass
class RefreshSummary:
    """The counts of a run and its failures, with their reasons.

    Updated and unchanged orders are only counted, so that a run over many orders keeps
    its memory; pass ``on_result`` to :func:`run_tasks` to see each result.
    """

    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    #: The first :data:`FAILURES_KEPT` failures (when Docdata is down, every order fails).
    failed: list[OrderResult] = field(default_factory=list)

    def record(self, result: OrderResult) -> None:
        self.counts[result.outcome] += 1
        if result.outcome == Outcome.FAILED and len(self.failed) < FAILURES_KEPT:
            self.failed.append(result)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


#: Refreshes one order by primary key; returns its result and never raises.
OrderTask = Callable[[int], OrderResult]


def order_label(order: DocdataOrder) -> str:
    """How an order is named in output: ``<order key> (order <number>, <merchant>)``."""
    return f"{order.order_key} (order {order.order_number}, {order.merchant_name})"


def unlabelled_failure(order_id: int, reason: str) -> OrderResult:
    """A failure of an order known only by its id (deleted, or its task never reported)."""
    return OrderResult(order_id, f"#{order_id}", Outcome.FAILED, reason=reason)


def failure_reason(error: BaseException) -> str:
    """A one-line reason for ``error``, for people.

    Docdata's and configuration errors carry their own clear message; anything else
    is unexpected, so its type is named too.
    """
    if isinstance(error, DocdataError | ImproperlyConfigured):
        return str(error) or type(error).__name__
    return f"{type(error).__name__}: {error}"


#: The fields a task reads before the order's own update locks and reads it whole:
#: its label (:func:`order_label`), its merchant and subject merchant (the client's
#: credentials) and its status.
TASK_FIELDS: tuple[str, ...] = (
    "order_key", "order_number", "merchant_name", "subject_merchant_name", "status",
)


def update_task(
    trigger: str,
    *,
    update: Callable[..., Any] | None = None,
    preloaded: Mapping[int, DocdataOrder] | None = None,
) -> OrderTask:
    """A task that pulls one order's status from Docdata with ``trigger`` in the history.

    ``update(order, trigger=...)`` defaults to ``get_facade().update_order`` (a fresh
    facade per order: the calls may run in different threads) and must return an
    object with a ``changed`` flag, as ``Interface.update_order`` does. ``preloaded``:
    see :func:`order_task`.
    """

    def refresh(order: DocdataOrder) -> bool:
        if update is not None:
            return update(order, trigger=trigger).changed
        return get_facade().update_order(order, trigger=trigger).changed

    return order_task(refresh, preloaded=preloaded)


def order_task(
    action: Callable[[DocdataOrder], bool],
    *,
    preloaded: Mapping[int, DocdataOrder] | None = None,
) -> OrderTask:
    """Wrap ``action(order) -> changed`` into an :data:`OrderTask`.

    The task reads the order by its id, unless ``preloaded`` (ids to orders read in
    bulk beforehand, with at least :data:`TASK_FIELDS`; see :func:`preload`) has it:
    the action locks and reads the order again anyway, so reading each one first as
    well would cost a query per order.
    """

    def task(order_id: int) -> OrderResult:
        order = preloaded.get(order_id) if preloaded is not None else None
        if order is None:
            order = DocdataOrder.objects.filter(pk=order_id).first()
        if order is None:
            return unlabelled_failure(order_id, "deleted")
        label = order_label(order)
        try:
            changed = action(order)
        except DocdataOrder.DoesNotExist:  # deleted after it was read
            return OrderResult(order_id, label, Outcome.FAILED, order.status, "deleted")
        except Exception as error:
            if not isinstance(error, DocdataError | ImproperlyConfigured):
                logger.exception("Refreshing Docdata order %s failed", order.order_key)
            return OrderResult(
                order_id, label, Outcome.FAILED, order.status, failure_reason(error)
            )
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        return OrderResult(order_id, label, outcome, order.status)

    return task


def preload(orders: QuerySet[DocdataOrder]) -> dict[int, DocdataOrder]:
    """``orders`` by id, in their order, with only :data:`TASK_FIELDS` read."""
    return {order.pk: order for order in orders.only(*TASK_FIELDS)}


#: Orders read per query when a run streams its candidates.
CHUNK_SIZE = 1000


def stream_chunks(
    orders: QuerySet[DocdataOrder], *, chunk_size: int = CHUNK_SIZE, fields: Iterable[str] = ()
) -> Iterator[dict[int, DocdataOrder]]:
    """``orders`` by ascending id in chunks of at most ``chunk_size``, read as :func:`preload`
    reads them (plus ``fields``).

    Keyset pagination (``pk > last``) rather than one cursor: each chunk is a short query
    of its own, so no server-side cursor or transaction stays open while Docdata is asked,
    and an order that leaves the filter meanwhile (updated to a final status) is simply
    not read again. Memory holds one chunk, whatever the number of orders.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    ordered = orders.order_by("pk").only(*TASK_FIELDS, *fields)
    last = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        chunk = {order.pk: order for order in page[:chunk_size]}
        if not chunk:
            return
        yield chunk
        if len(chunk) < chunk_size:
            return
        last = next(reversed(chunk))


def stream_ids(orders: QuerySet[DocdataOrder], *, chunk_size: int = CHUNK_SIZE) -> Iterator[int]:
    """The ids of ``orders``, ascending, read ``chunk_size`` at a time (see stream_chunks)."""
    ids = orders.order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        page = list((ids if last is None else ids.filter(pk__gt=last))[:chunk_size])
        yield from page
        if len(page) < chunk_size:
            return
        last = page[-1]


def run_streamed(
    orders: QuerySet[DocdataOrder],
    action: Callable[[DocdataOrder], bool] | None = None,
    *,
    trigger: str = "",
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
    on_result: Callable[[OrderResult, int], None] | None = None,
) -> RefreshSummary:
    """Run ``action`` (default: an update with ``trigger``) for every order, chunk by chunk.

    Each chunk is read with :data:`TASK_FIELDS` only and dropped once its orders are done,
    so memory does not grow with the number of orders.
    """
    # One pool for the whole run; each order read with its chunk is handed to its task
    # once and then dropped, so at most one chunk and the orders in flight are held.
    preloaded = _TakeOnce()

    def ids() -> Iterator[int]:
        for chunk in stream_chunks(orders, chunk_size=chunk_size):
            preloaded.update(chunk)
            yield from chunk

    task = (order_task(action, preloaded=preloaded) if action is not None
            else update_task(trigger, preloaded=preloaded))
    return run_tasks(ids(), task, workers=workers, on_result=on_result)


class _TakeOnce(dict):
    """Preloaded orders each handed out once (``get`` removes it)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return self.pop(key, default)


def run_tasks(
    order_ids: Iterable[int],
    task: OrderTask,
    *,
    workers: int = 1,
    on_result: Callable[[OrderResult, int], None] | None = None,
    summary: RefreshSummary | None = None,
) -> RefreshSummary:
    """Run ``task`` for every order id, at most ``workers`` at the same time.

    With one worker the tasks run in the calling thread (and its connection); with more,
    in a ``ThreadPoolExecutor`` whose threads each keep one database connection for the
    run and close it at the end. ``order_ids`` is consumed lazily: at most twice
    ``workers`` ids wait at a time. ``on_result(result, done)`` is called in the calling
    thread after each; results are added to ``summary`` (a new one by default).
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    summary = summary if summary is not None else RefreshSummary()

    def record(result: OrderResult) -> None:
        summary.record(result)
        if on_result is not None:
            on_result(result, summary.total)

    if workers == 1:
        for order_id in order_ids:
            record(_guarded(task, order_id))
        return summary

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docdata") as executor:
        try:
            running: dict[Future[OrderResult], int] = {}
            for order_id in order_ids:
                if len(running) >= 2 * workers:
                    _collect(running, record)
                running[executor.submit(_guarded, task, order_id)] = order_id
            while running:
                _collect(running, record)
        finally:
            _close_thread_connections(executor, workers)
    return summary


def _collect(running: dict[Future[OrderResult], int],
             record: Callable[[OrderResult], None]) -> None:
    done, _pending = wait(running, return_when=FIRST_COMPLETED)
    for future in done:
        order_id = running.pop(future)
        try:
            record(future.result())
        except Exception as error:  # a BaseException other than these ends the run
            record(unlabelled_failure(order_id, failure_reason(error)))


def _close_thread_connections(executor: ThreadPoolExecutor, workers: int) -> None:
    # Django's connections are per thread and may only be closed by their own thread.
    # One job per possible thread, each waiting at a barrier until all run: so each runs
    # on a thread of its own (the executor starts missing threads for waiting jobs) and
    # every thread that opened a connection closes it.
    barrier = threading.Barrier(workers)

    def close() -> None:
        connections.close_all()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)

    for _ in range(workers):
        executor.submit(close)


def _guarded(task: OrderTask, order_id: int) -> OrderResult:
    # A task should not raise; if a custom one does, the run still goes on.
    try:
        return task(order_id)
    except Exception as error:
        logger.exception("Docdata order task for #%s failed", order_id)
        return unlabelled_failure(order_id, failure_reason(error))
