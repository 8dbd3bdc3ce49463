"""The Docdata dashboard for staff: list, filters, detail and every action.

Docdata is the canned in-process service: every action's SOAP calls are real
requests through the plugin's HTTP session, answered with real reply XML.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.test.factories import create_order

from oscar_docdata.facade import get_facade
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.testing import replies

PAYMENT = 4000000001


def url(page: str, order: Any = None) -> str:
    name = f"oscar_docdata_dashboard:docdata-order-{page}"
    return reverse(name) if order is None else reverse(name, kwargs={"pk": order.pk})


def report(*, authorized: int = 2500, captured: int = 0, refunded: int = 0,
           charged_back: int = 0, captures=None, refunds=(), chargebacks=()) -> bytes:
    """A status reply for a 25.00 EUR order with one iDEAL payment."""
    if captures is None:
        captures = [("CAPTURED", captured)] if captured else []
    payment = replies.payment_xml(
        PAYMENT, amount=authorized, captures=captures, refunds=refunds, chargebacks=chargebacks
    )
    return replies.status_reply(
        registered=2500, acquirer_approved=authorized, captured=captured, refunded=refunded,
        charged_back=charged_back, payments=[payment],
    )


@pytest.fixture
def order(make_order: Any) -> DocdataOrder:
    return make_order(amount="25.00", order_number="100042", merchant_order_id="100042")


def apply(order: DocdataOrder, docdata: Any, reply: bytes) -> DocdataOrder:
    """Bring ``order`` to the state of ``reply`` through the core's update."""
    docdata.add("status", reply)
    get_facade().update_order(order)
    docdata.reset()
    order.refresh_from_db()
    return order


def sent_amounts(docdata: Any, operation: str) -> list[tuple[str, str]]:
    """(payment id, amount in minor units) of each ``operation`` request sent."""
    found = []
    for request in docdata.requests:
        if request.operation == operation:
            body = request.xml()
            payment_id = body.find(".//{*}paymentId").text
            amount = body.find(".//{*}amount")
            found.append((payment_id, amount.text if amount is not None else None))
    return found


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def levels_of(response: Any) -> list[str]:
    """The messages' levels ("success", "error", …) as the page shows them."""
    return [message.level_tag for message in response.context["messages"]]


def form(data: dict | None = None, **fields: Any) -> dict:
    """A capture or refund form's POST data with a fresh request key (as its GET gives)."""
    return {"request_key": uuid.uuid4().hex, **(data or {}), **fields}


# --- list ------------------------------------------------------------------------------

def test_list_shows_every_order_with_its_amounts(staff_client, make_order, docdata):
    paid = apply(make_order(amount="25.00"), docdata, report(captured=2500))
    other = make_order(amount="7.50", currency="USD")

    page = staff_client.get(url("list"))

    assert page.status_code == 200
    assert list(page.context["docdata_orders"]) == [other, paid]
    html = page.content.decode()
    assert paid.order_key in html and other.order_key in html
    assert "€25.00" in html  # amount and captured of the paid order
    assert "US$7.50" in html or "$7.50" in html
    assert url("detail", paid) in html


@pytest.mark.parametrize("field", ["order_number", "order_key", "merchant_order_id"])
def test_search_finds_an_order_by_number_key_or_reference(staff_client, make_order, field):
    wanted = make_order(order_number="555123", merchant_order_id="555123-2")
    make_order()
    page = staff_client.get(url("list"), {"q": getattr(wanted, field)})
    assert list(page.context["docdata_orders"]) == [wanted]


