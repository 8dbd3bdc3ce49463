"""A burst of notifications for one order against a slow Docdata, over real HTTP.

On the PostgreSQL-backed live server, with the simulator's ``status`` answering after
0.5 s: 20 concurrent notification GETs for one order. Docdata must get at most one status
call per minimum interval, every answer must be 200 or 503 with Retry-After (at least one
200), and no database backend may wait on a lock meanwhile (sampled from
``pg_stat_activity`` every 20 ms from a connection of its own): the status call runs
outside the order's row lock. With the old code (the row lock held during the call) the
19 other requests queue on the lock and the sampler sees them.
"""

from __future__ import annotations

import itertools
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.db import connections
from django.urls import reverse

from oscar_docdata.gateway.values import Amount
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator import faults

from .support import NEEDS_POSTGRES, on_postgres
from .test_load import shopper_args

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not on_postgres(), reason=NEEDS_POSTGRES),
]

REQUESTS = 20
LATENCY = 0.5
MIN_INTERVAL = 2.0
MAX_WAIT = 3.0


class LockSampler(threading.Thread):
    """Counts, every 20 ms, the backends of this database waiting on a lock."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples = 0
        self.waiting: list[tuple[str, str]] = []

    def run(self) -> None:
        try:
            with connections["default"].cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(
                        "SELECT wait_event, left(query, 120) FROM pg_stat_activity "
                        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    )
                    self.waiting.extend(cursor.fetchall())
                    self.samples += 1
                    time.sleep(0.02)
        finally:
            connections.close_all()


def test_a_burst_of_notifications_for_one_order(live_simulator_quiet, live_server, settings,
                                                 monkeypatch, record_property):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = MIN_INTERVAL
    settings.DOCDATA_NOTIFICATION_MAX_WAIT = MAX_WAIT
    simulator = live_simulator_quiet
    key = Interface().create_payment("BURST-1", Amount(Decimal("20.00"), "EUR"), None,
                                     **shopper_args("BURST-1"))
    simulator.settle(key, "paid")
    simulator.inject_fault("status", "latency", seconds=LATENCY)

    # Every status call the simulator receives, when it arrives (the live server's
    # threads run in this process).
    status_calls: list[float] = []
    take = faults.take

    def counting_take(operation: str) -> Any:
        if operation == "status":
            status_calls.append(time.monotonic())
        return take(operation)

    monkeypatch.setattr(faults, "take", counting_take)

    url = live_server.url + reverse("order_status_update")
    barrier = threading.Barrier(REQUESTS)
    answers: list[tuple[int, str | None]] = []
    errors: list[BaseException] = []

    def notify() -> None:
        try:
            with requests.Session() as session:
                barrier.wait(timeout=10)
                response = session.get(url, params={"order_id": "BURST-1"}, timeout=30)
                answers.append((response.status_code, response.headers.get("Retry-After")))
        except BaseException as error:  # reported by the test
            errors.append(error)

    sampler = LockSampler()
    sampler.start()
    threads = [threading.Thread(target=notify) for _ in range(REQUESTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.monotonic() - started
    sampler.stop.set()
    sampler.join(timeout=5)

    codes = sorted(code for code, _retry in answers)
    summary = (f"{len(status_calls)} status calls in {elapsed:.2f} s, "
               f"{codes.count(200)} × 200, {codes.count(503)} × 503, "
               f"{len(sampler.waiting)} lock waits in {sampler.samples} samples")
    record_property("burst", summary)  # in the JUnit XML report (--junitxml)
    assert errors == []
    assert len(answers) == REQUESTS
    assert set(codes) <= {200, 503}
    assert 200 in codes
    assert all(retry and int(retry) >= 1 for code, retry in answers if code == 503)
    # At most one status call per minimum interval (a little slack for the clock of the
    # simulator's arrival stamps).
    assert status_calls
    assert len(status_calls) <= 1 + int(elapsed / MIN_INTERVAL), summary
    gaps = [later - earlier for earlier, later in itertools.pairwise(status_calls)]
    assert all(gap >= MIN_INTERVAL - 0.1 for gap in gaps), (gaps, summary)
    assert sampler.samples > 20, summary
    assert sampler.waiting == [], summary
    order = DocdataOrder.objects.get(order_key=key)
    assert order.status == DocdataOrder.STATUS_PAID
