"""Two people refunding the same order at the same moment move its money once.

PostgreSQL only: each thread has its own connection and the order's row lock decides.
Docdata is the canned service, answering like the real one: the refund is accepted
and the status report shows it ``NEW`` (not counted in the totals yet).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from oscar_docdata.exceptions import DocdataMoneyBlocked, DocdataValidationError
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata

from .support import NEEDS_POSTGRES, on_postgres

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def paid_report(refunds: tuple = ()) -> bytes:
    return replies.status_reply(
        registered=1000, captured=1000,
        payments=[replies.payment_xml(51, amount=1000, captures=[("CAPTURED", 1000)],
                                      refunds=refunds)])


@pytest.mark.parametrize("attempt", range(3))
def test_two_full_refunds_at_once_send_one(attempt):
    if not on_postgres():
        pytest.skip(NEEDS_POSTGRES)
    with canned_docdata() as docdata:
        order = DocdataOrder.objects.create(
            merchant_name="shop_test", merchant_order_id=f"MC{attempt}",
            order_number=f"MC{attempt}", order_key=f"{attempt:032X}",
            total_gross_amount=Decimal("10.00"), currency="EUR")
        docdata.set("status", paid_report())
        Interface().update_order(order)
        docdata.set("refund", replies.refund_reply())
        docdata.set("status", paid_report(refunds=(("NEW", 1000),)))

        start = threading.Barrier(2)
        outcomes: list[object] = []

        def refund_everything() -> None:
            try:
                start.wait()
                outcomes.append(Interface().refund(DocdataOrder.objects.get(pk=order.pk)))
            except (DocdataValidationError, DocdataMoneyBlocked) as error:
                outcomes.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=refund_everything) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        assert len(outcomes) == 2
        assert [r.operation for r in docdata.requests].count("refund") == 1
        assert sum(isinstance(outcome, DocdataValidationError) for outcome in outcomes) == 1
        assert DocdataMoneyRequest.objects.count() == 1
