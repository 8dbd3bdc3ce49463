"""System checks of the plugin's settings."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

from oscar_docdata.checks import check_settings


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
