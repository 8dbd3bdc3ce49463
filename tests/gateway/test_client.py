"""Client construction, credentials, endpoints and the payment menu URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from oscar_docdata.appsettings import LIVE_BASE_URL, TEST_BASE_URL
from oscar_docdata.exceptions import DocdataValidationError
from oscar_docdata.gateway import DocdataClient
from oscar_docdata.testing import replies as r

from .conftest import ORDER_KEY


def test_defaults_come_from_the_settings():
    client = DocdataClient()
    assert client.merchant_name == "shop_test"
    assert client.base_url == "http://127.0.0.1:9/ps"
    assert client.endpoint_url == "http://127.0.0.1:9/ps/services/paymentservice/1_3"
    assert client.testing_mode is True


def test_the_password_is_not_in_the_repr():
    assert "Sup3r" not in repr(DocdataClient())


def test_for_merchant_takes_the_password_from_the_settings(docdata):
    client = DocdataClient.for_merchant("shop_sub")
    assert client.merchant_name == "shop_sub"
    docdata.add("status", r.status_reply(registered=1))
    client.status(ORDER_KEY)
    merchant = docdata.requests[0].xml().find(".//{*}merchant")
    assert (merchant.get("name"), merchant.get("password")) == ("shop_sub", "Sub-Acc0unt-pw")


def test_for_merchant_includes_the_default_merchant():
    assert DocdataClient.for_merchant("shop_test").merchant_name == "shop_test"


def test_for_an_unknown_merchant_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="'other_shop'"):
        DocdataClient.for_merchant("other_shop")


def test_a_merchant_name_without_password_looks_it_up():
    assert DocdataClient(merchant_name="shop_sub").merchant_name == "shop_sub"
    with pytest.raises(ImproperlyConfigured, match="'nobody'"):
        DocdataClient(merchant_name="nobody")


def test_missing_credentials_are_improperly_configured(settings):
    settings.DOCDATA_MERCHANT_NAME = ""
    with pytest.raises(ImproperlyConfigured, match="DOCDATA_MERCHANT_NAME"):
        DocdataClient()


def test_explicit_credentials():
    client = DocdataClient(merchant_name="other", merchant_password="pw")
    assert client.merchant_name == "other"


@pytest.mark.parametrize(("base_url", "setting_testing", "testing_mode", "expected"), [
    (None, True, None, TEST_BASE_URL),
    (None, False, None, LIVE_BASE_URL),
    (None, True, False, LIVE_BASE_URL),
    (None, False, True, TEST_BASE_URL),
    ("https://docdata.example/ps/", True, False, "https://docdata.example/ps"),
    ("https://docdata.example/ps", False, None, "https://docdata.example/ps"),
])
def test_base_url(settings, base_url, setting_testing, testing_mode, expected):
    settings.DOCDATA_BASE_URL = base_url
    settings.DOCDATA_TESTING = setting_testing
    assert DocdataClient(testing_mode=testing_mode).base_url == expected


def test_the_endpoint_follows_the_settings_at_call_time(settings):
    client = DocdataClient()
    settings.DOCDATA_BASE_URL = "http://elsewhere.test/ps"
    assert client.endpoint_url == "http://elsewhere.test/ps/services/paymentservice/1_3"


def menu_query(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qsl(parts.query)


def test_menu_url_with_every_parameter(settings):
    settings.DOCDATA_IDEAL_ISSUER_SELECTION = True  # the bank in the URL: deprecated
    with pytest.warns(DeprecationWarning, match="ideal_issuer_id"):
        url = DocdataClient().get_payment_menu_url(
            ORDER_KEY, "nl-NL",
            return_url_success="https://shop.example/return/?callback=SUCCESS&order_id=1",
            return_url_pending="https://shop.example/return/?callback=PENDING",
            return_url_canceled="https://shop.example/return/?callback=CANCELLED",
            return_url_error="https://shop.example/return/?callback=ERROR",
            default_pm="IDEAL", default_act=True, ideal_issuer_id="INGBNL2A")
    base, query = menu_query(url)
    assert base == "http://127.0.0.1:9/ps/menu"
    assert query == [
        ("command", "show_payment_cluster"),
        ("payment_cluster_key", ORDER_KEY),
        ("merchant_name", "shop_test"),
        ("client_language", "nl"),
        ("return_url_success", "https://shop.example/return/?callback=SUCCESS&order_id=1"),
        ("return_url_pending", "https://shop.example/return/?callback=PENDING"),
        ("return_url_canceled", "https://shop.example/return/?callback=CANCELLED"),
        ("return_url_error", "https://shop.example/return/?callback=ERROR"),
        ("default_pm", "IDEAL"),
        ("default_act", "yes"),
        ("ideal_issuer_id", "INGBNL2A"),
    ]
    assert "callback%3DSUCCESS%26order_id%3D1" in url


def test_menu_url_minimal_uses_the_active_language():
    with translation.override("en-gb"):
        url = DocdataClient.for_merchant("shop_sub").get_payment_menu_url(ORDER_KEY)
    assert menu_query(url)[1] == [("command", "show_payment_cluster"),
                                  ("payment_cluster_key", ORDER_KEY),
                                  ("merchant_name", "shop_sub"), ("client_language", "en")]


def test_menu_url_leaves_out_empty_parameters_and_passes_extra_ones():
    url = DocdataClient().get_payment_menu_url(ORDER_KEY, "EN", return_url_success="",
                                               default_act=False, custom_thing="x y")
    query = dict(menu_query(url)[1])
    assert "return_url_success" not in query and "default_act" not in query
    assert query["custom_thing"] == "x y"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"return_url_success": "/checkout/thank-you/"}, "return_url_success"),
    ({"client_language": "dutch"}, "client_language"),
])
def test_menu_url_refuses_bad_parameters(kwargs, field):
    with pytest.raises(DocdataValidationError) as error:
        DocdataClient().get_payment_menu_url(ORDER_KEY, **kwargs)
    assert error.value.field == field


def test_menu_url_refuses_a_bad_order_key():
    with pytest.raises(DocdataValidationError, match="payment_cluster_key"):
        DocdataClient().get_payment_menu_url("not-a-key")
