"""The runner behind the commands: bounded concurrency, isolation, progress callbacks.

These tasks touch no database, so the thread pool runs on any backend; the pool with
real orders, Docdata calls and commits is in test_reconcile_pool.py (PostgreSQL), the
work spread over processes as tasks in test_tasks.py.
"""

from __future__ import annotations

import threading
import time

import pytest

from oscar_docdata.operations.refresh import OrderResult, Outcome, run_tasks


class Probe:
    """A task that records how many run at once and in which threads."""

    def __init__(self, fail: set[int] = frozenset(), explode: set[int] = frozenset()):
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.threads: set[int] = set()
        self.fail, self.explode = fail, explode

    def __call__(self, order_id: int) -> OrderResult:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.get_ident())
        try:
            time.sleep(0.02)
            if order_id in self.explode:
                raise RuntimeError(f"boom {order_id}")
            outcome = Outcome.FAILED if order_id in self.fail else Outcome.UPDATED
            return OrderResult(order_id, f"#{order_id}", outcome, reason="no" * (
                outcome == Outcome.FAILED))
        finally:
            with self.lock:
                self.running -= 1


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_at_most_workers_tasks_run_at_once(workers):
    probe = Probe()
    seen: list[int] = []
    summary = run_tasks(range(1, 21), probe, workers=workers,
                        on_result=lambda result, done: seen.append(result.order_id))
    assert probe.most == workers
    assert len(probe.threads) == workers
    assert sorted(seen) == list(range(1, 21))
    assert summary.counts[Outcome.UPDATED] == 20


def test_one_worker_runs_in_the_calling_thread():
    probe = Probe()
    run_tasks([1, 2, 3], probe, workers=1)
    assert probe.threads == {threading.get_ident()} and probe.most == 1


@pytest.mark.parametrize("workers", [1, 4])
def test_failures_and_unexpected_errors_stop_nothing(workers):
    probe = Probe(fail={3}, explode={5})
    seen: list[tuple[OrderResult, int]] = []

    summary = run_tasks(range(1, 9), probe, workers=workers,
                        on_result=lambda result, done: seen.append((result, done)))

    assert sorted(r.order_id for r, _done in seen if r.outcome == Outcome.UPDATED) == [
        1, 2, 4, 6, 7, 8]
    failed = {r.order_id: r.reason for r in summary.failed}
    assert failed == {3: "no", 5: "RuntimeError: boom 5"}
    assert [done for _result, done in seen] == list(range(1, 9))
    assert (summary.counts[Outcome.UPDATED], summary.total) == (6, 8)


def test_the_ids_are_read_as_the_run_goes():
    """A generator of ids is consumed a few ahead of the workers, not read whole first."""
    probe = Probe()
    produced: list[int] = []
    ahead: list[int] = []

    def ids():
        for order_id in range(1, 41):
            produced.append(order_id)
            yield order_id

    run_tasks(ids(), probe, workers=2,
              on_result=lambda result, done: ahead.append(len(produced) - done))
    assert max(ahead) <= 2 * 2 + 1


def test_every_worker_thread_closes_its_connection():
    from django.db import connections

    closed: list[int] = []
    original = connections.close_all

    def close_all():
        closed.append(threading.get_ident())
        original()

    connections.close_all = close_all
    try:
        run_tasks(range(1, 13), Probe(), workers=3)
    finally:
        del connections.close_all
    assert len(set(closed)) == 3 and threading.get_ident() not in closed


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        run_tasks([1], Probe(), workers=0)


def test_a_summary_lists_the_first_failures_and_counts_the_others(monkeypatch):
    import io

    from django.core.management import CommandError
    from django.core.management.base import BaseCommand

    from oscar_docdata.management.output import write_summary
    from oscar_docdata.operations import refresh

    monkeypatch.setattr(refresh, "FAILURES_KEPT", 3)
    summary = run_tasks(range(1, 9), Probe(fail=set(range(1, 9))))
    assert len(summary.failed) == 3 and summary.counts[Outcome.FAILED] == 8

    command = BaseCommand(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="8 of 8 orders failed"):
        write_summary(command, summary)
    assert "failed: 8" in command.stdout._out.getvalue()
    assert command.stderr._out.getvalue().splitlines() == [
        "failed: #1: no", "failed: #2: no", "failed: #3: no", "… and 5 more failed orders"]
