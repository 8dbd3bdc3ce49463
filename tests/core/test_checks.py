"""System checks of the plugin's settings."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

from oscar_docdata.appsettings import LIVE_BASE_URL, TEST_BASE_URL
from oscar_docdata.checks import check_deployment, check_settings


def ids(**settings: object) -> list[str]:
    with override_settings(**settings):
        return [error.id for error in check_settings()]


def test_test_settings_pass():
    assert check_settings() == []
    assert [e for e in checks.run_checks() if e.id.startswith("oscar_docdata")] == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"DOCDATA_MERCHANT_NAME": ""}, ["oscar_docdata.E001"]),
        ({"DOCDATA_MERCHANT_NAME": "   "}, ["oscar_docdata.E001"]),
        ({"DOCDATA_MERCHANT_PASSWORD": ""}, ["oscar_docdata.E002"]),
        ({"DOCDATA_MERCHANT_PASSWORD": None}, ["oscar_docdata.E002"]),
        ({"DOCDATA_MERCHANT_PASSWORDS": {"shop_sub": ""}}, ["oscar_docdata.E003"]),
        ({"DOCDATA_MERCHANT_PASSWORDS": {"a": "x", "b": " "}}, ["oscar_docdata.E003"]),
        ({"DOCDATA_MERCHANT_PASSWORDS": ["shop_sub"]}, ["oscar_docdata.E003"]),
        ({"DOCDATA_PAID_RULE": "quick"}, ["oscar_docdata.E004"]),
        ({"DOCDATA_FACADE_CLASS": "shop.nowhere.Facade"}, ["oscar_docdata.E005"]),
        ({"DOCDATA_FACADE_CLASS": "oscar_docdata.facade.NoSuchFacade"}, ["oscar_docdata.E005"]),
        ({"DOCDATA_EXPIRE_DAYS": 0}, ["oscar_docdata.E006"]),
        ({"DOCDATA_EXPIRE_DAYS": "21"}, ["oscar_docdata.E006"]),
    ],
)
def test_bad_settings(settings, expected):
    assert ids(**settings) == expected


@pytest.mark.parametrize("value", [
    ["tea_corner"],
    {"tea_corner": ""},
    {"tea_corner": None},
    {"": "tok"},
    {"x" * 51: "tok"},
    {"tea_corner": "has a space"},
    {"tea_corner": "t" * 129},
])
def test_bad_subject_merchants(settings, value):
    assert ids(DOCDATA_SUBJECT_MERCHANT_TOKENS=value) == ["oscar_docdata.E008"]


def test_subject_merchant_errors_never_show_the_token(settings):
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": "secret token"}
    [error] = check_settings()
    assert "secret" not in error.msg + (error.hint or "")
    assert "tea_corner" in error.msg
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": "s3cret-token"}
    assert check_settings() == []


def test_missing_settings(settings):
    del settings.DOCDATA_MERCHANT_NAME
    del settings.DOCDATA_MERCHANT_PASSWORD
    errors = check_settings()
    assert [e.id for e in errors] == ["oscar_docdata.E001", "oscar_docdata.E002"]
    assert "DOCDATA_MERCHANT_NAME" in errors[0].msg


def test_registered_with_django():
    with override_settings(DOCDATA_PAID_RULE="nope"):
        found = [e.id for e in checks.run_checks(tags=["oscar_docdata"])]
    assert found == ["oscar_docdata.E004"]


@pytest.mark.parametrize("rule", ["captured", "approved", "docdata"])
def test_known_paid_rules(rule):
    assert ids(DOCDATA_PAID_RULE=rule) == []


# --- deploy checks (manage.py check --deploy) --------------------------------------------

DEPLOY_IDS = ("oscar_docdata.W002", "oscar_docdata.W003")


def deploy_ids(**settings: object) -> list[str]:
    with override_settings(**settings):
        return [message.id for message in checks.run_checks(include_deployment_checks=True)
                if message.id in DEPLOY_IDS]


PRODUCTION = {"DEBUG": False, "DOCDATA_TESTING": False, "DOCDATA_BASE_URL": None}


def test_deploy_checks_run_only_with_deploy():
    assert [m for m in checks.run_checks() if m.id in DEPLOY_IDS] == []
    assert deploy_ids() == ["oscar_docdata.W002", "oscar_docdata.W003"]  # the test settings


def test_a_production_site_passes_the_deploy_checks():
    assert deploy_ids(DEBUG=False) == ["oscar_docdata.W002", "oscar_docdata.W003"]
    assert deploy_ids(**PRODUCTION) == []
    assert deploy_ids(**{**PRODUCTION, "DOCDATA_BASE_URL": LIVE_BASE_URL}) == []
    assert deploy_ids(**{**PRODUCTION, "DOCDATA_BASE_URL": LIVE_BASE_URL + "/"}) == []
    assert deploy_ids(**{**PRODUCTION, "DOCDATA_BASE_URL": TEST_BASE_URL}) == []


def test_docdata_testing_with_debug_off_warns():
    [warning] = [m for m in check_deployment_with(**{**PRODUCTION, "DOCDATA_TESTING": True})]
    assert warning.id == "oscar_docdata.W002" and warning.level == checks.WARNING
    assert "DOCDATA_TESTING" in warning.msg and "DOCDATA_TESTING = False" in warning.hint
    assert deploy_ids(**{**PRODUCTION, "DOCDATA_TESTING": True, "DEBUG": True}) == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/ps",
    "https://shop.example/docdata-sim",
    "http://test.docdatapayments.com/ps",  # not over HTTPS
    "https://secure.docdatapayments.com.attacker.example/ps",
    "https://docdatapayments.com@attacker.example/ps",
])
def test_a_base_url_that_is_not_docdatas_warns_with_debug_off(url):
    [warning] = check_deployment_with(**{**PRODUCTION, "DOCDATA_BASE_URL": url})
    assert warning.id == "oscar_docdata.W003" and warning.level == checks.WARNING
    assert url in warning.msg and "DOCDATA_BASE_URL" in warning.hint
    assert deploy_ids(**{**PRODUCTION, "DOCDATA_BASE_URL": url, "DEBUG": True}) == []


def check_deployment_with(**settings: object) -> list:
    with override_settings(**settings):
        return check_deployment()
