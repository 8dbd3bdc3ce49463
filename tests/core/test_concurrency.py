"""Docdata's notification and the shopper's return for one order at the same moment.

Runs on PostgreSQL (``DOCDATA_TEST_POSTGRES=1 runtests.py``), where ``select_for_update``
really locks; SQLite serialises differently and is skipped.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import CannedSoapAdapter, canned_docdata

from .conftest import SignalLog, key_for, payment

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks: run with DOCDATA_TEST_POSTGRES=1 runtests.py",
    ),
]

ROUNDS = 30


class SlowDocdata(CannedSoapAdapter):
    """Answers after a short delay, so that both requests are inside the race window."""

    def send(self, request: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)
        return super().send(request, **kwargs)


def hit(barrier: threading.Barrier, url: str, params: dict[str, str], results: list) -> None:
    try:
        client = Client()
        barrier.wait(timeout=10)
        response = client.get(url, params)
        results.append(response.status_code)
    except Exception as error:  # reported by the test, not lost in the thread
        results.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_notification_and_return_at_the_same_moment():
    log = SignalLog()
    log.connect()
    adapter = SlowDocdata()
    try:
        with canned_docdata(adapter=adapter):
            orders = []
            for number in range(ROUNDS):
                order = DocdataOrder.objects.create(
                    merchant_name="shop_test", merchant_order_id=f"C{number}",
                    order_number=f"C{number}", order_key=key_for(90000 + number),
                    total_gross_amount="20.00", currency="EUR",
                )
                adapter.set("status", replies.status_reply(
                    registered=2000, acquirer_approved=2000, captured=2000,
                    payments=[
                        payment(4_000_000_000 + 2 * number, "CANCELED", amount=2000),
                        payment(4_000_000_001 + 2 * number, amount=2000,
                                captures=[("CAPTURED", 2000)]),
                    ],
                ))
                barrier = threading.Barrier(2)
                results: list = []
                threads = [
                    threading.Thread(target=hit, args=(
                        barrier, "/api/docdata/update_order/", {"order_id": f"C{number}"},
                        results)),
                    threading.Thread(target=hit, args=(
                        barrier, "/api/docdata/return/",
                        {"callback": "SUCCESS", "order_id": order.order_key}, results)),
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=30)
                assert sorted(results, key=str) == [200, 302], results
                orders.append(order)
    finally:
        log.disconnect()

    # Each request got a status call that started after it arrived: its own, or the other's
    # when that one was granted after it arrived (coalesced).
    assert ROUNDS <= len(adapter.requests) <= 2 * ROUNDS
    assert set(DocdataOrder.objects.values_list("status", flat=True)) == {"paid"}
    assert DocdataPayment.objects.count() == 2 * ROUNDS
    assert DocdataStatusChange.objects.count() == ROUNDS
    for order in orders:
        added = [k["payment"].payment_id for k in log.of("payment_added")
                 if k["order"].pk == order.pk]
        assert len(added) == len(set(added)) == 2, order.merchant_order_id
        changes = [(k["old_status"], k["new_status"]) for k in log.of("order_status_changed")
                   if k["order"].pk == order.pk]
        assert changes == [("new", "paid")], order.merchant_order_id
    assert log.of("payment_updated") == []
    assert len(log.of("status_changed_view_called")) == ROUNDS
    assert len(log.of("return_view_called")) == ROUNDS
