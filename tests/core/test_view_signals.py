"""A shop receiver of the view signals that raises is logged, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.dispatch import Signal
from django.http import HttpResponse
from django.test import override_settings

from oscar_docdata.models import DocdataOrder
from oscar_docdata.signals import return_view_called, status_changed_view_called
from oscar_docdata.testing import replies

from .conftest import minor

pytestmark = pytest.mark.django_db

NOTIFY_URL = "/api/docdata/update_order/"
RETURN_URL = "/api/docdata/return/"


class ShopBroke(RuntimeError):
    pass


def broken_receiver(sender: Any, **kwargs: Any) -> None:
    raise ShopBroke("the shop's receiver broke")


@pytest.fixture
def connected() -> Iterator[Any]:
    """Connect receivers for the test (strongly), disconnect them afterwards."""
    made: list[tuple[Signal, Any]] = []

    def connect(signal: Signal, receiver: Any) -> None:
        signal.connect(receiver, weak=False)
        made.append((signal, receiver))

    yield connect
    for signal, receiver in made:
        signal.disconnect(receiver)


def failures(caplog: pytest.LogCaptureFixture, signal_name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if record.name == "oscar_docdata" and record.levelno == logging.ERROR
            and signal_name in record.getMessage() and "broken_receiver" in record.getMessage()]


def test_a_raising_notification_receiver_is_logged_and_the_answer_is_200(
    make_order, docdata, client, caplog, connected, signal_log
):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))
    connected(status_changed_view_called, broken_receiver)
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        response = client.get(NOTIFY_URL, {"order_id": order.merchant_order_id})
    assert response.status_code == 200
    assert response.content == b"ok"
    (record,) = failures(caplog, "status_changed_view_called")
    assert record.exc_info and record.exc_info[0] is ShopBroke
    # The other receivers were called all the same.
    assert [called["order"].pk for called in signal_log.of("status_changed_view_called")] == [
        order.pk]


@override_settings(DOCDATA_SUCCESS_URL="/thanks/")
def test_a_raising_return_receiver_is_logged_and_the_shopper_redirected(
    make_order, docdata, client, caplog, connected, signal_log
):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))
    connected(return_view_called, broken_receiver)
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        response = client.get(RETURN_URL, {"callback": "SUCCESS", "order_id": order.order_key})
    assert response.status_code == 302
    assert response["Location"] == "/thanks/"
    (record,) = failures(caplog, "return_view_called")
    assert record.exc_info and record.exc_info[0] is ShopBroke
    assert len(signal_log.of("return_view_called")) == 1


@pytest.mark.parametrize("broken_first", [True, False])
def test_a_return_receivers_response_still_wins_next_to_a_raising_one(
    make_order, docdata, client, caplog, connected, broken_first
):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))

    def answer(sender: Any, order: DocdataOrder, callback: str, **kwargs: Any) -> HttpResponse:
        return HttpResponse(f"thanks {callback} {order.order_key}")

    for receiver in ((broken_receiver, answer) if broken_first else (answer, broken_receiver)):
        connected(return_view_called, receiver)
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        response = client.get(RETURN_URL, {"callback": "PENDING", "order_id": order.order_key})
    assert response.status_code == 200
    assert response.content.decode() == f"thanks PENDING {order.order_key}"
    assert len(failures(caplog, "return_view_called")) == 1


def test_every_order_of_a_reference_is_notified_despite_a_raising_receiver(
    make_order, docdata, client, caplog, connected, signal_log
):
    first = make_order(reference="REF-SHARED")
    second = make_order(reference="REF-SHARED", merchant="shop_sub")  # a sub-account
    docdata.set("status", replies.status_reply(registered=minor(first)))
    connected(status_changed_view_called, broken_receiver)
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        response = client.get(NOTIFY_URL, {"order_id": "REF-SHARED"})
    assert response.status_code == 200
    assert len(failures(caplog, "status_changed_view_called")) == 2
    assert sorted(called["order"].pk for called in signal_log.of(
        "status_changed_view_called")) == sorted([first.pk, second.pk])
