"""Staff use the Docdata dashboard in a real browser, against the simulator.

A partial refund stays pending at the simulator until settled: the dashboard shows it in
progress and offers only the rest; a cancel Docdata refuses shows as an error. Runs
against pytest-django's live_server; skipped (with the reason) where Debian's chromium or
Playwright's package is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.db import connections
from django.test import Client, override_settings
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config

from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder
from oscar_docdata.simulator import notifications
from tests.operations.conftest import create_docdata_order

from .browser import chromium_missing, chromium_page, step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
]

DASHBOARD_APP = "oscar_docdata.dashboard"


@pytest.fixture(autouse=True)
def dashboard() -> Iterator[None]:
    """The dashboard app installed and mounted (tests.operations.urls), as the docs say."""
    overrides = {"ROOT_URLCONF": "tests.operations.urls"}
    if DASHBOARD_APP not in django_settings.INSTALLED_APPS:
        overrides["INSTALLED_APPS"] = [*django_settings.INSTALLED_APPS, DASHBOARD_APP]
    with override_settings(**overrides):
        _dashboard_url_names_to_config.cache_clear()
        yield
    _dashboard_url_names_to_config.cache_clear()


@pytest.fixture(autouse=True)
def django_allow_async_unsafe(monkeypatch):
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM
    # queries run between browser calls, never concurrently with the loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def staff(transactional_db, django_user_model):
    user = django_user_model.objects.create_user(
        "staff", "staff@example.com", "x", is_staff=True, first_name="Sam", last_name="Staff"
    )
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="oscar_docdata",
        codename__in=("view_docdataorder", "change_docdataorder"),
    ))
    return user


@pytest.fixture
def page(live_server, staff):
    """A browser logged in as ``staff`` (the session cookie of a forced login)."""
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with chromium_page() as page:
        page.context.add_cookies([{
            "name": django_settings.SESSION_COOKIE_NAME, "value": cookie,
            "url": live_server.url,
        }])
        yield page
        connections.close_all()  # see test_checkout_in_browser.page


def notified() -> None:
    """Wait for the simulator's notifications (a worker thread on PostgreSQL)."""
    assert notifications.wait_until_idle(10), "the simulator's notifications did not finish"


def detail_url(live_server, order: DocdataOrder) -> str:
    return f"{live_server.url}/dashboard/docdata/{order.pk}/"


def messages(page) -> str:
    return page.inner_text("#messages")


def submit_refund(page, amount: str) -> None:
    page.fill("#id_amount", amount)
    page.click(".card-body form[method=post] button[type=submit]")


def test_partial_refunds_stay_pending_until_docdata_settles_them(page, live_server, simulator,
                                                                 request):
    name = request.node.name
    order = create_docdata_order("10.00")
    simulator.settle(order.order_key, "paid")
    notified()
    order.refresh_from_db()
    assert (order.status, order.total_captured) == ("paid", Decimal("10.00"))
    detail = detail_url(live_server, order)

    with step(page, name, "refund-4"):
        page.goto(detail)
        assert page.locator("#docdata_cancel").count() == 0  # paid: no cancel
        page.click("#docdata_refund")
        page.wait_for_url(re.compile(r"/refund/$"))
        submit_refund(page, "4.00")
        page.wait_for_url(detail)
        assert "Refund of €4.00 requested; Docdata reports it in progress." in messages(page)
        assert page.locator("#messages .alert-success").count() == 1
    first = DocdataMoneyRequest.objects.get()
    assert (first.state, first.docdata_status) == ("pending", "NEW")  # pending at Docdata

    with step(page, name, "pending-shown"):
        requests_table = page.inner_text("#docdata_money_requests")
        assert "In progress at Docdata" in requests_table and "€4.00" in requests_table
        assert "Refund: €4.00 — requested" in page.inner_text("#docdata_payments")

    with step(page, name, "only-6-left"):
        page.click("#docdata_refund")
        page.wait_for_url(re.compile(r"/refund/$"))
        assert "€6.00" in page.inner_text(".card-body dl")
        options = page.locator("#id_payment option").all_inner_texts()
        assert options[1:] == [f"{first.payment.payment_id} iDEAL (€6.00)"]
        submit_refund(page, "6.01")
        page.wait_for_selector("text=At most €6.00 is available.")
        assert DocdataMoneyRequest.objects.count() == 1  # refused before sending

    with step(page, name, "refund-6"):
        submit_refund(page, "6.00")
        page.wait_for_url(detail)
        assert "Refund of €6.00 requested" in messages(page)
    assert DocdataMoneyRequest.objects.filter(state="pending").count() == 2

    simulator.settle_pending(order.order_key)
    notified()

    with step(page, name, "refresh"):
        page.goto(detail)
        page.click("text=Refresh status")
        page.wait_for_url(re.compile(r"/refresh/$"))
        page.click(".card-body form[method=post] button[type=submit]")
        page.wait_for_url(detail)
        assert page.inner_text("#docdata_money_requests").count("Done") == 2
        assert "Refunded" in page.inner_text("#docdata_order_details")
        assert page.locator("#docdata_refund").count() == 0
    order.refresh_from_db()
    assert (order.status, order.total_refunded) == ("refunded", Decimal("10.00"))


def test_a_cancel_docdata_refuses_is_an_error(page, live_server, simulator, settings, request):
    name = request.node.name
    order = create_docdata_order("10.00")
    simulator.settle(order.order_key, "authorized")
    notified()
    order.refresh_from_db()
    assert order.status == "pending"
    # Captured in Docdata's Back Office, and the shop not told: it still offers cancel.
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    simulator.capture(order.order_key)
    detail = detail_url(live_server, order)

    with step(page, name, "cancel"):
        page.goto(detail)
        page.click("#docdata_cancel")
        page.wait_for_url(re.compile(r"/cancel/$"))
        page.click(".card-body form[method=post] button[type=submit]")
        page.wait_for_url(detail)
    with step(page, name, "error-shown"):
        error = page.locator("#messages .alert-danger")
        assert error.count() == 1
        assert "Docdata refused to cancel" in error.inner_text()
        assert page.locator("#messages .alert-success").count() == 0
        assert "FAILED" not in messages(page)
    order.refresh_from_db()
    assert order.status != "cancelled"
    assert order.status_changes.order_by("-id").first().note == "cancel refused by Docdata"
