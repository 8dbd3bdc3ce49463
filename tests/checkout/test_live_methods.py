"""The live method list: the checkout offers what Docdata's listPaymentMethods answers.

The simulator runs behind the live server: the plugin calls it over real HTTP. Its
"standard" profile offers IDEAL, MASTERCARD, VISA, AMEX, MISTERCASH,
PAYPAL_EXPRESS_CHECKOUT, SEPA_DIRECT_DEBIT and BANK_TRANSFER (not EPS).
"""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from oscar_docdata.gateway.transport import get_http_session
from oscar_docdata.method_list import MethodScope, cached_entry, failure_remembered, needs_refresh

from .shop import ADDRESS, fill_basket

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.urls("tests.checkout.urls_method_codes")]

STANDARD = ["IDEAL", "MASTERCARD", "VISA", "AMEX", "MISTERCASH", "PAYPAL_EXPRESS_CHECKOUT",
            "SEPA_DIRECT_DEBIT", "BANK_TRANSFER"]
Country = get_model("address", "Country")

#: Seconds the slow Docdata takes to answer listPaymentMethods.
SLOW = 3.0

NL = MethodScope.of("shop_test", "standard", "NL")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def list_calls(caplog):
    """The listPaymentMethods calls the plugin made (its log line of each, answered or
    failed)."""
    caplog.set_level(logging.INFO, logger="oscar_docdata")

    def calls() -> int:
        return sum(1 for record in caplog.records
                   if record.getMessage().startswith("Docdata listPaymentMethods for"))

    return calls


def payment_details(client: Client, product, prefix: str = "live"):
    fill_basket(client, product)
    response = client.post(reverse("checkout:index"),
                           {"username": "anna@example.com", "options": "anonymous"})
    assert response.status_code == 302
    assert client.post(reverse("checkout:shipping-address"), ADDRESS).status_code == 302
    client.get(reverse("checkout:shipping-method"))
    started = time.monotonic()
    response = client.get(f"/{prefix}/payment-details/")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    return response, elapsed


def offered(response) -> list[tuple[str, str]] | None:
    form = response.context["payment_method_form"]
    if form is None:
        return None
    return [(str(code), str(label)) for code, label in form.fields["payment_method"].choices]


def place(client: Client, prefix: str = "live", method: str | None = "IDEAL"):
    data = {"action": "place_order"}
    if method:
        data["payment_method"] = method
    started = time.monotonic()
    response = client.post(f"/{prefix}/preview/", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:2000]
    assert "payment_cluster_key=" in response["Location"]
    return response, elapsed


def test_one_call_fills_the_list_for_every_later_checkout(
    product, docdata_live_simulator, list_calls,
):
    # Nothing known yet: the configured list as it is.
    response, _elapsed = payment_details(Client(), product)
    assert offered(response) == [("BANK_TRANSFER", "Bank transfer"), ("EPS", "eps"),
                                 ("IDEAL", "iDEAL")]
    assert list_calls() == 0  # the page asks Docdata nothing

    shopper = Client()
    payment_details(shopper, product)
    place(shopper, method="IDEAL")
    assert list_calls() == 1
    assert cached_entry(NL)["methods"] == STANDARD

    # Every later checkout: Docdata's list restricts the configured one (order kept).
    for _ in range(3):
        shopper = Client(headers={"accept-language": "nl"})
        response, _elapsed = payment_details(shopper, product)
        # A Dutch shopper: the names in Dutch (brand names are the same in every language).
        assert offered(response) == [("BANK_TRANSFER", "Bankoverschrijving"), ("IDEAL", "iDEAL")]
        place(shopper, method="BANK_TRANSFER")
    assert list_calls() == 1  # fresh: no further call


def test_without_configured_methods_every_live_method_with_its_name(
    product, docdata_live_simulator, list_calls,
):
    response, _elapsed = payment_details(Client(), product, "all-live")
    assert offered(response) is None  # no live data, nothing configured: the menu offers all
    shopper = Client()
    payment_details(shopper, product, "all-live")
    place(shopper, "all-live", method=None)
    assert list_calls() == 1

    response, _elapsed = payment_details(Client(), product, "all-live")
    assert offered(response) == [
        ("IDEAL", "iDEAL"), ("MASTERCARD", "Mastercard"), ("VISA", "Visa"),
        ("AMEX", "American Express"), ("MISTERCASH", "Bancontact"),
        ("PAYPAL_EXPRESS_CHECKOUT", "PayPal"), ("SEPA_DIRECT_DEBIT", "SEPA direct debit"),
        ("BANK_TRANSFER", "Bank transfer"),
    ]


