"""The live method list's rules without Docdata: the choices, the refresh's bookkeeping,
and the transport's per-call time limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from oscar_docdata.gateway import transport
from oscar_docdata.method_list import (
    MethodScope,
    cached_methods,
    failure_remembered,
    needs_refresh,
    offered,
    refresh,
)

CONFIGURED = [("BANK_TRANSFER", "Bank transfer"), ("EPS", "eps"), ("IDEAL", "Pay by iDEAL")]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_live_list_restricts_the_configured_one_in_its_order():
    assert offered(CONFIGURED, ["IDEAL", "VISA", "BANK_TRANSFER"], str.lower) == [
        ("BANK_TRANSFER", "Bank transfer"), ("IDEAL", "Pay by iDEAL")]


def test_without_configured_methods_the_live_ones_in_docdatas_order_with_names():
    assert offered([], ["VISA", "IDEAL", "VISA"], str.lower) == [
        ("VISA", "visa"), ("IDEAL", "ideal")]


@pytest.mark.parametrize("live", [None, []])
def test_without_live_data_the_configured_list(live):
    assert offered(CONFIGURED, live, str.lower) == CONFIGURED
    assert offered([], live, str.lower) == []


def test_nothing_in_common_means_no_choice():
    assert offered(CONFIGURED, ["VISA"], str.lower) == []


def test_scope_defaults_and_keys(settings):
    settings.DOCDATA_MERCHANT_NAME = "shop_test"
    settings.DOCDATA_PROFILE = "webshop"
    scope = MethodScope.of(country="nl")
    assert scope == MethodScope("shop_test", "webshop", "NL")
    keys = {scope.cache_key, MethodScope.of(country="BE").cache_key,
            MethodScope.of(profile="other", country="NL").cache_key,
            MethodScope.of("other", country="NL").cache_key}
    assert len(keys) == 4
    assert all(len(key) < 250 and " " not in key for key in keys)


def test_a_failed_refresh_is_remembered_per_merchant(settings, db):
    settings.DOCDATA_MERCHANT_PASSWORDS = {}
    scope = MethodScope("nobody", "standard", "NL")  # no password: the client is refused
    assert needs_refresh(scope)

    assert refresh(scope, "0" * 32) is None

    assert failure_remembered("nobody")
    assert not needs_refresh(scope)
    assert not needs_refresh(MethodScope("nobody", "other", "BE"))
    assert needs_refresh(MethodScope("shop_test", "standard", "NL"))
    assert cached_methods(scope) is None
    settings.DOCDATA_PAYMENT_METHODS_RETRY_SECONDS = 0
    cache.clear()
    assert refresh(scope, "0" * 32) is None
    assert not failure_remembered("nobody")


def test_the_time_limit_shortens_the_settings_never_lengthens(settings):
    settings.DOCDATA_TIMEOUT = 30
    settings.DOCDATA_DEADLINE = None
    with transport.time_limit(2):
        limits = transport.CallLimits.from_settings()
        assert (limits.timeout, limits.budget) == (2, 2)
        assert transport.call_timeout() == 2
    settings.DOCDATA_TIMEOUT = 1
    with transport.time_limit(2):
        limits = transport.CallLimits.from_settings()
        assert (limits.timeout, limits.budget) == (1, 1)
    limits = transport.CallLimits.from_settings()
    assert (limits.timeout, limits.budget) == (1, 1)
    assert transport.call_timeout() == 1
