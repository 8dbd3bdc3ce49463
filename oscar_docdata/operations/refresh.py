"""Refresh many Docdata orders at once: reconciliation and bulk updates.

Each order is refreshed by its own call (``Interface.update_order`` holds its own
transaction and row lock), so one failing order never stops or rolls back another.
With more than one worker the calls run in that many threads; each keeps one database
connection for the run and closes it when the work is done. With more than one process
the orders are shared out over forked processes, each with its share of the threads.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

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
#: its label (:func:`order_label`), its merchant and its status.
TASK_FIELDS: tuple[str, ...] = ("order_key", "order_number", "merchant_name", "status")


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
        from oscar_docdata.facade import get_facade

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


def run_tasks(
    order_ids: Iterable[int],
    task: OrderTask,
    *,
    workers: int = 1,
    processes: int = 1,
    on_result: Callable[[OrderResult, int, int], None] | None = None,
) -> RefreshSummary:
    """Run ``task`` for every order id, at most ``workers`` at the same time.

    With one worker the tasks run in the calling thread (and its connection). With
    more, in worker threads that each close their connection at the end. With
    ``processes`` > 1 the ids are shared out over that many forked processes, each
    running its part of the workers (see :func:`run_in_processes`).
    ``on_result(result, done, total)`` is called in the calling thread after each.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if processes < 1:
        raise ValueError("processes must be at least 1")
    ids = list(order_ids)
    summary = RefreshSummary()

    def record(result: OrderResult) -> None:
        summary.results.append(result)
        if on_result is not None:
            on_result(result, len(summary.results), len(ids))

    if processes > 1 and len(ids) > 1:
        run_in_processes(ids, task, workers=workers, processes=processes, record=record)
        return summary
    _run_threads(ids, task, workers=workers, record=record)
    return summary


def _run_threads(
    ids: list[int], task: OrderTask, *, workers: int, record: Callable[[OrderResult], None]
) -> None:
    if workers == 1:
        for order_id in ids:
            record(_guarded(task, order_id))
        return

    # Each worker thread takes ids from the queue until it is empty, keeping its own
    # database connection for the whole run (one connection per order would cost a
    # connection set-up per order), and closes it when it ends.
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for order_id in ids:
        todo.put(order_id)
    done: queue.SimpleQueue[OrderResult] = queue.SimpleQueue()
    threads = [
        threading.Thread(target=_worker, args=(task, todo, done), name=f"docdata-{number}",
                         daemon=True)
        for number in range(min(workers, len(ids)))
    ]
    for thread in threads:
        thread.start()
    received = 0
    while received < len(ids):
        try:
            record(done.get(timeout=1))
            received += 1
        except queue.Empty:
            if not any(thread.is_alive() for thread in threads) and done.empty():
                break  # every worker died (a BaseException in a task): nothing will come
    for thread in threads:
        thread.join()


def run_in_processes(
    ids: list[int], task: OrderTask, *, workers: int, processes: int,
    record: Callable[[OrderResult], None],
) -> None:
    """Share ``ids`` out over ``processes`` forked processes, ``workers`` threads in all.

    One Python process runs one thread at a time, so with many workers a run becomes
    bound by one core; processes use the others. Each child gets every n-th id and
    ``ceil(workers / processes)`` threads, opens its own database connections and sends
    its results back to this process, which records them as they come. An id whose
    child died before answering is recorded as failed. Needs the ``fork`` start method
    (Linux): the task, settings and database configuration are inherited, not pickled.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        raise ImproperlyConfigured("running in several processes needs os.fork (Linux)")
    context = multiprocessing.get_context("fork")
    shares = [share for share in (ids[n::processes] for n in range(processes)) if share]
    threads_each = -(-workers // len(shares))
    # Children must not share this process's database sockets: each opens its own.
    connections.close_all()
    children: dict[Any, tuple[Any, set[int]]] = {}
    for share in shares:
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(share, task, threads_each, writer),
                                name="docdata-reconcile", daemon=True)
        child.start()
        writer.close()  # the child's copy is the only one: its end is our end of file
        children[reader] = (child, set(share))
    while children:
        for reader in multiprocessing.connection.wait(list(children)):
            child, pending = children[reader]
            try:
                result = reader.recv()
            except EOFError:
                child.join()
                reason = f"the worker process ended (exit code {child.exitcode})"
                for order_id in sorted(pending):
                    record(unlabelled_failure(order_id, reason))
                reader.close()
                del children[reader]
                continue
            pending.discard(result.order_id)
            record(result)


def _child(share: list[int], task: OrderTask, workers: int, writer: Any) -> None:
    # Results go back one by one as they complete, so a child that dies loses only the
    # orders it had not finished. The inherited connections were closed before the fork.
    try:
        _run_threads(share, task, workers=workers, record=writer.send)
    finally:
        connections.close_all()
        writer.close()


def _guarded(task: OrderTask, order_id: int) -> OrderResult:
    # A task should not raise; if a custom one does, the run still goes on.
    try:
        return task(order_id)
    except Exception as error:
        logger.exception("Docdata order task for #%s failed", order_id)
        return unlabelled_failure(order_id, failure_reason(error))


def _worker(
    task: OrderTask, todo: queue.SimpleQueue[int], done: queue.SimpleQueue[OrderResult]
) -> None:
    try:
        while True:
            try:
                order_id = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put(_guarded(task, order_id))
            except BaseException as error:
                done.put(unlabelled_failure(order_id, failure_reason(error)))
                raise
    finally:
        # Connections are per thread: close this worker's, or it would stay open until
        # the process ends.
        connections.close_all()
