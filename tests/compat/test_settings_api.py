"""Issue 13 §3.5: ``oscar_docdata.appsettings.DOCDATA_*`` module attributes read the
current settings, with the old package's defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils.functional import Promise

from oscar_docdata import appsettings
from oscar_docdata.appsettings import docdata_settings

# --- credentials -------------------------------------------------------------------------


def test_credentials():
    assert appsettings.DOCDATA_MERCHANT_NAME == "shop_test"
    assert appsettings.DOCDATA_MERCHANT_PASSWORD == "Sup3r-Secret-pw"
    assert appsettings.DOCDATA_TESTING is True


def test_merchant_passwords_include_the_default_merchant_as_before():
    assert appsettings.DOCDATA_MERCHANT_PASSWORDS == {
        "shop_sub": "Sub-Acc0unt-pw", "shop_test": "Sup3r-Secret-pw",
    }
    with override_settings(DOCDATA_MERCHANT_PASSWORDS={"shop_test": "other"}):
        # An explicit entry for the default merchant wins, as in the old package.
        assert appsettings.DOCDATA_MERCHANT_PASSWORDS == {"shop_test": "other"}


def test_reading_the_passwords_changes_no_setting(settings):
    appsettings.DOCDATA_MERCHANT_PASSWORDS["intruder"] = "x"
    assert settings.DOCDATA_MERCHANT_PASSWORDS == {"shop_sub": "Sub-Acc0unt-pw"}
    assert "intruder" not in appsettings.DOCDATA_MERCHANT_PASSWORDS


def test_from_import_works():
    from oscar_docdata.appsettings import DOCDATA_MERCHANT_NAME, DOCDATA_PROFILE

    assert (DOCDATA_MERCHANT_NAME, DOCDATA_PROFILE) == ("shop_test", "standard")


def test_attributes_follow_override_settings():
    with override_settings(DOCDATA_MERCHANT_NAME="other", DOCDATA_TESTING=False):
        assert appsettings.DOCDATA_MERCHANT_NAME == "other"
        assert appsettings.DOCDATA_TESTING is False
    assert appsettings.DOCDATA_MERCHANT_NAME == "shop_test"


# --- order creation ------------------------------------------------------------------------


def test_order_creation_defaults_are_the_old_ones(settings):
    del settings.DOCDATA_DAYS_TO_PAY
    assert appsettings.DOCDATA_PROFILE == "standard"
    assert appsettings.DOCDATA_DAYS_TO_PAY == 7
    assert docdata_settings.DOCDATA_DAYS_TO_PAY == 7
    assert appsettings.DOCDATA_HOUSE_NUMBER_FIELD is None
    assert appsettings.DOCDATA_FACADE_CLASS == "oscar_docdata.facade.Facade"


@override_settings(DOCDATA_DAYS_TO_PAY=3, DOCDATA_PROFILE="webshop",
                   DOCDATA_HOUSE_NUMBER_FIELD="line2")
def test_order_creation_settings():
    assert appsettings.DOCDATA_DAYS_TO_PAY == 3
    assert appsettings.DOCDATA_PROFILE == "webshop"
    assert appsettings.DOCDATA_HOUSE_NUMBER_FIELD == "line2"


# --- status ---------------------------------------------------------------------------------


def test_status_defaults_are_the_old_ones():
    assert appsettings.DOCDATA_PAYMENT_SUCCESS_MARGIN == {"EUR": 100, "USD": 160}
    assert appsettings.DOCDATA_ORDER_STATUS_MAPPING["paid"] == "Paid"  # the test settings
    with override_settings(DOCDATA_ORDER_STATUS_MAPPING={}):
        assert appsettings.DOCDATA_ORDER_STATUS_MAPPING == {}


def test_margin_default_is_what_the_status_engine_uses():
    from oscar_docdata.status_engine import EngineSettings

    assert EngineSettings.from_settings().margins == {"EUR": 100, "USD": 160}


def test_a_changed_default_dict_does_not_change_the_default():
    appsettings.DOCDATA_PAYMENT_SUCCESS_MARGIN["EUR"] = 0
    assert appsettings.DOCDATA_PAYMENT_SUCCESS_MARGIN["EUR"] == 100


def test_oscar_order_status_cascade(settings):
    settings.OSCAR_ORDER_STATUS_CASCADE = {"Paid": "Paid"}
    assert appsettings.OSCAR_ORDER_STATUS_CASCADE == {"Paid": "Paid"}
    del settings.OSCAR_ORDER_STATUS_CASCADE
    assert appsettings.OSCAR_ORDER_STATUS_CASCADE == {}


# --- where the shopper lands ----------------------------------------------------------------


def test_redirect_urls_are_urls_as_before():
    for name in ("DOCDATA_REDIRECT_URL", "DOCDATA_SUCCESS_URL", "DOCDATA_PENDING_URL"):
        value = getattr(appsettings, name)
        assert isinstance(value, Promise)  # lazy: safe to read at import time
        assert str(value) == "/checkout/thank-you/"
    assert str(appsettings.DOCDATA_CANCELLED_URL) == "/basket/"
    assert str(appsettings.DOCDATA_ERROR_URL) == "/basket/"


def test_success_and_pending_follow_the_redirect_url(settings):
    settings.DOCDATA_REDIRECT_URL = "/thanks/"
    assert str(appsettings.DOCDATA_SUCCESS_URL) == "/thanks/"
    assert str(appsettings.DOCDATA_PENDING_URL) == "/thanks/"
    assert docdata_settings.DOCDATA_SUCCESS_URL == "/thanks/"  # what the return view uses
    settings.DOCDATA_PENDING_URL = "basket:summary"
    assert str(appsettings.DOCDATA_PENDING_URL) == "/basket/"
    assert str(appsettings.DOCDATA_SUCCESS_URL) == "/thanks/"


@pytest.mark.django_db
def test_the_return_view_follows_the_redirect_url(settings, client):
    from django.urls import reverse

    from oscar_docdata.models import DocdataOrder
    from oscar_docdata.testing import replies
    from oscar_docdata.testing.canned import canned_docdata

    settings.DOCDATA_REDIRECT_URL = "/thanks/"
    order = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="500001", order_number="500001",
        order_key="5EED0000000000000000000000000005", total_gross_amount=Decimal("10.00"),
        currency="EUR",
    )
    with canned_docdata() as docdata:
        docdata.set("status", replies.status_reply(registered=1000))
        response = client.get(reverse("return_url"),
                              {"callback": "SUCCESS", "order_id": order.order_key})
    assert (response.status_code, response["Location"]) == (302, "/thanks/")


# --- iDEAL issuers ------------------------------------------------------------------------------


def test_ideal_issuers(settings):
    # The old list (numbers of banks that no longer exist) is not what Docdata accepts.
    assert appsettings.DOCDATA_IDEAL_ISSUERS == {}
    settings.DOCDATA_IDEAL_ISSUERS = {"INGBNL2A": "ING"}
    assert appsettings.DOCDATA_IDEAL_ISSUERS == {"INGBNL2A": "ING"}


# --- the module ------------------------------------------------------------------------------


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="DOCDATA_NO_SUCH_SETTING"):
        appsettings.DOCDATA_NO_SUCH_SETTING  # noqa: B018
    assert not hasattr(appsettings, "__wrapped__")


def test_dir_lists_the_settings():
    names = dir(appsettings)
    assert {"DOCDATA_MERCHANT_NAME", "DOCDATA_IDEAL_ISSUERS", "docdata_settings"} <= set(names)


def test_every_setting_reads():
    for name in appsettings.DEFAULTS:
        getattr(appsettings, name)
    assert isinstance(appsettings.DOCDATA_TIMEOUT, int)
    assert Decimal(appsettings.DOCDATA_PAYMENT_SUCCESS_MARGIN["USD"]) == 160
