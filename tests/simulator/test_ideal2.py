"""iDEAL 2.0: the shopper chooses the bank on the iDEAL page, not in the shop or the menu.

The menu URL carries no bank unless DOCDATA_IDEAL_ISSUER_SELECTION (deprecated) asks;
a Webdirect start without an issuer redirects to the simulated iDEAL page; the
simulator's default profile offers no retired method, whose codes still read.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory

from oscar_docdata.gateway import IdealAuthorizationResult, IdealPayment, builders
from oscar_docdata.methods import RETIRED_METHODS, method_name
from oscar_docdata.simulator import accounts, engine
from oscar_docdata.simulator.conf import STANDARD_METHODS, sim_settings
from oscar_docdata.simulator.models import SimulatedOrder
from oscar_docdata.testing.simulator import DEFAULT_HOST

from .factories import create_order

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")

RETURN = "https://shop.example/docdata/return/"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- the menu URL ----------------------------------------------------------------------


def test_no_bank_in_the_menu_url_by_default(client, caplog):
    key = create_order(client, "I2-URL")
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        url = client.get_payment_menu_url(key, "nl", default_pm="IDEAL", default_act=True,
                                          ideal_issuer_id="INGBNL2A")
    assert "ideal_issuer_id" not in query(url)
    assert query(url)["default_pm"] == ["IDEAL"] and query(url)["default_act"] == ["yes"]
    [record] = [r for r in caplog.records if "ideal_issuer_id" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert "DOCDATA_IDEAL_ISSUER_SELECTION" in record.getMessage()


def test_the_old_request_first_call_leaves_the_bank_out_too(client, caplog):
    key = create_order(client, "I2-OLD")
    request = RequestFactory().get("/checkout/preview/")
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        url = client.get_payment_menu_url(request, key, ideal_issuer_id="INGBNL2A")
    assert "ideal_issuer_id" not in query(url)
    assert any("DOCDATA_IDEAL_ISSUER_SELECTION" in r.getMessage() for r in caplog.records)


def test_with_the_setting_the_bank_is_sent_with_a_deprecation_warning(client, settings):
    settings.DOCDATA_IDEAL_ISSUER_SELECTION = True
    key = create_order(client, "I2-ON")
    with pytest.warns(DeprecationWarning, match="iDEAL 2.0"):
        url = client.get_payment_menu_url(key, "nl", ideal_issuer_id="INGBNL2A")
    assert query(url)["ideal_issuer_id"] == ["INGBNL2A"]


def test_without_an_issuer_nothing_is_said(client, caplog, recwarn):
    key = create_order(client, "I2-NONE")
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        url = client.get_payment_menu_url(key, "nl", default_pm="IDEAL")
    assert "ideal_issuer_id" not in query(url)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [w for w in recwarn
                                       if issubclass(w.category, DeprecationWarning)]


# --- Webdirect start -------------------------------------------------------------------


def test_the_start_request_carries_no_issuer_without_one():
    payment = builders.payment_input(IdealPayment())
    assert payment == {"paymentMethod": "IDEAL", "iDealPaymentInput": {}}
    assert builders.payment_input(IdealPayment("INGBNL2A"))["iDealPaymentInput"] == {
        "issuerId": "INGBNL2A"}


@pytest.mark.parametrize("outcome,status", [("success", "AUTHORIZED"),
                                            ("cancel", "CANCELED")])
def test_start_without_an_issuer_goes_to_the_ideal_page(client, browser, outcome, status):
    key = create_order(client, f"I2-START-{outcome}")
    started = client.start(key, IdealPayment(), return_url=RETURN)  # schema-checked both ways
    assert started.status == "REDIRECTED_FOR_AUTHENTICATION"
    assert started.redirect.method == "GET" and started.redirect.url.endswith("/choose/")
    ideal = browser.get(started.redirect.url)
    # In the shopper's language (the factories' shopper is Dutch).
    assert ideal.status_code == 200 and "iDEAL — kies uw bank" in ideal.text
    assert "<select" not in ideal.text and 'type="radio" name="issuer"' in ideal.text
    # The bank page cannot be reached before a bank is chosen.
    early = browser.get(started.redirect.url.replace("choose/", ""))
    assert early.status_code == 302 and early.headers["Location"].endswith("/choose/")
    bank = browser.get(DEFAULT_HOST + browser.submit(ideal, {"issuer": "TRIONL2U"})
                       .headers["Location"])
    assert bank.status_code == 200 and "Triodos Bank" in bank.text
    answer = browser.submit(bank, {"outcome": outcome})
    assert (answer.status_code, answer.headers["Location"]) == (302, RETURN)
    assert client.proceed(started.payment_id, IdealAuthorizationResult()).status == status
    [line] = client.status_extended(key).payments
    assert line.extended.details["issuerId"] == "TRIONL2U"
    if status == "AUTHORIZED":  # Webdirect: the shop captures
        assert not line.authorization.captures


def test_start_with_an_old_issuer_goes_straight_to_the_bank(client, browser):
    key = create_order(client, "I2-BIC")
    started = client.start(key, IdealPayment("RABONL2U"), return_url=RETURN)
    assert not started.redirect.url.endswith("/choose/")
    assert "Rabobank" in browser.get(started.redirect.url).text


def test_list_payment_methods_still_names_the_issuers(client):
    key = create_order(client, "I2-LIST")
    [ideal] = [m for m in client.list_payment_methods(key) if m.name == "IDEAL"]
    assert ("INGBNL2A", "ING") in {(issuer.id, issuer.name) for issuer in ideal.issuers}


# --- retired methods -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_profile_offers_no_retired_method():
    assert not set(STANDARD_METHODS) & RETIRED_METHODS
    assert not set(sim_settings.profiles()["standard"]) & RETIRED_METHODS
    assert not set(accounts.profile_methods("standard")) & RETIRED_METHODS


def test_retired_methods_are_not_in_the_menu(client, browser):
    key = create_order(client, "I2-RETIRED")
    page = browser.get(client.get_payment_menu_url(key, "en"))
    for code in RETIRED_METHODS:
        assert f'value="{code}"' not in page.text


def test_an_old_code_in_a_report_still_reads(client):
    key = create_order(client, "I2-GIRO")
    order = SimulatedOrder.objects.get(order_key=key)
    engine.create_attempt(order, "GIROPAY", "AUTHORIZED", details={})
    [line] = client.status(key).payments
    assert line.payment_method == "GIROPAY" and method_name(line.payment_method) == "giropay"
