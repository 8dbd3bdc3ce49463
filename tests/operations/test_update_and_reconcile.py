"""update_docdata_order and reconcile_docdata_orders against the simulator.

The simulator runs in-process with its notifications off, so the shop only learns
of a payment by asking Docdata's status: what these commands are for.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.management import get_commands, load_command_class

from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing.canned import canned_docdata
from oscar_docdata.testing.replies import status_reply
from tests.operations.conftest import run_command


def statuses(*orders: DocdataOrder) -> list[str]:
    """The orders' statuses as committed: read by another thread with its own connection.

    Under ``transactional_db`` this proves the command's work was committed.
    """
    from django.db import connections

    found: list[str] = []

    def read() -> None:
        try:
            found.extend(
                DocdataOrder.objects.get(pk=order.pk).status for order in orders
            )
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return found


@pytest.fixture
def paid_and_authorized(quiet_simulator, create_simulated_order):
    """Two orders the shop still thinks are new: one paid, one authorized at Docdata."""
    paid = create_simulated_order("25.00")
    authorized = create_simulated_order("10.00")
    quiet_simulator.settle(paid.order_key, "paid")
    quiet_simulator.settle(authorized.order_key, "authorized")
    return paid, authorized


# --- update_docdata_order --------------------------------------------------------------

def test_update_without_orders_or_all_is_an_error():
    run = run_command("update_docdata_order")
    assert run.exit_status == 1
    assert "Give one or more order numbers, or --all" in run.error


def test_update_with_orders_and_all_is_an_error(db):
    run = run_command("update_docdata_order", "1", "--all")
    assert run.exit_status == 1
    assert "not both" in run.error


def test_update_given_orders_by_number_reference_or_key(paid_and_authorized):
    paid, authorized = paid_and_authorized

    run = run_command("update_docdata_order", paid.order_number)

    assert run.exit_status == 0, run.err
    assert "Updated: 1, unchanged: 0, failed: 0" in run.out
    paid.refresh_from_db()
    authorized.refresh_from_db()
    assert (paid.status, authorized.status) == ("paid", "new")
    change = paid.status_changes.get()
    assert (change.trigger, change.new_status) == ("command", "paid")

    run = run_command("update_docdata_order", authorized.order_key, paid.merchant_order_id)
    assert "Updated: 1, unchanged: 1, failed: 0" in run.out
    authorized.refresh_from_db()
    assert authorized.status == "pending"


def test_update_all_matching_status_and_merchant(paid_and_authorized, make_order):
    paid, authorized = paid_and_authorized
    cancelled = make_order(status="cancelled")  # unknown to Docdata: must not be asked
    sub = make_order(merchant="shop_sub")  # another merchant: must not be asked

    run = run_command("update_docdata_order", "--all", "--status", "new",
                      "--status", "in_progress", "--merchant", "shop_test", verbosity=2)

    assert run.exit_status == 0, run.err
    assert "Updated: 2, unchanged: 0, failed: 0" in run.out
    assert f"updated: {paid.order_key}" in run.out
    assert [o.status for o in DocdataOrder.objects.filter(
        pk__in=[paid.pk, authorized.pk, cancelled.pk, sub.pk]).order_by("pk")] == [
        "paid", "pending", "cancelled", "new"]


def test_update_reports_unknown_numbers_and_still_updates_the_others(paid_and_authorized):
    paid, _authorized = paid_and_authorized
    run = run_command("update_docdata_order", "no-such-order", paid.order_number)
    assert run.exit_status == 1
    assert "1 of 2 orders failed" in run.error
    assert "no-such-order: no matching Docdata order" in run.err
    paid.refresh_from_db()
    assert paid.status == "paid"


def test_update_rejects_an_unknown_status_option(db):
    run = run_command("update_docdata_order", "--all", "--status=bogus")
    assert run.exit_status == 1
    assert "invalid choice: 'bogus'" in run.error


# --- reconcile_docdata_orders ----------------------------------------------------------

# One worker: the calls run in the test's own thread and connection. Worker threads
# cannot see a test transaction's rows, and SQLite's shared in-memory database locks
# whole tables between connections; the thread pool is tested on PostgreSQL
# (test_reconcile_pool.py).
INLINE = ("--workers", "1")

def backdate(*orders: DocdataOrder, minutes: int = 120) -> None:
    from datetime import timedelta

    from django.utils import timezone

    DocdataOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
        created=timezone.now() - timedelta(minutes=minutes))


def test_reconcile_refreshes_old_orders_not_in_a_final_state(
    quiet_simulator, create_simulated_order, make_order
):
    paid = create_simulated_order("25.00")
    authorized = create_simulated_order("10.00")
    fresh = create_simulated_order("5.00")
    quiet_simulator.settle(paid.order_key, "paid")
    quiet_simulator.settle(authorized.order_key, "authorized")
    quiet_simulator.settle(fresh.order_key, "paid")
    backdate(paid, authorized)
    # Final for reconciliation: not asked (their keys are unknown to the simulator, so
    # asking would fail the run).
    finals = [make_order(status=status, age_days=1) for status in
              ("paid", "paid_refunded", "refunded", "charged_back", "cancelled", "expired")]

    run = run_command("reconcile_docdata_orders", "--older-than", "60", *INLINE)

    assert run.exit_status == 0, run.err
    assert "Reconciling 2 Docdata orders" in run.out
    assert "Updated: 2, unchanged: 0, failed: 0" in run.out
    for order in (paid, authorized, fresh, *finals):
        order.refresh_from_db()
    assert (paid.status, authorized.status, fresh.status) == ("paid", "pending", "new")
    assert [o.status for o in finals] == [
        "paid", "paid_refunded", "refunded", "charged_back", "cancelled", "expired"]


def test_reconcile_counts_unchanged_orders_and_narrows_by_merchant(
    quiet_simulator, create_simulated_order
):
    main = create_simulated_order("25.00")
    sub = create_simulated_order("25.00", merchant="shop_sub")
    quiet_simulator.settle(sub.order_key, "paid")
    backdate(main, sub)

    # The first pull stores Docdata's totals; the second finds nothing new.
    run = run_command("reconcile_docdata_orders", "--merchant", "shop_test", *INLINE)
    assert "Updated: 1, unchanged: 0, failed: 0" in run.out
    run = run_command("reconcile_docdata_orders", "--merchant", "shop_test", *INLINE)
    assert "Updated: 0, unchanged: 1, failed: 0" in run.out
    main.refresh_from_db()
    assert (main.status, main.total_registered) == ("new", Decimal("25.00"))
    run = run_command("reconcile_docdata_orders", "--merchant", "shop_sub", *INLINE)
    assert "Updated: 1, unchanged: 0, failed: 0" in run.out
    sub.refresh_from_db()
    assert sub.status == "paid"


@pytest.mark.django_db(transaction=True)
def test_one_failing_order_stops_nothing_and_rolls_back_nothing(
    quiet_simulator, create_simulated_order, make_order
):
    first = create_simulated_order("25.00")
    unknown = make_order(age_days=2)  # a key the simulator does not know: statusErrors
    orphan = make_order(age_days=2, merchant="removed_merchant")  # no credentials
    last = create_simulated_order("10.00")
    quiet_simulator.settle(first.order_key, "paid")
    quiet_simulator.settle(last.order_key, "authorized")
    # The run goes oldest first: first, the two failing orders, then last.
    backdate(first, minutes=60 * 24 * 3)
    backdate(last, minutes=60 * 24)

    run = run_command("reconcile_docdata_orders", *INLINE)

    assert run.exit_status == 1
    assert "2 of 4 orders failed" in run.error
    assert "Updated: 2, unchanged: 0, failed: 2" in run.out
    assert f"failed: {unknown.order_key}" in run.err
    assert "REQUEST_DATA_INCORRECT" in run.err
    assert f"failed: {orphan.order_key}" in run.err
    assert "No Docdata password is configured for merchant 'removed_merchant'" in run.err
    # Committed: another connection sees the updates; the failed orders are untouched.
    assert statuses(first, unknown, orphan, last) == ["paid", "new", "new", "pending"]


@pytest.mark.django_db(transaction=True)
def test_the_exit_status_is_one_when_some_order_failed(make_order, docdata_simulator, capsys):
    make_order(age_days=1)
    command = load_command_class(get_commands()["reconcile_docdata_orders"],
                                 "reconcile_docdata_orders")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "reconcile_docdata_orders", *INLINE])
    assert exit_info.value.code == 1
    assert "1 of 1 orders failed" in capsys.readouterr().err


def test_a_progress_line_on_a_terminal_only(paid_and_authorized):
    backdate(*paid_and_authorized)
    on_tty = run_command("reconcile_docdata_orders", *INLINE, tty=True)
    assert "\r1/2 orders: " in on_tty.out
    assert "\r2/2 orders: " in on_tty.out
    DocdataOrder.objects.update(status="new")
    piped = run_command("reconcile_docdata_orders", *INLINE)
    assert "\r" not in piped.out
    assert "Updated: 2" in piped.out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--workers", "0"], "0 is not at least 1"),
     (["--workers", "many"], "'many' is not a whole number"),
     (["--older-than", "-5"], "-5 is negative")],
)
def test_reconcile_rejects_bad_options(db, args, message):
    run = run_command("reconcile_docdata_orders", *args)
    assert run.exit_status == 1
    assert message in run.error


def test_nothing_to_reconcile(db):
    run = run_command("reconcile_docdata_orders")
    assert run.exit_status == 0
    assert "Updated: 0, unchanged: 0, failed: 0" in run.out


def test_reconcile_reads_the_orders_by_chunk_and_then_only_locks_each(
    quiet_simulator, create_simulated_order
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orders = [create_simulated_order("25.00") for _ in range(3)]
    for order in orders:
        quiet_simulator.settle(order.order_key, "paid")
    backdate(*orders)
    table = f'FROM "{DocdataOrder._meta.db_table}"'

    with CaptureQueriesContext(connection) as queries:
        run = run_command("reconcile_docdata_orders", *INLINE)

    assert "Updated: 3, unchanged: 0, failed: 0" in run.out
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and table in q["sql"] and "COUNT(" not in q["sql"]]
    # The candidates in one chunk's query, then each order's own locked read: none twice.
    assert len(reads) == 1 + len(orders), reads


def test_the_candidates_are_streamed_in_chunks_by_id(make_order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oscar_docdata.operations.refresh import Outcome, run_streamed

    orders = [make_order() for _ in range(5)]
    seen: list[int] = []
    with CaptureQueriesContext(connection) as queries:
        summary = run_streamed(DocdataOrder.objects.filter(status="new"),
                               lambda order: seen.append(order.pk) or True, chunk_size=2)

    assert seen == [order.pk for order in orders]
    assert summary.counts[Outcome.UPDATED] == 5
    # Three chunks (2, 2, 1), each a query of its own after the last id of the one before.
    assert len(queries.captured_queries) == 3
    assert all("LIMIT 2" in q["sql"] for q in queries.captured_queries)


def test_progress_lines_without_a_terminal_every_n_orders(paid_and_authorized, make_order):
    extra = [make_order(age_days=1) for _ in range(3)]  # unknown to Docdata: they fail
    backdate(*paid_and_authorized, *extra)
    run = run_command("reconcile_docdata_orders", *INLINE, "--progress-every", "2")
    lines = [line for line in run.out.splitlines() if " orders: " in line]
    assert lines == ["2/5 orders: 2 updated, 0 unchanged, 0 failed",
                     "4/5 orders: 2 updated, 0 unchanged, 2 failed"]
    assert "Updated: 2, unchanged: 0, failed: 3" in run.out


def test_progress_lines_without_a_terminal_every_t_seconds():
    import io

    from django.core.management.base import BaseCommand

    from oscar_docdata.management.output import Progress
    from oscar_docdata.operations.refresh import OrderResult, Outcome

    command = BaseCommand(stdout=io.StringIO())
    now = [0.0]
    progress = Progress(command, 10, every=0, seconds=30, clock=lambda: now[0])
    for done in range(1, 11):
        now[0] = done * 10.0
        progress(OrderResult(done, f"#{done}", Outcome.UNCHANGED), done)
    assert command.stdout._out.getvalue().splitlines() == [
        "3/10 orders: 0 updated, 3 unchanged, 0 failed",
        "6/10 orders: 0 updated, 6 unchanged, 0 failed",
        "9/10 orders: 0 updated, 9 unchanged, 0 failed",
    ]


def test_processes_is_ignored_with_a_pointer_to_the_tasks(paid_and_authorized):
    backdate(*paid_and_authorized)
    run = run_command("reconcile_docdata_orders", *INLINE, "--processes", "2")
    assert run.exit_status == 0, run.err
    assert "--processes is deprecated and ignored" in run.err
    assert "--enqueue" in run.err
    assert "Updated: 2, unchanged: 0, failed: 0" in run.out


def test_an_order_deleted_after_it_was_read_is_reported_as_deleted(make_order):
    from oscar_docdata.operations.refresh import Outcome, preload, update_task

    kept, gone = make_order(), make_order()
    preloaded = preload(DocdataOrder.objects.order_by("pk"))
    DocdataOrder.objects.filter(pk=gone.pk).delete()

    # The status is pulled before the row is locked: Docdata still knows the order.
    with canned_docdata() as docdata:
        docdata.set("status", status_reply(registered=0))
        result = update_task("command", preloaded=preloaded)(gone.pk)

    assert (result.outcome, result.reason) == (Outcome.FAILED, "deleted")
    assert gone.order_key in result.label
    assert set(preloaded) == {kept.pk, gone.pk}