def test_filters_by_status_merchant_and_dates(staff_client, make_order):
    paid = make_order(status=DocdataOrder.STATUS_PAID)
    sub = make_order(merchant="shop_sub")
    old = make_order(age_days=40)
    make_order()

    def found(**params):
        return set(staff_client.get(url("list"), params).context["docdata_orders"])

    assert found(status="paid") == {paid}
    assert found(merchant="shop_sub") == {sub}
    old_day = timezone.localdate(old.created)
    assert found(date_from=old_day.isoformat(), date_to=old_day.isoformat()) == {old}
    assert old not in found(date_from=(old_day + timedelta(days=1)).isoformat())
    assert found(status="paid", merchant="shop_sub") == set()
    page = staff_client.get(url("list"), {"status": "paid", "merchant": "shop_test"})
    assert page.context["search_filters"]  # the active filters are shown


def test_an_impossible_date_range_is_an_error_on_the_form(staff_client, make_order):
    make_order()
    page = staff_client.get(url("list"), {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert page.status_code == 200
    assert page.context["form"].errors["date_to"]
    assert len(page.context["docdata_orders"]) == 1  # unfiltered


def test_an_unknown_status_is_an_error_not_a_crash(staff_client, make_order):
    make_order()
    page = staff_client.get(url("list"), {"status": "bogus"})
    assert page.status_code == 200
    assert page.context["form"].errors["status"]


@override_settings(OSCAR_DASHBOARD_ITEMS_PER_PAGE=2)
def test_the_list_is_paginated_and_keeps_the_filters(staff_client, make_order):
    orders = [make_order(status=DocdataOrder.STATUS_PAID) for _ in range(3)]
    make_order()  # filtered out
    first = staff_client.get(url("list"), {"status": "paid"})
    assert first.context["paginator"].num_pages == 2
    assert "status=paid&amp;page=2" in first.content.decode()
    second = staff_client.get(url("list"), {"status": "paid", "page": 2})
    assert list(second.context["docdata_orders"]) == [orders[0]]


# --- detail ----------------------------------------------------------------------------

def test_detail_shows_totals_payment_lines_and_history(staff_client, order, docdata):
    reply = report(
        captured=2500, refunded=500, charged_back=300,
        captures=[("CAPTURED", 2500, None, "CAP-1")],
        refunds=[("CAPTURED", 500, None, "REF-1")],
        chargebacks=[("CHARGED", 300, "FRAUD", "CB-1")],
    )
    apply(order, docdata, reply)

    page = staff_client.get(url("detail", order))

    assert page.status_code == 200
    html = page.content.decode()
    for text in ("€25.00", "€5.00", "€3.00", str(PAYMENT), "<td>iDEAL</td>", "Authorized",
                 "CAP-1", "REF-1", "CB-1", "FRAUD", order.order_key, order.merchant_order_id,
                 "Capture: €25.00 — done", "Refund: €5.00 — done",
                 "Chargeback: €3.00 — charged back"):
        assert text in html, text
    for code in ("AUTHORIZED", "CAPTURED", "CHARGED<", "paid_refunded", "EUR 25"):
        assert code not in html, code
    history = list(page.context["history"])
    assert [(c.old_status, c.new_status) for c in history] == [("new", "paid_refunded")]
    assert docdata.requests == []  # showing the page asks Docdata nothing


def test_detail_links_to_the_oscar_order_when_it_exists(staff_client, order):
    assert staff_client.get(url("detail", order)).context["oscar_order_url"] is None
    create_order(number=order.order_number)
    page = staff_client.get(url("detail", order))
    expected = reverse("dashboard:order-detail", kwargs={"number": order.order_number})
    assert page.context["oscar_order_url"] == expected
    assert expected in page.content.decode()


def test_detail_links_to_the_back_office(staff_client, order):
    page = staff_client.get(url("detail", order))
    assert page.context["backoffice_url"] == "http://127.0.0.1:9/ps/"  # the base URL in use
    template = "https://backoffice.example/orders?key={order_key}&ref={merchant_order_id}"
    with override_settings(DOCDATA_BACKOFFICE_URL=template):
        page = staff_client.get(url("detail", order))
    link = f"https://backoffice.example/orders?key={order.order_key}&amp;ref=100042"
    assert link in page.content.decode()


# --- actions: confirmation, CSRF -------------------------------------------------------

@pytest.mark.parametrize("page", ["refresh", "cancel", "capture", "refund"])
def test_get_shows_a_confirmation_form_and_changes_nothing(staff_client, order, docdata, page):
    # Cancelling needs an order with nothing captured; refunding one with a capture.
    apply(order, docdata, report(captured=0 if page == "cancel" else 1000))
    before = DocdataOrder.objects.values().get(pk=order.pk)

    response = staff_client.get(url(page, order))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    if page in ("capture", "refund"):
        assert 'name="amount"' in html and 'step="0.01"' in html
        assert 'type="hidden" name="request_key"' in html
    assert docdata.requests == []
    assert DocdataOrder.objects.values().get(pk=order.pk) == before
    assert DocdataStatusChange.objects.count() == 1  # only the setup's change


@pytest.mark.parametrize("page", ["refresh", "cancel", "capture", "refund"])
def test_a_post_without_csrf_token_is_refused(staff_user, order, docdata, page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(url(page, order)).status_code == 403
    assert docdata.requests == []


# --- refresh ---------------------------------------------------------------------------

def test_refresh_applies_docdata_status_and_records_the_staff_user(
    staff_client, staff_user, order, docdata
):
    docdata.add("status", report(captured=2500))

    response = staff_client.post(url("refresh", order), follow=True)

    assert response.redirect_chain[-1][0] == url("detail", order)
    assert docdata.operations() == ["status"]
    order.refresh_from_db()
    assert order.status == "paid"
    change = order.status_changes.get()
    assert (change.old_status, change.new_status) == ("new", "paid")
    assert (change.trigger, change.user) == ("dashboard", staff_user)
    assert any("paid" in text.lower() for text in messages_of(response))


def test_a_refresh_that_changes_nothing_is_still_recorded(staff_client, staff_user, order,
                                                          docdata):
    apply(order, docdata, report(captured=2500))
    docdata.add("status", report(captured=2500))

    response = staff_client.post(url("refresh", order), follow=True)

    assert "no change" in messages_of(response)[0]
    latest = order.status_changes.order_by("-id").first()
    assert (latest.old_status, latest.new_status) == ("paid", "paid")
    assert (latest.trigger, latest.user, latest.note) == ("dashboard", staff_user, "refresh")


# --- cancel ----------------------------------------------------------------------------

def test_cancel_asks_docdata_and_applies_the_result(staff_client, staff_user, order, docdata):
    docdata.add("cancel", replies.cancel_reply("NO_PAYMENTS"))
    docdata.add("status", replies.status_reply(registered=2500))

    response = staff_client.post(url("cancel", order), follow=True)

    assert docdata.operations() == ["cancel", "status"]
    order.refresh_from_db()
    assert order.status == "cancelled"
    change = order.status_changes.get()
    assert (change.new_status, change.trigger, change.user) == ("cancelled", "dashboard",
                                                                staff_user)
    assert messages_of(response) == [
        "The order was cancelled at Docdata before the shopper paid anything; the order is "
        "now Cancelled."]
    assert levels_of(response) == ["success"]


def test_a_refused_cancel_is_an_error_recorded_in_the_history(staff_client, order, docdata):
    # The shop saw an authorization only; Docdata knows of a capture and refuses.
    apply(order, docdata, report())
    docdata.add("cancel", replies.cancel_reply("FAILED"))
    docdata.add("status", report())

    response = staff_client.post(url("cancel", order), follow=True)

    order.refresh_from_db()
    assert order.status == "pending"
    assert levels_of(response) == ["error"]
    [text] = messages_of(response)
    assert text.startswith("Docdata refused to cancel: a payment could not be cancelled, for "
                           "example because money was captured")
    assert "FAILED" not in text
    latest = order.status_changes.order_by("-id").first()
    assert (latest.old_status, latest.new_status, latest.note) == (
        "pending", "pending", "cancel refused by Docdata")


# --- capture ---------------------------------------------------------------------------

def test_full_capture(staff_client, staff_user, order, docdata):
    apply(order, docdata, report())
    assert order.status == "pending"
    docdata.add("capture", replies.capture_reply())
    docdata.add("status", report(captured=2500))

    response = staff_client.post(url("capture", order), form({"amount": "", "payment": ""}),
                                 follow=True)

    assert sent_amounts(docdata, "capture") == [(str(PAYMENT), "2500")]
    order.refresh_from_db()
    assert order.status == "paid"
    change = order.status_changes.order_by("-id").first()
    assert (change.old_status, change.new_status, change.trigger, change.user) == (
        "pending", "paid", "dashboard", staff_user)
    assert messages_of(response) == ["Capture of €25.00 done; the order is now Paid."]
    assert levels_of(response) == ["success"]


def test_partial_capture_of_one_payment(staff_client, staff_user, order, docdata):
    apply(order, docdata, report())
    docdata.add("capture", replies.capture_reply())
    docdata.add("status", report(captured=1000))

    staff_client.post(url("capture", order), form({"amount": "10.00", "payment": str(PAYMENT)}))

    assert sent_amounts(docdata, "capture") == [(str(PAYMENT), "1000")]
    order.refresh_from_db()
    assert order.total_captured == Decimal("10.00")
    assert order.status == "pending"
    latest = order.status_changes.order_by("-id").first()
    assert (latest.old_status, latest.new_status, latest.user) == ("pending", "pending",
                                                                   staff_user)
    assert latest.note == f"capture €10.00 on payment {PAYMENT}"


@pytest.mark.parametrize(
    ("amount", "error"),
    [("25.01", "At most €25.00"), ("0", "more than zero"), ("-5", "more than zero"),
     ("1.005", "at most 2 decimals"), ("ten", "number")],
)
def test_capture_amounts_are_validated_before_anything_is_sent(
    staff_client, order, docdata, amount, error
):
    apply(order, docdata, report())

    response = staff_client.post(url("capture", order), form({"amount": amount}))

    assert response.status_code == 200
    assert error in str(response.context["form"].errors["amount"])
    assert docdata.requests == []


def test_capture_without_an_authorization_is_refused(staff_client, order, docdata):
    response = staff_client.post(url("capture", order), form({"amount": "1.00"}), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", order)
    assert messages_of(response) == ["No authorized amount is left to capture."]
    assert levels_of(response) == ["error"]
    assert docdata.requests == []


# --- refund ----------------------------------------------------------------------------

def test_several_partial_refunds_then_the_rest(staff_client, staff_user, order, docdata):
    apply(order, docdata, report(captured=2500))

    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunded=500,
                                 refunds=[("CAPTURED", 500)]))
    staff_client.post(url("refund", order), form({"amount": "5.00"}))
    order.refresh_from_db()
    assert order.status == "paid_refunded"

    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunded=1000,
                                 refunds=[("CAPTURED", 500), ("CAPTURED", 500)]))
    staff_client.post(url("refund", order), form({"amount": "5.00"}))
    order.refresh_from_db()
    assert order.total_refunded == Decimal("10.00")

    # More than what is left is refused before anything is sent.
    requests_before = len(docdata.requests)
    response = staff_client.post(url("refund", order), form({"amount": "15.01"}))
    assert "At most €15.00" in str(response.context["form"].errors["amount"])
    assert len(docdata.requests) == requests_before

    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(
        captured=2500, refunded=2500,
        refunds=[("CAPTURED", 500), ("CAPTURED", 500), ("CAPTURED", 1500)]))
    staff_client.post(url("refund", order), form({"amount": ""}))  # the rest
    order.refresh_from_db()
    assert order.status == "refunded"

    assert sent_amounts(docdata, "refund") == [
        (str(PAYMENT), "500"), (str(PAYMENT), "500"), (str(PAYMENT), "1500")]
    history = [(c.old_status, c.new_status, c.trigger, c.user)
               for c in order.status_changes.order_by("id")]
    assert history == [
        ("new", "paid", "api", None),  # the setup
        ("paid", "paid_refunded", "dashboard", staff_user),
        ("paid_refunded", "paid_refunded", "dashboard", staff_user),
        ("paid_refunded", "refunded", "dashboard", staff_user),
    ]


