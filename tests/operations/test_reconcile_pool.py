"""reconcile_docdata_orders with a thread pool, over real HTTP, on PostgreSQL.

Each worker thread has its own database connection, so this needs a database that
serves several connections at once: run with DOCDATA_TEST_POSTGRES=1 runtests.py.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from requests.adapters import HTTPAdapter

from oscar_docdata.gateway.transport import get_http_session
from tests.operations.conftest import create_docdata_order, run_command
from tests.operations.test_update_and_reconcile import backdate, statuses

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DOCDATA_TEST_POSTGRES=1 runtests.py): SQLite's shared "
                    "in-memory test database locks tables across threads")


class InFlightAdapter(HTTPAdapter):
    """The real HTTP transport, counting how many requests are on the wire at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.sent = 0

    def send(self, request, **kwargs):
        with self.lock:
            self.in_flight += 1
            self.sent += 1
            self.most = max(self.most, self.in_flight)
        try:
            return super().send(request, **kwargs)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def live_docdata(docdata_live_simulator, live_server, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    adapter = InFlightAdapter()
    prefix = live_server.url + "/"
    session = get_http_session()
    session.mount(prefix, adapter)
    try:
        yield docdata_live_simulator, adapter
    finally:
        session.adapters.pop(prefix, None)


def backend_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def settled_orders(simulator, *, paid: int, authorized: int):
    """Pending shop orders, older than the cut-off, that Docdata has paid or authorized."""
    orders = ([create_docdata_order("25.00") for _ in range(paid)],
              [create_docdata_order("10.00") for _ in range(authorized)])
    for outcome, group in zip(("paid", "authorized"), orders, strict=True):
        for order in group:
            simulator.settle(order.order_key, outcome)
    backdate(*orders[0], *orders[1])
    return orders


def test_pool_updates_commits_isolates_failures_and_bounds_concurrency(live_docdata, make_order):
    simulator, adapter = live_docdata
    paid, authorized = settled_orders(simulator, paid=4, authorized=2)
    unknown = make_order(age_days=1)
    orphan = make_order(age_days=1, merchant="removed_merchant")
    simulator.inject_fault("status", "latency", seconds=0.3)  # let the calls overlap
    adapter.most = adapter.sent = 0
    connections_before = backend_connections()

    run = run_command("reconcile_docdata_orders", "--workers", "3")

    assert run.exit_status == 1
    assert "Updated: 6, unchanged: 0, failed: 2" in run.out
    assert f"failed: {unknown.order_key}" in run.err
    assert f"failed: {orphan.order_key}" in run.err
    assert adapter.sent == 7  # every order with credentials asked once
    assert 2 <= adapter.most <= 3
    # Committed, as another connection sees it; the failures changed nothing.
    assert statuses(*paid, *authorized, unknown, orphan) == (
        ["paid"] * 4 + ["pending"] * 2 + ["new", "new"])
    # Every worker closed its connection. (The live server's request threads close
    # theirs just after answering, so give them a moment.)
    deadline = time.monotonic() + 5
    while backend_connections() > connections_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend_connections() <= connections_before
