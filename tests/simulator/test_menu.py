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
        for shown in ("shop_test", "€\xa012,34", "Tea pot", "<h1>Order MENU-1</h1>"):
            assert shown in page.text
        assert 'name="issuer"' not in page.text.replace('type="hidden" name="issuer"', "")
        # iDEAL 2.0: the menu sends the shopper to the iDEAL page, the bank is chosen there.
        answer = browser.submit(page, {"method": "IDEAL"})
        assert answer.status_code == 302 and "/choose/" in answer.headers["Location"]
        ideal = browser.get(live_server.url + answer.headers["Location"])
        assert ideal.status_code == 200 and "iDEAL" in ideal.text and "Rabobank" in ideal.text
        answer = browser.submit(ideal, {"issuer": "INGBNL2A"})
        assert answer.status_code == 302
        bank = browser.get(live_server.url + answer.headers["Location"])
        assert bank.status_code == 200 and "ING" in bank.text
        answer = browser.submit(bank, {"outcome": "success"})
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
    assert client.status_extended(key).payments[0].extended.details["issuerId"] == "INGBNL2A"


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
        key, "en", default_pm="IDEAL", default_act=True, **RETURNS))
    assert "You pay with iDEAL." in page.text
    assert 'name="method" value="VISA"' not in page.text
    answer = browser.submit(page, {})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/choose/")


def test_an_old_ideal_issuer_id_goes_straight_to_the_bank(client, browser, settings):
    settings.DOCDATA_IDEAL_ISSUER_SELECTION = True
    key = create_order(client, "O-ISSUER")
    with pytest.warns(DeprecationWarning, match="iDEAL 2.0"):
        url = client.get_payment_menu_url(key, "en", default_pm="IDEAL", default_act=True,
                                          ideal_issuer_id="RABONL2U", **RETURNS)
    page = browser.get(url)
    assert "You pay with iDEAL." in page.text and "Rabobank" in page.text
    answer = browser.submit(page, {})
    assert answer.status_code == 302 and "/choose/" not in answer.headers["Location"]
    bank = browser.get(DEFAULT_HOST + answer.headers["Location"])
    assert "Rabobank" in bank.text
    answer = browser.submit(bank, {"outcome": "success"})
    assert answer.headers["Location"] == f"{SHOP}?callback=success"
    line = client.status_extended(key).payments[0]
    assert line.extended.details["issuerId"] == "RABONL2U"
    assert line.authorization.status == "AUTHORIZED"
    assert sum(c.amount for c in line.authorization.captures) == 1234  # iDEAL: paid


def test_default_pm_preselects_the_method(client, browser):
    key = create_order(client, "O-PM")
    page = browser.get(client.get_payment_menu_url(key, "en", default_pm="VISA"))
    assert forms(page.text)[0]["fields"]["method"] == "VISA"


@pytest.mark.parametrize("outcome,kind,status", [
    ("success", "success", "AUTHORIZED"),
    ("cancel", "canceled", "CANCELED"),
    ("failure", "error", "AUTHORIZATION_FAILED"),
])
def test_ideal_in_the_menu_ends_at_the_bank(client, browser, outcome, kind, status):
    key = create_order(client, f"O-IDEAL-{outcome}")
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    assert 'class="tiles"' in page.text and "<select" not in page.text  # no bank dropdown
    ideal = browser.get(DEFAULT_HOST + browser.submit(page, {"method": "IDEAL"})
                        .headers["Location"])
    assert "iDEAL — choose your bank" in ideal.text
    bank_page = browser.get(DEFAULT_HOST + browser.submit(ideal, {"issuer": "ABNANL2A"})
                            .headers["Location"])
    assert "ABN AMRO" in bank_page.text
    answer = browser.submit(bank_page, {"outcome": outcome})
    assert (answer.status_code, answer.headers["Location"]) == (302, f"{SHOP}?callback={kind}")
    [line] = client.status_extended(key).payments
    assert (line.payment_method, line.authorization.status) == ("IDEAL", status)


def test_the_ideal_page_needs_a_bank_and_can_cancel(client, browser):
    key = create_order(client, "O-BANK")
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    ideal = browser.get(DEFAULT_HOST + browser.submit(page, {"method": "IDEAL"})
                        .headers["Location"])
    assert browser.submit(ideal, {}).status_code == 400
    assert browser.submit(ideal, {"issuer": "NOTABANK"}).status_code == 400
    answer = browser.submit(ideal, {"cancel": "1"})
    assert (answer.status_code, answer.headers["Location"]) == (302, f"{SHOP}?callback=canceled")
    assert client.status(key).payments[0].authorization.status == "CANCELED"


def test_the_menu_cancel_button_needs_no_method(client, browser):
    key = create_order(client, "O-CANCEL")
    page = browser.get(client.get_payment_menu_url(key, "en", **RETURNS))
    answer = browser.submit(page, {"outcome": "cancelled"})
    assert (answer.status_code, answer.headers["Location"]) == (302, f"{SHOP}?callback=canceled")
    assert browser.submit(browser.get(page.url), {"outcome": "paid"}).status_code == 400


@pytest.mark.parametrize("language,names,amount", [
    ("en", ["Bank transfer", "SEPA direct debit", "Bancontact", "iDEAL", "PayPal"],
     "€12.34"),
    ("nl", ["Bankoverschrijving", "SEPA-incasso", "Bancontact", "iDEAL", "PayPal"],
     "€\xa012,34"),
])
def test_the_menu_shows_method_names_and_amounts_in_the_shoppers_language(
        client, browser, language, names, amount):
    key = create_order(client, f"O-NAMES-{language}")
    page = browser.get(client.get_payment_menu_url(key, language))
    for name in names:
        assert f'<span class="name">{name}' in page.text
    assert f'<dd id="amount">{amount}</dd>' in page.text
    assert ">MISTERCASH<" not in page.text and "EUR 12.34" not in page.text


def test_the_dutch_menu_uses_the_dutch_method_names(client, browser):
    from django.utils import translation

    from oscar_docdata.methods import method_name
    key = create_order(client, "O-NAMES-NL2")
    page = browser.get(client.get_payment_menu_url(key, "nl"))
    with translation.override("nl"):
        for code in ("BANK_TRANSFER", "SEPA_DIRECT_DEBIT"):
            assert f'<span class="name">{method_name(code)}' in page.text


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
    answer = browser.submit(page, {"method": "IDEAL"})
    bank = browser.get(DEFAULT_HOST + answer.headers["Location"])  # its bank is known
    answer = browser.submit(bank, {"outcome": "success"})
    assert answer.headers["Location"] == f"{SHOP}?callback=success"
    [line] = client.status(key).payments  # the open attempt was completed, not a new one
    assert line.authorization.status == "AUTHORIZED"