def test_refund_without_a_capture_is_refused(staff_client, order, docdata):
    apply(order, docdata, report())
    response = staff_client.post(url("refund", order), form({"amount": "1.00"}), follow=True)
    assert messages_of(response) == ["No captured amount is left to refund."]
    assert docdata.requests == []


def test_refund_of_an_unknown_payment_is_a_form_error(staff_client, order, docdata):
    apply(order, docdata, report(captured=2500))
    response = staff_client.post(url("refund", order), form({"payment": "123"}))
    assert response.context["form"].errors["payment"]
    assert docdata.requests == []


# --- Docdata's errors become messages --------------------------------------------------

def test_docdata_errors_are_shown_on_the_page(staff_client, order, docdata):
    apply(order, docdata, report(captured=2500))
    docdata.add("refund", replies.error_reply(
        "refund", [("REQUEST_DATA_INCORRECT", "Refund amount exceeds captured amount.")]))

    response = staff_client.post(url("refund", order), form({"amount": "5.00"}), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url("detail", order)
    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Docdata refused the refund: Refund amount exceeds captured amount. Nothing was "
        "refunded."]
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.status_changes.count() == 1  # nothing recorded for a refused action


@pytest.mark.parametrize("failure", [requests.ConnectionError, requests.ConnectTimeout])
def test_an_unreachable_docdata_is_a_message(staff_client, order, docdata, failure):
    docdata.fail("status", failure)
    response = staff_client.post(url("refresh", order), follow=True)
    assert response.status_code == 200
    assert "could not be asked" in messages_of(response)[0]
    assert not order.status_changes.exists()


