"""The runner behind the commands: bounded concurrency, isolation, progress callbacks.

These tasks touch no database, so the thread pool runs on any backend; the pool with
real orders, Docdata calls and commits is in test_reconcile_pool.py (PostgreSQL).
"""

from __future__ import annotations

import os
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
    summary = run_tasks(range(1, 21), probe, workers=workers)
    assert probe.most == workers
    assert len(probe.threads) == workers
    assert sorted(r.order_id for r in summary.updated) == list(range(1, 21))


def test_one_worker_runs_in_the_calling_thread():
    probe = Probe()
    run_tasks([1, 2, 3], probe, workers=1)
    assert probe.threads == {threading.get_ident()} and probe.most == 1


@pytest.mark.parametrize("workers", [1, 4])
def test_failures_and_unexpected_errors_stop_nothing(workers):
    probe = Probe(fail={3}, explode={5})
    seen: list[tuple[int, int, int]] = []

    summary = run_tasks(range(1, 9), probe, workers=workers,
                        on_result=lambda result, done, total: seen.append(
                            (result.order_id, done, total)))

    assert sorted(r.order_id for r in summary.updated) == [1, 2, 4, 6, 7, 8]
    failed = {r.order_id: r.reason for r in summary.failed}
    assert failed == {3: "no", 5: "RuntimeError: boom 5"}
    assert [done for _id, done, _total in seen] == list(range(1, 9))
    assert {total for *_rest, total in seen} == {8}


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        run_tasks([1], Probe(), workers=0)


def pid_task(order_id: int) -> OrderResult:
    """Runs in a child process: says which one in its label; #4 kills its process."""
    if order_id == 4:
        os._exit(3)
    time.sleep(0.01)
    return OrderResult(order_id, str(os.getpid()), Outcome.UPDATED)


def test_processes_share_the_orders_and_report_back_in_order_of_arrival():
    seen: list[int] = []
    summary = run_tasks([1, 2, 3, 5, 6, 7, 8, 9], pid_task, workers=4, processes=2,
                        on_result=lambda result, done, total: seen.append(done))

    assert sorted(r.order_id for r in summary.updated) == [1, 2, 3, 5, 6, 7, 8, 9]
    pids = {int(r.label) for r in summary.updated}
    assert len(pids) == 2 and os.getpid() not in pids
    assert seen == list(range(1, 9))


def test_a_dying_process_fails_only_its_own_unfinished_orders():
    summary = run_tasks(range(1, 9), pid_task, workers=2, processes=2)

    # Process 1 got 1, 3, 5, 7 and process 2 got 2, 4, 6, 8; #4 ended process 2
    # (one thread each: 2 was done before, 6 and 8 never ran).
    failed = {r.order_id: r.reason for r in summary.failed}
    assert failed == dict.fromkeys([4, 6, 8], "the worker process ended (exit code 3)")
    assert sorted(r.order_id for r in summary.updated) == [1, 2, 3, 5, 7]


def test_processes_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        run_tasks([1], Probe(), processes=0)
