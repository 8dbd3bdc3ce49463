"""The dashboard and orders of subject merchants (sub-merchants) and recurring charges."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies

from .test_dashboard import messages_of, report, url

TOKEN = "tea-C0rner-token-7f3a"  # noqa: S105 - a test secret


@pytest.fixture(autouse=True)
def subject_merchants(settings: Any) -> None:
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": TOKEN, "book_nook": "b00k-t0ken"}


def found(staff_client: Any, **params: str) -> set[DocdataOrder]:
    return set(staff_client.get(url("list"), params).context["docdata_orders"])


def test_the_list_shows_and_filters_by_subject_merchant(staff_client, make_order):
    tea = make_order(subject_merchant_name="tea_corner")
    books = make_order(subject_merchant_name="book_nook")
    own = make_order()

    page = staff_client.get(url("list"))
    html = page.content.decode()
    assert "Subject merchant" in html
    assert "tea_corner" in html and "book_nook" in html
    form = page.context["form"]
    assert [value for value, _label in form.fields["subject_merchant"].choices] == [
        "", "-", "book_nook", "tea_corner"]

    assert found(staff_client, subject_merchant="tea_corner") == {tea}
    assert found(staff_client, subject_merchant="-") == {own}
    assert found(staff_client) == {tea, books, own}
    assert found(staff_client, subject_merchant="tea_corner", merchant="shop_sub") == set()
    page = staff_client.get(url("list"), {"subject_merchant": "tea_corner"})
    assert "subject merchant tea_corner" in page.context["search_filters"]
    assert TOKEN not in page.content.decode()


def test_a_subject_merchant_no_longer_configured_stays_reachable(staff_client, make_order,
                                                                 settings):
    gone = make_order(subject_merchant_name="old_stall")
    make_order()
    assert found(staff_client, subject_merchant="old_stall") == {gone}


def test_the_list_reads_one_page_without_a_query_per_row(
        staff_client, make_order, django_assert_max_num_queries):
    for index in range(3):
        make_order(subject_merchant_name="tea_corner" if index % 2 else "")
    with django_assert_max_num_queries(20) as few:
        staff_client.get(url("list"), {"subject_merchant": "tea_corner"})
    for _index in range(12):
        make_order(subject_merchant_name="tea_corner")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff_client.get(url("list"), {"subject_merchant": "tea_corner"})
    assert len(page.context["docdata_orders"]) == 13


def test_the_detail_shows_the_subject_merchant_and_the_series(staff_client, make_order):
    initial = make_order(subject_merchant_name="tea_corner", initial_payment_reference="SUB-1")
    later = make_order(subject_merchant_name="tea_corner", recurring_initial_order=initial)
    html = staff_client.get(url("detail", initial)).content.decode()
    assert "tea_corner" in html and "SUB-1" in html
    html = staff_client.get(url("detail", later)).content.decode()
    assert url("detail", initial) in html
    assert TOKEN not in html


def test_refresh_of_a_subject_merchant_order_carries_it(staff_client, make_order, docdata):
    order = make_order(amount="25.00", subject_merchant_name="tea_corner")
    docdata.add("status", report(captured=2500))
    response = staff_client.post(url("refresh", order), follow=True)
    assert response.status_code == 200
    [request] = docdata.requests
    subject = request.xml().find(".//{*}merchant/{*}subjectMerchant")
    assert etree.QName(subject).localname == "subjectMerchant"
    assert (subject.get("name"), subject.get("token")) == ("tea_corner", TOKEN)
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID


def test_an_unconfigured_subject_merchant_is_a_message(staff_client, make_order, docdata):
    order = make_order(subject_merchant_name="old_stall")
    docdata.add("status", replies.status_reply(registered=2500))
    response = staff_client.post(url("refresh", order), follow=True)
    assert response.status_code == 200
    assert "DOCDATA_SUBJECT_MERCHANT_TOKENS" in messages_of(response)[0]
    assert docdata.requests == []