def test_a_soap_fault_is_a_message(staff_client, order, docdata):
    docdata.add("cancel", replies.soap_fault(), status=500)
    response = staff_client.post(url("cancel", order), follow=True)
    assert response.status_code == 200
    assert "could not cancel" in messages_of(response)[0]


def test_missing_credentials_are_a_message(staff_client, make_order, docdata):
    orphan = make_order(merchant="removed_merchant")
    response = staff_client.post(url("refresh", orphan), follow=True)
    assert response.status_code == 200
    assert "No Docdata password is configured" in messages_of(response)[0]
    assert docdata.requests == []


def test_amounts_follow_the_currency_minor_unit(staff_client, make_order, docdata):
    yen = make_order(amount="1200", currency="JPY")
    apply(yen, docdata, replies.status_reply(
        registered=1200, currency="JPY", acquirer_approved=1200,
        payments=[replies.payment_xml(PAYMENT, amount=1200, currency="JPY")]))

    page = staff_client.get(url("capture", yen)).content.decode()
    assert 'step="1"' in page
    response = staff_client.post(url("capture", yen), form({"amount": "1.5"}))
    assert "JPY amounts have at most 0 decimals" in str(response.context["form"].errors)
    assert docdata.requests == []

    docdata.add("capture", replies.capture_reply())
    docdata.add("status", replies.status_reply(
        registered=1200, currency="JPY", acquirer_approved=1200, captured=1200,
        payments=[replies.payment_xml(PAYMENT, amount=1200, currency="JPY",
                                      captures=[("CAPTURED", 1200)])]))
    staff_client.post(url("capture", yen), form({"amount": "1200"}))
    assert sent_amounts(docdata, "capture") == [(str(PAYMENT), "1200")]
    yen.refresh_from_db()
    assert yen.status == "paid"
