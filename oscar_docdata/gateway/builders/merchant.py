"""What every request carries: version, merchant (with any subject merchant) and
integrationInfo."""

from __future__ import annotations

import platform
from typing import Any

from django.views.decorators.debug import sensitive_variables

from oscar_docdata import __version__
from oscar_docdata.exceptions import DocdataValidationError

from .. import fields, schema
from ..values import IntegrationInfo, SubjectFee, SubjectMerchant
from .common import amount, compact

PLUGIN_NAME = "oscar_docdata"


@sensitive_variables()
def merchant(name: str, password: str, subject: SubjectMerchant | None = None,
             fee: SubjectFee | None = None) -> dict[str, Any]:
    """``merchant`` with, when given, ``subjectMerchant`` (and its ``fee``: create only)."""
    value: dict[str, Any] = {
        "name": fields.text("merchant.name", name, required=True),
        "password": fields.text("merchant.password", password, required=True)}
    if subject is not None:
        value["subjectMerchant"] = subject_merchant(subject, fee)
    elif fee is not None:
        raise DocdataValidationError("merchant.subjectMerchant.fee",
                                     "a fee needs a subject merchant")
    return value


@sensitive_variables()
def subject_merchant(value: SubjectMerchant, fee: SubjectFee | None = None) -> dict[str, Any]:
    """``subjectMerchant@name,@token`` and its optional ``fee``."""
    path = "merchant.subjectMerchant"
    if not isinstance(value, SubjectMerchant):
        raise DocdataValidationError(
            path, f"expected a SubjectMerchant, got {type(value).__name__}")
    result: dict[str, Any] = {
        "name": fields.text("subjectMerchant.name", value.name, field=f"{path}.name",
                            required=True),
        "token": fields.text("subjectMerchant.token", value.token, field=f"{path}.token",
                             required=True),
    }
    if fee is not None:
        result["fee"] = subject_fee(fee)
    return result


def subject_fee(value: SubjectFee) -> dict[str, Any]:
    """``subjectMerchant/fee``: moment (IMMEDIATE or FULLY_PAID), amount, description."""
    path = "merchant.subjectMerchant.fee"
    if not isinstance(value, SubjectFee):
        raise DocdataValidationError(path, f"expected a SubjectFee, got {type(value).__name__}")
    return compact({
        "moment": fields.text("subjectFee.moment", value.moment, field=f"{path}.moment",
                              required=True),
        "amount": amount(value.amount, field=f"{path}.amount"),
        "description": fields.text("subjectFee.description", value.description,
                                   field=f"{path}.description"),
    })


def default_integration_info() -> dict[str, str]:
    """What every request says about this integration (values cut to the schema's 35)."""
    limit = schema.facets("string35").max_length or 35
    values = {
        "webshopPlugin": PLUGIN_NAME,
        "webshopPluginVersion": __version__,
        "programmingLanguage": f"Python {platform.python_version()}",
        "operatingSystem": platform.system(),
        "operatingSystemVersion": platform.release(),
        "ddpXsdVersion": schema.API_VERSION,
    }
    return {key: fields.shorten(value, limit, ellipsis=False)
            for key, value in values.items() if value and value.strip()}


def integration_info(override: IntegrationInfo | None = None) -> dict[str, str]:
    values = default_integration_info()
    if override is not None:
        given = {
            "webshopPlugin": override.webshop_plugin,
            "webshopPluginVersion": override.webshop_plugin_version,
            "integratorName": override.integrator_name,
            "programmingLanguage": override.programming_language,
            "operatingSystem": override.operating_system,
            "operatingSystemVersion": override.operating_system_version,
        }
        for key, value in given.items():
            cleaned = fields.text(f"integrationInfo.{key}", value)
            if cleaned is not None:
                values[key] = cleaned
    return values


@sensitive_variables()
def base_request(merchant_name: str, merchant_password: str,
                 info: IntegrationInfo | None = None, *,
                 subject: SubjectMerchant | None = None,
                 fee: SubjectFee | None = None) -> dict[str, Any]:
    """version, merchant (with any subject merchant) and integrationInfo: every request's."""
    return {"version": schema.API_VERSION,
            "merchant": merchant(merchant_name, merchant_password, subject, fee),
            "integrationInfo": integration_info(info)}
