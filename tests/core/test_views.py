"""The notification and shopper-return views: bad input, status codes, SOAP calls."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from lxml import etree

from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.signals import return_view_called
from oscar_docdata.testing import replies

from .conftest import minor, payment

pytestmark = pytest.mark.django_db

NOTIFY_URL = "/api/docdata/update_order/"
RETURN_URL = "/api/docdata/return/"


def test_url_names_and_paths():
    assert reverse("order_status_update") == NOTIFY_URL
    assert reverse("return_url") == RETURN_URL


def paid_reply(order: DocdataOrder, payment_id: int = 1234567890) -> bytes:
    return replies.status_reply(
        registered=minor(order), captured=minor(order),
        payments=[payment(payment_id, amount=minor(order),
                          captures=[("CAPTURED", minor(order))])],
    )


# --- the notification ------------------------------------------------------------------

BAD_NOTIFICATIONS = [
    ("missing", "", 400),
    ("empty", "order_id=", 400),
    ("blank", "order_id=%20%20", 400),
    ("repeated", "order_id=REF-1&order_id=REF-1", 400),
    ("over-long", "order_id=" + "1" * 256, 400),
    ("NUL", "order_id=REF%00-1", 400),
    ("control character", "order_id=REF%0A1", 400),
    ("other parameter only", "key=REF-1", 400),
    ("unknown", "order_id=NO-SUCH-ORDER", 404),
    ("longest unknown", "order_id=" + "1" * 255, 404),
    ("unicode", "order_id=%E2%82%AC%F0%9F%92%B3-r%C3%A9f", 404),
    ("SQL-like", "order_id=1%27%20OR%20%271%27%3D%271", 404),
    ("SQL drop", "order_id=1%3B%20DROP%20TABLE%20oscar_docdata_docdataorder%3B--", 404),
    ("LIKE wildcard", "order_id=REF%25", 404),
    ("case differs", "order_id=ref-1", 404),
    ("another merchant's order", "order_id=REF-GONE", 404),
    ("merchant with an empty password", "order_id=REF-EMPTY", 404),
]


@pytest.mark.parametrize(("case", "query", "code"), BAD_NOTIFICATIONS,
                         ids=[case for case, _q, _c in BAD_NOTIFICATIONS])
@override_settings(DOCDATA_MERCHANT_PASSWORDS={"shop_sub": "Sub-Acc0unt-pw", "shop_empty": ""})
def test_notification_bad_input(make_order, docdata, client, case, query, code):
    order = make_order(reference="REF-1")
    make_order(reference="REF-GONE", merchant="old_account")
    make_order(reference="REF-EMPTY", merchant="shop_empty")
    docdata.set("status", paid_reply(order))
    response = client.get(f"{NOTIFY_URL}?{query}")
    assert response.status_code == code
    assert response["Content-Type"].startswith("text/plain")
    assert 0 < len(response.content) < 100
    assert docdata.requests == []  # no call to Docdata
    assert not DocdataPayment.objects.exists()
    assert DocdataOrder.objects.count() == 3  # the table is still there, untouched
    assert set(DocdataOrder.objects.values_list("status", flat=True)) == {"new"}


def test_notification_reason_texts(client, db):
    assert client.get(NOTIFY_URL).content == b"Missing parameter: order_id"
    response = client.get(f"{NOTIFY_URL}?order_id=a&order_id=b")
    assert response.content == b"Repeated parameter: order_id"
    assert client.get(f"{NOTIFY_URL}?order_id={'x' * 256}").content == (
        b"Parameter too long: order_id"
    )
    assert client.get(f"{NOTIFY_URL}?order_id=x").content == b"Unknown order"


def test_notification_updates_the_order(make_order, docdata, notify, signal_log):
    order = make_order(reference="100042")
    docdata.set("status", paid_reply(order))
    response = notify(order)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "sessionid" not in response.cookies
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert docdata.operations() == ["status"]
    assert order.status_changes.get().trigger == DocdataStatusChange.TRIGGER_NOTIFICATION
    (called,) = signal_log.of("status_changed_view_called")
    assert called["order"] == order
    assert called["request"].GET["order_id"] == "100042"
    assert called["sender"].__name__ == "StatusChangedNotificationView"


def test_notification_head(make_order, docdata, client):
    order = make_order()
    docdata.set("status", paid_reply(order))
    response = client.head(NOTIFY_URL, {"order_id": order.merchant_order_id})
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID


def test_notification_refuses_post(make_order, docdata, client):
    order = make_order()
    response = client.post(f"{NOTIFY_URL}?order_id={order.merchant_order_id}")
    assert response.status_code == 405
    assert docdata.requests == []


def test_notification_needs_no_csrf_session_or_login(make_order, docdata):
    order = make_order()
    docdata.set("status", paid_reply(order))
    response = Client(enforce_csrf_checks=True).get(
        NOTIFY_URL, {"order_id": order.merchant_order_id}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "failure",
    [
        ("fail", requests.ConnectionError("refused")),
        ("fail", requests.ConnectTimeout("timed out")),
        ("add", replies.soap_fault()),
        ("http500", b"<html><body>Internal Server Error</body></html>"),
        ("add", replies.error_reply("status", (("SECURITY_ERROR", "Access denied"),))),
        ("add", b"<soap:Envelope"),
    ],
    ids=["refused", "timeout", "soap-fault", "http-500", "errors-reply", "truncated"],
)
def test_notification_answers_503_when_docdata_fails(
    make_order, docdata, notify, signal_log, caplog, failure
):
    order = make_order(status=DocdataOrder.STATUS_IN_PROGRESS)
    kind, value = failure
    if kind == "fail":
        docdata.fail("status", value)
    elif kind == "http500":
        docdata.add("status", value, status=500, content_type="text/html")
    else:
        docdata.add("status", value, status=500 if b"Fault" in value else 200)
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        response = notify(order)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_IN_PROGRESS
    assert not DocdataPayment.objects.exists()
    assert not DocdataStatusChange.objects.exists()
    assert signal_log.sent == []
    assert any(order.merchant_order_id in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


def test_notification_uses_the_orders_own_merchant(make_order, docdata, notify):
    order = make_order(merchant="shop_sub")
    docdata.set("status", paid_reply(order))
    assert notify(order).status_code == 200
    (request,) = docdata.requests
    merchant = request.xml().find(".//{*}merchant")
    assert merchant.get("name") == "shop_sub"
    assert merchant.get("password") == "Sub-Acc0unt-pw"


def test_notification_for_a_reference_of_two_merchants_updates_both(make_order, docdata, notify):
    first = make_order(reference="R-7")
    second = make_order(reference="R-7", merchant="shop_sub", amount=first.total_gross_amount)
    docdata.set("status", paid_reply(first))
    assert notify("R-7").status_code == 200
    merchants = [r.xml().find(".//{*}merchant").get("name") for r in docdata.requests]
    assert sorted(merchants) == ["shop_sub", "shop_test"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == DocdataOrder.STATUS_PAID


# --- the shopper's return ---------------------------------------------------------------

BAD_RETURNS = [
    ("missing everything", "", 400),
    ("missing callback", "order_id={key}", 400),
    ("missing order", "callback=SUCCESS", 400),
    ("empty order", "callback=SUCCESS&order_id=", 400),
    ("empty callback", "callback=&order_id={key}", 400),
    ("repeated order", "callback=SUCCESS&order_id={key}&order_id={key}", 400),
    ("repeated callback", "callback=SUCCESS&callback=ERROR&order_id={key}", 400),
    ("unknown callback", "callback=PAID&order_id={key}", 400),
    ("SQL-like callback", "callback=SUCCESS%27--&order_id={key}", 400),
    ("over-long order", "callback=SUCCESS&order_id=" + "A" * 256, 400),
    ("NUL in order", "callback=SUCCESS&order_id=%00", 400),
    ("unknown key", "callback=SUCCESS&order_id=" + "F" * 32, 404),
    ("unicode key", "callback=SUCCESS&order_id=%C3%A9%E2%82%AC", 404),
    ("SQL-like key", "callback=SUCCESS&order_id=%27%20OR%201%3D1--", 404),
    ("reference instead of key", "callback=SUCCESS&order_id=REF-1", 404),
    ("another merchant's order", "callback=SUCCESS&order_id={gone}", 404),
]


@pytest.mark.parametrize(("case", "query", "code"), BAD_RETURNS,
                         ids=[case for case, _q, _c in BAD_RETURNS])
def test_return_bad_input(make_order, docdata, client, case, query, code):
    order = make_order(reference="REF-1")
    gone = make_order(merchant="old_account")
    docdata.set("status", paid_reply(order))
    response = client.get(f"{RETURN_URL}?" + query.format(key=order.order_key,
                                                           gone=gone.order_key))
    assert response.status_code == code
    assert response["Content-Type"].startswith("text/plain")
    assert docdata.requests == []
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_NEW


@pytest.mark.parametrize(
    ("callback", "target"),
    [("SUCCESS", "/checkout/thank-you/"), ("PENDING", "/checkout/thank-you/"),
     ("CANCELLED", "/basket/"), ("ERROR", "/basket/"), ("success", "/checkout/thank-you/")],
)
def test_return_redirects_by_callback(make_order, docdata, client, callback, target):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))
    response = client.get(RETURN_URL, {"callback": callback, "order_id": order.order_key})
    assert response.status_code == 302
    assert response["Location"] == target
    assert docdata.operations() == ["status"]


@override_settings(
    DOCDATA_SUCCESS_URL="/paid/", DOCDATA_PENDING_URL="https://shop.example/wait/",
    DOCDATA_CANCELLED_URL="basket:summary", DOCDATA_ERROR_URL="/oops/",
)
def test_return_redirect_settings(make_order, docdata, client):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))
    expected = {"SUCCESS": "/paid/", "PENDING": "https://shop.example/wait/",
                "CANCELLED": "/basket/", "ERROR": "/oops/"}
    for callback, target in expected.items():
        response = client.get(RETURN_URL, {"callback": callback, "order_id": order.order_key})
        assert response["Location"] == target


def test_return_pulls_the_status_and_the_callback_alone_changes_nothing(
    make_order, docdata, client, django_capture_on_commit_callbacks, signal_log
):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order),
                                               payments=[payment(5, "STARTED", amount=1234)]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(RETURN_URL, {"callback": "SUCCESS", "order_id": order.order_key})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_IN_PROGRESS  # not "paid"
    assert order.status_changes.get().trigger == DocdataStatusChange.TRIGGER_RETURN
    (called,) = signal_log.of("return_view_called")
    assert called["callback"] == "SUCCESS"
    assert called["order"].pk == order.pk
    assert called["sender"].__name__ == "OrderReturnView"


@override_settings(DOCDATA_PENDING_URL="/pending/")
@pytest.mark.parametrize("callback", ["SUCCESS", "ERROR", "CANCELLED"])
def test_return_when_docdata_is_down_goes_to_pending(make_order, docdata, client, caplog,
                                                     callback):
    order = make_order()
    docdata.fail("status", requests.ConnectionError("refused"))
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        response = client.get(RETURN_URL, {"callback": callback, "order_id": order.order_key})
    assert response.status_code == 302
    assert response["Location"] == "/pending/"
    assert any(order.order_key in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_NEW


def test_return_receiver_may_answer(make_order, docdata, client):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))

    def answer(sender: Any, request: Any, order: DocdataOrder, callback: str, **kwargs: Any):
        return HttpResponse(f"thanks {callback} {order.order_key}")

    def other(sender: Any, **kwargs: Any) -> None:
        return None

    return_view_called.connect(other, weak=False)
    return_view_called.connect(answer, weak=False)
    try:
        response = client.get(RETURN_URL, {"callback": "PENDING", "order_id": order.order_key})
    finally:
        return_view_called.disconnect(answer)
        return_view_called.disconnect(other)
    assert response.status_code == 200
    assert response.content.decode() == f"thanks PENDING {order.order_key}"


def test_return_head_and_post(make_order, docdata, client):
    order = make_order()
    docdata.set("status", replies.status_reply(registered=minor(order)))
    response = client.head(RETURN_URL, {"callback": "SUCCESS", "order_id": order.order_key})
    assert response.status_code == 302
    response = client.post(f"{RETURN_URL}?callback=SUCCESS&order_id={order.order_key}")
    assert response.status_code == 405


def test_sql_like_input_leaves_the_tables(make_order, docdata, client):
    make_order()
    client.get(NOTIFY_URL, {"order_id": "x'); DELETE FROM oscar_docdata_docdataorder; --"})
    client.get(RETURN_URL, {"callback": "SUCCESS",
                            "order_id": "x'; DROP TABLE oscar_docdata_docdataorder; --"})
    assert "oscar_docdata_docdataorder" in connection.introspection.table_names()
    assert DocdataOrder.objects.count() == 1
    assert docdata.requests == []


def test_status_request_body_is_for_the_order(make_order, docdata, notify):
    order = make_order()
    docdata.set("status", paid_reply(order))
    notify(order)
    body = etree.fromstring(docdata.requests[0].body)
    assert body.findtext(".//{*}paymentOrderKey") == order.order_key
