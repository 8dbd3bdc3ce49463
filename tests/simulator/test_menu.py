"""The hosted payment menu, without a browser: GET it, submit the form, follow the redirect."""

import socket
import time
from decimal import Decimal

import pytest
import requests

from oscar_docdata.gateway import DocdataClient, IdealPayment
from oscar_docdata.simulator import notifications
from oscar_docdata.simulator.models import PaymentAttempt
from oscar_docdata.testing.simulator import DEFAULT_HOST, InProcessAdapter

from .browser import Browser, forms
from .factories import create_order, invoice
from .receiver_urls import receiver

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")

SHOP = "https://shop.example/back/"
RETURNS = {f"return_url_{kind}": f"{SHOP}?callback={kind}"
           for kind in ("success", "pending", "canceled", "error")}


@pytest.mark.django_db(transaction=True)
def test_menu_to_return_url_and_notification(docdata_live_simulator, live_server, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    client = DocdataClient()
    key = create_order(client, "MENU-1", "12.34", invoice=invoice(Decimal("12.34")))
    back = f"{live_server.url}/shop/return/"
    url = client.get_payment_menu_url(
        key, "nl", return_url_success=f"{back}?callback=SUCCESS&order_id={key}",
        return_url_pending=f"{back}?callback=PENDING&order_id={key}",
        return_url_canceled=f"{back}?callback=CANCELLED&order_id={key}",
        return_url_error=f"{back}?callback=ERROR&order_id={key}")
    browser = Browser()
    try:
        page = browser.get(url)
        assert page.status_code == 200
        assert '<html lang="nl">' in page.text
        for shown in ("shop_test", "EUR 12.34", "Tea pot", "Order MENU-1"):
            assert shown in page.text
        answer = browser.submit(page, {"method": "IDEAL", "issuer": "INGBNL2A",
                                       "outcome": "paid"})
        assert answer.status_code == 302
        assert answer.headers["Location"] == f"{back}?callback=SUCCESS&order_id={key}"
        shop = browser.get(answer.headers["Location"])
    finally:
        browser.close()
    assert shop.status_code == 200 and "callback=SUCCESS" in shop.text
    assert receiver.arrived.wait(10)
    assert receiver.calls == ["MENU-1"]
    assert notifications.wait_until_idle(10)
    [notification] = docdata_live_simulator.notifications(key)
    assert notification.status_code == 200
    totals = client.status(key).totals
    assert (totals.acquirer_approved, totals.captured) == (1234, 1234)


@pytest.mark.django_db(transaction=True)
def test_the_menu_never_waits_for_the_notification(docdata_live_simulator, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections, never answers
    settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    settings.DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS = 1
    settings.DOCDATA_SIMULATOR_NOTIFY_TIMEOUT = 1.5
    settings.DOCDATA_SIMULATOR_UPDATE_URLS = {
        "shop_test": f"http://127.0.0.1:{silent.getsockname()[1]}/?order_id="}
    client = DocdataClient()
    key = create_order(client, "MENU-2")
    browser = Browser()
    try:
        page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
        started = time.monotonic()
        answer = browser.submit(page, {"method": "VISA", "outcome": "authorized"})
        elapsed = time.monotonic() - started
    finally:
        browser.close()
    assert answer.status_code == 302 and elapsed < 1.0
    assert notifications.wait_until_idle(10)
    [notification] = docdata_live_simulator.notifications(key)
    assert "Timeout" in notification.error
    silent.close()


@pytest.mark.parametrize("outcome,method,kind,status", [
    ("paid", "MASTERCARD", "success", "AUTHORIZED"),
    ("authorized", "AMEX", "success", "AUTHORIZED"),
    ("pending", "BANK_TRANSFER", "pending", "AUTHORIZATION_REQUESTED"),
    ("cancelled", "IDEAL", "canceled", "CANCELED"),
    ("failed", "MISTERCASH", "error", "AUTHORIZATION_FAILED"),
])
def test_each_outcome_goes_to_its_return_url(client, browser, outcome, method, kind, status):
    key = create_order(client, f"O-{outcome}")
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    answer = browser.submit(page, {"method": method, "outcome": outcome})
    assert (answer.status_code, answer.headers["Location"]) == (302, f"{SHOP}?callback={kind}")
    [line] = client.status(key).payments
    assert (line.payment_method, line.authorization.status) == (method, status)
    captured = sum(c.amount for c in line.authorization.captures)
    assert captured == (1234 if outcome == "paid" else 0)


def test_get_changes_nothing_and_post_needs_the_csrf_token(client, browser):
    key = create_order(client, "O-GET")
    url = client.get_payment_menu_url(key, "en", **RETURNS)
    for _ in range(3):
        assert browser.get(url).status_code == 200
    assert not PaymentAttempt.objects.exists()
    fields = {name: value for name, value in forms(browser.get(url).text)[0]["fields"].items()
              if value is not None and name != "csrfmiddlewaretoken"}
    fields.update(method="VISA", outcome="paid")
    anonymous = requests.Session()
    anonymous.mount(DEFAULT_HOST + "/", InProcessAdapter())
    assert anonymous.post(url.split("?")[0], data=fields, timeout=5).status_code == 403
    assert not PaymentAttempt.objects.exists()


def test_default_pm_and_default_act_skip_the_choice(client, browser):
    key = create_order(client, "O-ACT")
    page = browser.get(client.get_payment_menu_url(
        key, "en", default_pm="IDEAL", default_act=True, ideal_issuer_id="RABONL2U", **RETURNS))
    assert "You pay with IDEAL" in page.text and "Rabobank" in page.text
    assert 'name="method" value="VISA"' not in page.text
    answer = browser.submit(page, {"outcome": "paid"})
    assert answer.headers["Location"] == f"{SHOP}?callback=success"
    line = client.status_extended(key).payments[0]
    assert line.extended.details["issuerId"] == "RABONL2U"


def test_default_pm_preselects_the_method(client, browser):
    key = create_order(client, "O-PM")
    page = browser.get(client.get_payment_menu_url(key, "en", default_pm="VISA"))
    assert forms(page.text)[0]["fields"]["method"] == "VISA"


def test_ideal_needs_a_bank(client, browser):
    key = create_order(client, "O-BANK")
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    answer = browser.submit(page, {"method": "IDEAL", "outcome": "paid"})
    assert answer.status_code == 400 and "Choose a bank" in answer.text


def test_without_return_url_the_merchants_default_then_a_page(client, browser, settings):
    key = create_order(client, "O-NORET", "30.00")
    url = client.get_payment_menu_url(key, "en")
    answer = browser.submit(browser.get(url), {"method": "VISA", "outcome": "failed"})
    assert answer.status_code == 200 and "No return URL" in answer.text
    settings.DOCDATA_SIMULATOR_RETURN_URLS = {"shop_test": {"error": "https://shop.example/e"}}
    answer = browser.submit(browser.get(url), {"method": "VISA", "outcome": "failed"})
    assert (answer.status_code, answer.headers["Location"]) == (302, "https://shop.example/e")


def test_unknown_orders_merchants_and_commands(client, browser):
    key = create_order(client, "O-404")
    url = client.get_payment_menu_url(key, "en")
    assert browser.get(url.replace(key, "0" * 32)).status_code == 404
    assert browser.get(url.replace("merchant_name=shop_test",
                                   "merchant_name=shop_sub")).status_code == 404
    assert browser.get(url.replace("command=show_payment_cluster",
                                   "command=other")).status_code == 400


def test_a_paid_or_cancelled_order_offers_nothing(client, browser, docdata_simulator):
    paid = create_order(client, "O-PAID")
    docdata_simulator.settle(paid, "paid")
    page = browser.get(client.get_payment_menu_url(paid, "en"))
    assert "paid already" in page.text and forms(page.text) == []
    cancelled = create_order(client, "O-CANC")
    client.cancel(cancelled)
    page = browser.get(client.get_payment_menu_url(cancelled, "nl"))
    assert "geannuleerd" in page.text and forms(page.text) == []


@pytest.mark.parametrize("language,shown,text", [
    ("en", "en", "Pay your order"),
    ("nl", "nl", "Betaal uw bestelling"),
    ("de", "nl", "Betaal uw bestelling"),  # not offered: the shopper's language
])
def test_the_menu_speaks_the_client_language(client, browser, language, shown, text):
    key = create_order(client, f"O-{language}")
    page = browser.get(client.get_payment_menu_url(key, language))
    assert f'<html lang="{shown}">' in page.text and text in page.text


def test_a_started_payment_keeps_the_menu_open(client, browser):
    key = create_order(client, "O-START")
    client.start(key, IdealPayment("INGBNL2A"))
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    answer = browser.submit(page, {"method": "IDEAL", "issuer": "INGBNL2A", "outcome": "paid"})
    assert answer.status_code == 302
    [line] = client.status(key).payments  # the open attempt was completed, not a new one
    assert line.authorization.status == "AUTHORIZED"
