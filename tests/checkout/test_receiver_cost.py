"""What keeping the Oscar order in step costs per notification: the receivers run once
per applied report, and their SQL does not grow with the number of payment lines."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata

pytestmark = pytest.mark.django_db

Transaction = get_model("payment", "Transaction")
LINE = 1000  # minor units per payment line
_numbers = itertools.count(1)
_payment_ids = itertools.count(6_000_000_001, 1000)


def paid_report(first_id: int, lines: int, refunds: dict[int, int]) -> bytes:
    """A paid order of ``lines`` lines; ``refunds``: line index → refunded amount."""
    payments = [
        replies.payment_xml(
            first_id + index, amount=LINE, captures=[("CAPTURED", LINE)],
            refunds=[("CAPTURED", refunds[index])] if index in refunds else ())
        for index in range(lines)
    ]
    return replies.status_reply(
        registered=lines * LINE, acquirer_approved=lines * LINE, captured=lines * LINE,
        refunded=sum(refunds.values()), payments=payments)


def queries_per_notification(docdata, client, django_capture_on_commit_callbacks,
                             lines: int) -> tuple[int, int, object]:
    """(queries of the first notification, of one where every line changed, Oscar order)."""
    number = f"RC-{next(_numbers)}"
    order = create_order(number=number)
    docdata_order = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id=number, order_number=number,
        order_key=f"{next(_numbers) + 0xC0FFEE:032X}", currency="EUR",
        total_gross_amount=Decimal(lines * LINE) / 100)
    first_id = next(_payment_ids)
    counts = []
    for refunds in ({}, dict.fromkeys(range(lines), 100)):
        docdata.set("status", paid_report(first_id, lines, refunds))
        with CaptureQueriesContext(connection) as queries, \
                django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("order_status_update"),
                                  {"order_id": docdata_order.merchant_order_id})
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    return counts[0], counts[1], order


def test_receiver_queries_do_not_grow_with_payment_lines(
    client, django_capture_on_commit_callbacks,
):
    with canned_docdata() as docdata:
        # Once per shop: the "Docdata" SourceType and the PaymentEventTypes are created.
        queries_per_notification(docdata, client, django_capture_on_commit_callbacks, 1)
        first_1, changed_1, order_1 = queries_per_notification(
            docdata, client, django_capture_on_commit_callbacks, 1)
        first_10, changed_10, order_10 = queries_per_notification(
            docdata, client, django_capture_on_commit_callbacks, 10)

    # The records did follow: per line an Authorise, a Debit and a Refund.
    source = order_10.sources.get()
    assert source.amount_debited == Decimal("100.00")
    assert source.amount_refunded == Decimal("10.00")
    assert Transaction.objects.filter(source=source).count() == 30
    assert order_1.sources.get().transactions.count() == 3
    # Ten lines cost what one line costs: the plugin writes new lines with one INSERT
    # and changed lines with one UPDATE statement, the receivers run once per report and
    # insert their Transactions together.
    assert first_10 == first_1
    assert changed_10 == changed_1
