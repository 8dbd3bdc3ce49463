"""The plugin's work as Django tasks: in-process (the immediate backend, any database)
and on real ``django-tasks-db`` worker processes (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_docdata import tasks
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.testing.simulator import in_process_simulator
from tests.operations.conftest import create_docdata_order, run_command
from tests.operations.test_update_and_reconcile import backdate
from tests.proving.support import NEEDS_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
NOTIFY_URL = "/api/docdata/update_order/"


def changes_per_order(orders: list[DocdataOrder]) -> Counter:
    rows = (DocdataStatusChange.objects.filter(docdata_order__in=orders)
            .values_list("docdata_order_id").annotate(count=Count("pk")))
    return Counter(dict(rows))


# --- the immediate backend: the tasks run where they are enqueued ------------------------

@pytest.fixture
def settled(quiet_simulator, create_simulated_order):
    """Three old orders the shop thinks are new: paid, authorized and paid at Docdata."""
    orders = [create_simulated_order(amount) for amount in ("25.00", "10.00", "5.00")]
    for order, outcome in zip(orders, ("paid", "authorized", "paid"), strict=True):
        quiet_simulator.settle(order.order_key, outcome)
    backdate(*orders)
    return orders


def test_reconcile_enqueue_runs_each_update_in_process_by_default(settled):
    run = run_command("reconcile_docdata_orders", "--enqueue")

    assert run.exit_status == 0, run.err
    assert "Enqueued the update of 3 Docdata orders" in run.out
    for order in settled:
        order.refresh_from_db()
    assert [o.status for o in settled] == ["paid", "pending", "paid"]
    assert changes_per_order(settled) == Counter({o.pk: 1 for o in settled})
    assert set(DocdataStatusChange.objects.values_list("trigger", flat=True)) == {"command"}


def test_the_reconcile_task_fans_out_one_update_per_order_and_twice_is_harmless(settled):
    assert tasks.reconcile.enqueue(older_than_minutes=30, chunk_size=2).return_value == 3
    # Run again: the orders still not final are asked again; nothing changes twice.
    assert tasks.reconcile.enqueue(older_than_minutes=30).return_value == 1
    for order in settled:
        order.refresh_from_db()
    assert [o.status for o in settled] == ["paid", "pending", "paid"]
    assert changes_per_order(settled) == Counter({o.pk: 1 for o in settled})


def test_a_failed_update_fails_its_task(make_order, docdata_simulator):
    unknown = make_order(age_days=1)  # the simulator does not know its key

    result = tasks.update_order.enqueue(unknown.pk)

    assert result.status == "FAILED"
    assert result.errors[0].exception_class is tasks.OrderNotUpdated
    assert "REQUEST_DATA_INCORRECT" in result.errors[0].traceback
    deleted = tasks.update_order.enqueue(10**9)
    assert deleted.return_value == {"order_id": 10**9, "outcome": "failed", "status": "",
                                    "reason": "deleted"}


def test_update_all_and_expire_enqueue_too(quiet_simulator, create_simulated_order):
    order = create_simulated_order("25.00")
    quiet_simulator.settle(order.order_key, "paid")
    abandoned = create_simulated_order("10.00")
    backdate(abandoned, minutes=60 * 24 * 30)

    run = run_command("expire_docdata_orders", "--enqueue")
    assert "Enqueued the expiry of 1 Docdata orders" in run.out
    abandoned.refresh_from_db()
    assert abandoned.status == "expired"

    run = run_command("update_docdata_order", "--all", "--status", "new", "--enqueue")
    assert "Enqueued the update of 1 Docdata orders" in run.out
    order.refresh_from_db()
    assert order.status == "paid"
    assert abandoned.status_changes.get().trigger == "command"


def test_the_notification_can_enqueue_its_pull(quiet_simulator, create_simulated_order,
                                               client, settings):
    settings.DOCDATA_NOTIFICATION_PULL = "task"
    order = create_simulated_order("25.00")
    quiet_simulator.settle(order.order_key, "paid")

    response = client.get(NOTIFY_URL, {"order_id": order.merchant_order_id})

    assert (response.status_code, response.content) == (200, b"ok")
    order.refresh_from_db()  # the immediate backend pulled before the answer
    assert order.status == "paid"
    assert order.status_changes.get().trigger == "notification"


def test_a_notification_whose_pull_cannot_be_enqueued_is_retried(
        quiet_simulator, create_simulated_order, client, settings):
    settings.DOCDATA_NOTIFICATION_PULL = "task"
    settings.DOCDATA_TASK_BACKEND = "missing"
    order = create_simulated_order("25.00")

    response = client.get(NOTIFY_URL, {"order_id": order.merchant_order_id})

    assert response.status_code == 503


def test_an_unknown_notification_pull_setting_is_a_check_error(settings):
    from oscar_docdata.checks import check_settings

    settings.DOCDATA_NOTIFICATION_PULL = "later"
    assert "oscar_docdata.E007" in [error.id for error in check_settings()]


# --- real database workers on PostgreSQL --------------------------------------------------

WORKERS = 2
ORDERS = 200
OSCAR_ORDERS = 20


@pytest.fixture
def task_workers(docdata_live_simulator, settings, tmp_path):
    """Starts two ``db_worker`` processes on the test database, the simulator behind the
    live server as their Docdata; this process enqueues on the same database backend.
    The processes are stopped however the test ends."""
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"  # the shop learns only by asking
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DOCDATA_TEST_DATABASE": "postgres",
        "DOCDATA_TEST_TASKS": "db",
        "DOCDATA_TEST_BASE_URL": docdata_live_simulator.base_url,
        "PGDATABASE": database["NAME"],
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"],
        "PGHOST": database["HOST"],
        "PGPORT": str(database["PORT"]),
        "PYTHONPATH": str(ROOT),
    }
    processes: list[subprocess.Popen] = []
    # A file, not a pipe: a worker that logs much must never block on a full pipe.
    log = (tmp_path / "workers.log").open("wb")

    def start() -> list[subprocess.Popen]:
        processes.extend(
            subprocess.Popen(  # noqa: S603 - fixed arguments
                [sys.executable, "-m", "django", "db_worker", "--interval", "0.1",
                 "--no-startup-delay", "--worker-id", f"worker-{number}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            for number in range(WORKERS)
        )
        return processes

    try:
        yield docdata_live_simulator, start
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        from django.db import connections

        connections.close_all()  # the live server's teardown waits on no idle session


def wait_for_tasks(processes, timeout: float = 180):
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            return DBTaskResult.objects.all()
        for process in processes:
            assert process.poll() is None, f"a worker ended with {process.returncode}"
        time.sleep(0.2)
    raise AssertionError("the workers did not finish the tasks in time")


@pytest.mark.postgres
def test_workers_reconcile_hundreds_of_orders_each_exactly_once(task_workers):
    simulator, start_workers = task_workers
    # Created and paid in-process (the same simulator tables, three times faster than
    # over the live server); the workers ask the simulator over HTTP.
    with in_process_simulator():
        orders = [create_docdata_order("25.00") for _ in range(ORDERS)]
    for order in orders:
        simulator.settle(order.order_key, "paid")
    backdate(*orders)
    # Oscar orders for some: the worker's receivers move them and record the payment.
    oscar_orders = [create_order(number=order.order_number) for order in orders[:OSCAR_ORDERS]]

    # Twice, as an overlapping cron run would: every order gets two update tasks.
    for _ in range(2):
        run = run_command("reconcile_docdata_orders", "--enqueue")
        assert f"Enqueued the update of {ORDERS} Docdata orders" in run.out, run.err
    results = wait_for_tasks(start_workers())

    assert results.count() == 2 * ORDERS
    assert Counter(results.values_list("status", flat=True)) == {"SUCCESSFUL": 2 * ORDERS}
    workers = {worker for ids in results.values_list("worker_ids", flat=True) for worker in ids}
    assert workers == {f"worker-{number}" for number in range(WORKERS)}
    outcomes = Counter(value["outcome"] for value in results.values_list("return_value",
                                                                          flat=True))
    assert outcomes == {"updated": ORDERS, "unchanged": ORDERS}
    assert set(DocdataOrder.objects.values_list("status", flat=True)) == {"paid"}
    # One status change per order, so one order_status_changed each (sent on its commit).
    assert changes_per_order(orders) == Counter({order.pk: 1 for order in orders})
    # Its side effects in Oscar, once each: the order moved to Paid, one payment event.
    payment_event = get_model("order", "PaymentEvent")
    for oscar_order in oscar_orders:
        oscar_order.refresh_from_db()
        assert oscar_order.status == "Paid"
        assert payment_event.objects.filter(order=oscar_order).count() == 1
        assert oscar_order.status_changes.count() == 1
