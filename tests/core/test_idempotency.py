"""The same notification many times: one change, one signal each, no writes after the first.

No writes but the status pull bookkeeping (see ``oscar_docdata.operations.pulls``), with
no minimum interval between notifications so that each one calls Docdata.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.testing import replies

from .conftest import data_writes, payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_notification_interval(settings):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 0


def test_same_notification_fifty_times(make_order, docdata, notify, signal_log):
    order = make_order(amount="25.00")
    docdata.set("status", replies.status_reply(
        registered=2500, acquirer_approved=2500, captured=2500,
        payments=[
            payment(3000000001, "CANCELED", amount=2500),
            payment(3000000002, amount=2500, captures=[("CAPTURED", 2500)]),
        ],
    ))
    assert notify(order).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        for _ in range(49):
            response = notify(order)
            assert response.status_code == 200
            assert response.content == b"ok"

    assert data_writes(queries) == []
    assert len(queries.captured_queries) > 49  # the updates did run and read
    assert len(docdata.operations()) == 50
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert signal_log.status_changes() == [("new", "paid")]
    added = sorted(k["payment"].payment_id for k in signal_log.of("payment_added"))
    assert added == [3000000001, 3000000002]
    assert signal_log.of("payment_updated") == []
    assert len(signal_log.of("status_changed_view_called")) == 50
    assert DocdataStatusChange.objects.count() == 1
    assert DocdataPayment.objects.count() == 2
