"""Many payment lines in one report: one INSERT for the new lines, one UPDATE statement
for the changed ones, every signal still once per line, then ``order_updated`` once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.testing import replies

from .conftest import payment

pytestmark = pytest.mark.django_db

IDS = (4_100_000_001, 4_100_000_002, 4_100_000_003)


def report(refunds: dict[int, int], *, methods: dict[int, str] | None = None) -> bytes:
    refunded = sum(refunds.values())
    return replies.status_reply(
        registered=3000, acquirer_approved=3000, captured=3000, refunded=refunded,
        payments=[
            payment(pid, amount=1000, captures=[("CAPTURED", 1000)],
                    refunds=[("CAPTURED", refunds[pid])] if pid in refunds else (),
                    method=(methods or {}).get(pid, "IDEAL"))
            for pid in IDS
        ],
    )


def statements(queries: CaptureQueriesContext, verb: str, table: str) -> list[str]:
    """The statements of ``verb`` on ``table`` (an executemany is logged "N times: …")."""
    found = []
    for query in queries.captured_queries:
        sql = re.sub(r"^\d+ times: ", "", query["sql"].lstrip())
        if sql.upper().startswith(verb) and table in sql:
            found.append(query["sql"])
    return found


def test_new_and_changed_lines_are_written_in_one_statement_each(
    make_order, docdata, notify, signal_log,
):
    order = make_order(amount="30.00")
    table = DocdataPayment._meta.db_table
    docdata.set("status", report({}))
    with CaptureQueriesContext(connection) as first:
        assert notify(order).status_code == 200
    assert len(statements(first, "INSERT", table)) == 1
    stored = {p.payment_id: p for p in DocdataPayment.objects.all()}
    assert sorted(stored) == list(IDS)
    assert all(p.pk for p in stored.values())
    assert [k["payment"].payment_id for k in signal_log.of("payment_added")] == list(IDS)
    assert [k["payment"].pk for k in signal_log.of("payment_added")] == [
        stored[pid].pk for pid in IDS]

    # Every line changes, by different amounts (and one by its method too).
    signal_log.sent.clear()
    docdata.set("status", report({IDS[0]: 100, IDS[1]: 250, IDS[2]: 1000},
                                 methods={IDS[2]: "MASTERCARD"}))
    with CaptureQueriesContext(connection) as changed:
        assert notify(order).status_code == 200

    (update,) = statements(changed, "UPDATE", table)  # one statement, sent for 3 rows
    assert update.startswith("3 times: ")
    after = {p.payment_id: p for p in DocdataPayment.objects.all()}
    assert [after[pid].amount_refunded for pid in IDS] == [
        Decimal("1.00"), Decimal("2.50"), Decimal("10.00")]
    assert after[IDS[2]].payment_method == "MASTERCARD"
    assert after[IDS[0]].payment_method == "IDEAL"
    assert [len(after[pid].lines["refunds"]) for pid in IDS] == [1, 1, 1]
    assert all(after[pid].updated > stored[pid].updated for pid in IDS)
    assert [k["payment"].payment_id for k in signal_log.of("payment_updated")] == list(IDS)
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID_REFUNDED
    assert order.total_refunded == Decimal("13.50")


def test_order_updated_comes_last_and_once_per_report(make_order, docdata, notify, signal_log):
    order = make_order(amount="30.00")
    docdata.set("status", report({}))
    notify(order)
    assert [name for name, _kw in signal_log.sent if name != "status_changed_view_called"] == [
        "payment_added", "payment_added", "payment_added", "order_status_changed",
        "order_updated"]
    (updated,) = signal_log.of("order_updated")
    assert (updated["old_status"], updated["new_status"]) == ("new", "paid")
    assert [p.payment_id for p in updated["payments_added"]] == list(IDS)
    assert updated["payments_updated"] == ()

    signal_log.sent.clear()
    notify(order)  # nothing changed: no model signal at all
    assert [name for name, _kw in signal_log.sent] == ["status_changed_view_called"]

    docdata.set("status", report({IDS[1]: 100}))
    notify(order)
    (updated,) = signal_log.of("order_updated")
    assert (updated["old_status"], updated["new_status"]) == ("paid", "paid_refunded")
    assert [p.payment_id for p in updated["payments_updated"]] == [IDS[1]]
