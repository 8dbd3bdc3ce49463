"""The overview page with its event buttons, and the bank pages' GET/POST rules."""

from urllib.parse import urljoin

import pytest
import requests

from oscar_docdata.gateway import IdealPayment
from oscar_docdata.simulator.models import PaymentAttempt
from oscar_docdata.testing.simulator import DEFAULT_HOST, InProcessAdapter

from .browser import forms
from .conftest import log_in
from .factories import create_order

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")


def overview_url(sim) -> str:
    return sim.base_url + "/"


def order_form(page, key) -> int:
    return next(index for index, form in enumerate(forms(page.text))
                if form["fields"].get("order_key") == key)


def test_overview_lists_orders_and_runs_events(client, staff_browser, docdata_simulator):
    browser = staff_browser
    key = create_order(client, "OV-1", "25.00")
    page = browser.get(overview_url(docdata_simulator))
    assert page.status_code == 200 and "OV-1" in page.text and "No payments yet." in page.text
    answer = browser.submit(page, {"action": "pay", "method": "VISA"}, order_form(page, key))
    assert answer.status_code == 302
    done = browser.get(urljoin(page.url, answer.headers["Location"]))
    assert "authorized and captured: EUR 25.00" in done.text
    assert "VISA" in done.text and "AUTHORIZED" in done.text
    answer = browser.submit(done, {"action": "refund", "amount": "5.00"}, order_form(done, key))
    done = browser.get(urljoin(page.url, answer.headers["Location"]))
    assert "Refunded EUR 5.00" in done.text
    assert client.status(key).totals.refunded == 500


def test_overview_shows_what_went_wrong(client, staff_browser, docdata_simulator):
    browser = staff_browser
    key = create_order(client, "OV-2")
    page = browser.get(overview_url(docdata_simulator))
    answer = browser.submit(page, {"action": "refund"}, order_form(page, key))
    assert answer.status_code == 409 and "No payment has a captured amount" in answer.text


def test_overview_events_need_the_csrf_token(client, docdata_simulator):
    key = create_order(client, "OV-3")
    session = requests.Session()
    session.mount(DEFAULT_HOST + "/", InProcessAdapter())
    log_in(session)  # staff, but no CSRF token
    answer = session.post(overview_url(docdata_simulator),
                          data={"order_key": key, "action": "pay"}, timeout=5)
    assert answer.status_code == 403
    assert not PaymentAttempt.objects.exists()


def test_a_forged_done_message_is_not_shown(staff_browser, docdata_simulator):
    browser = staff_browser
    page = browser.get(overview_url(docdata_simulator) + "?done=Everything%20is%20paid")
    assert page.status_code == 200 and "Everything is paid" not in page.text


def test_bank_pages_change_nothing_on_get(client, browser):
    key = create_order(client, "BK-1")
    started = client.start(key, IdealPayment("INGBNL2A"), return_url="https://shop.example/r")
    for _ in range(2):
        assert browser.get(started.redirect.url).status_code == 200
    assert PaymentAttempt.objects.get().status == "REDIRECTED_FOR_AUTHENTICATION"
    unknown = started.redirect.url.replace(str(started.payment_id), "1")
    assert browser.get(unknown).status_code == 404


def test_the_acs_refuses_what_it_did_not_issue(docdata_simulator, browser):
    answer = browser.session.post(f"{docdata_simulator.base_url}/bank/acs/",
                                  data={"MD": "x", "PaReq": "forged", "TermUrl": "https://x"},
                                  timeout=5)
    assert answer.status_code == 400
    assert browser.get(f"{docdata_simulator.base_url}/bank/acs/").status_code == 405