def test_the_list_is_kept_per_merchant_profile_and_country(
    product, docdata_live_simulator, list_calls,
):
    shopper = Client()
    payment_details(shopper, product)
    place(shopper)
    assert cached_entry(NL) is not None
    for other in (MethodScope.of("shop_test", "standard", "BE"),
                  MethodScope.of("shop_test", "other", "NL"),
                  MethodScope.of("other_shop", "standard", "NL")):
        assert other.cache_key != NL.cache_key
        assert cached_entry(other) is None

    # A shopper from Belgium: not known yet, so the configured list, and one call.
    Country.objects.create(iso_3166_1_a2="BE", name="Belgium", printable_name="Belgium",
                           is_shipping_country=True)
    belgian = Client()
    fill_basket(belgian, product)
    belgian.post(reverse("checkout:index"), {"username": "b@example.com", "options": "anonymous"})
    assert belgian.post(reverse("checkout:shipping-address"),
                        {**ADDRESS, "country": "BE", "postcode": "1000",
                         "line4": "Brussel"}).status_code == 302
    belgian.get(reverse("checkout:shipping-method"))
    response = belgian.get("/live/payment-details/")
    assert [code for code, _label in offered(response)] == ["BANK_TRANSFER", "EPS", "IDEAL"]
    place(belgian)
    assert list_calls() == 2
    assert cached_entry(MethodScope.of("shop_test", "standard", "BE"))["methods"] == STANDARD


def test_an_old_answer_is_refreshed_after_the_next_order(
    product, docdata_live_simulator, list_calls, settings,
):
    settings.DOCDATA_PAYMENT_METHODS_CACHE_SECONDS = 60
    shopper = Client()
    payment_details(shopper, product)
    place(shopper)
    assert list_calls() == 1
    first = cached_entry(NL)["fetched"]
    assert not needs_refresh(NL)
    # Half its life later the next order refreshes it (before it expires).
    assert needs_refresh(NL, now=first + 30)
    entry = cached_entry(NL)
    cache.set(NL.cache_key, {**entry, "fetched": first - 30}, timeout=30)

    shopper = Client()
    payment_details(shopper, product)
    place(shopper)
    assert list_calls() == 2
    assert cached_entry(NL)["fetched"] > first


def test_the_answer_expires(product, docdata_live_simulator, settings):
    settings.DOCDATA_PAYMENT_METHODS_CACHE_SECONDS = 1
    shopper = Client()
    payment_details(shopper, product)
    place(shopper)
    assert cached_entry(NL) is not None
    time.sleep(1.2)
    assert cached_entry(NL) is None
    response, _elapsed = payment_details(Client(), product)
    assert [code for code, _label in offered(response)] == ["BANK_TRANSFER", "EPS", "IDEAL"]


def test_a_slow_docdata_never_holds_up_the_checkout(
    product, docdata_live_simulator, list_calls, settings, caplog,
):
    settings.DOCDATA_PAYMENT_METHODS_TIMEOUT = 0.3
    docdata_live_simulator.inject_fault("listPaymentMethods", "latency", seconds=SLOW)

    shopper = Client()
    payment_details(shopper, product)
    slow_call_started = time.monotonic()
    _response, elapsed = place(shopper)
    # The order is placed and the shopper sent to the menu; the call gave up after 0.3 s,
    # long before Docdata's answer.
    assert elapsed < SLOW - 0.5, elapsed
    assert any("were not read" in record.getMessage() and "timed out" in record.getMessage()
               for record in caplog.records)
    assert cached_entry(NL) is None
    assert failure_remembered("shop_test")
    assert not needs_refresh(NL)

    # The next checkouts: the configured list, quickly, and no new call while the failure
    # is remembered.
    for _ in range(2):
        shopper = Client()
        response, page_time = payment_details(shopper, product)
        assert page_time < 2.0, page_time
        assert [code for code, _label in offered(response)] == ["BANK_TRANSFER", "EPS", "IDEAL"]
        _response, elapsed = place(shopper)
        assert elapsed < 2.0, elapsed
    assert list_calls() == 1  # the one that timed out

    # Once the failure is forgotten (and Docdata is quick again) the next order fills it.
    # (First the server thread of the abandoned call ends its wait.)
    time.sleep(max(0.0, slow_call_started + SLOW + 0.3 - time.monotonic()))
    docdata_live_simulator.clear_faults()
    cache.delete(MethodScope.of("shop_test").failure_key)
    get_http_session().close()
    shopper = Client()
    payment_details(shopper, product)
    place(shopper)
    assert cached_entry(NL)["methods"] == STANDARD
