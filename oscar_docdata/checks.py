"""System checks for the plugin's settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.utils.module_loading import import_string

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.status import PAID_RULES


@register("oscar_docdata")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Credentials present and non-empty, a known paid rule, an importable facade."""
    errors: list[Error] = []
    if not _text(docdata_settings.DOCDATA_MERCHANT_NAME):
        errors.append(Error(
            "DOCDATA_MERCHANT_NAME is missing or empty.",
            hint="Set it to the merchant name of your Docdata account.",
            id="oscar_docdata.E001",
        ))
    if not _text(docdata_settings.DOCDATA_MERCHANT_PASSWORD):
        errors.append(Error(
            "DOCDATA_MERCHANT_PASSWORD is missing or empty.",
            hint="Set it to the password of your Docdata merchant account.",
            id="oscar_docdata.E002",
        ))
    passwords = docdata_settings.DOCDATA_MERCHANT_PASSWORDS or {}
    if not isinstance(passwords, dict):
        errors.append(Error(
            "DOCDATA_MERCHANT_PASSWORDS must be a dict of merchant name to password.",
            id="oscar_docdata.E003",
        ))
    else:
        for name, password in passwords.items():
            if not _text(name) or not _text(password):
                errors.append(Error(
                    f"DOCDATA_MERCHANT_PASSWORDS has an empty name or password "
                    f"(merchant {name!r}).",
                    id="oscar_docdata.E003",
                ))
    rule = docdata_settings.DOCDATA_PAID_RULE
    if rule not in PAID_RULES:
        errors.append(Error(
            f"DOCDATA_PAID_RULE {rule!r} is unknown.",
            hint=f"Use one of {', '.join(PAID_RULES)}.",
            id="oscar_docdata.E004",
        ))
    facade = docdata_settings.DOCDATA_FACADE_CLASS
    try:
        import_string(facade)
    except ImportError as error:
        errors.append(Error(
            f"DOCDATA_FACADE_CLASS {facade!r} cannot be imported: {error}",
            id="oscar_docdata.E005",
        ))
    days = docdata_settings.DOCDATA_EXPIRE_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        errors.append(Error(
            f"DOCDATA_EXPIRE_DAYS must be a positive number of days, not {days!r}.",
            id="oscar_docdata.E006",
        ))
    return errors


def _text(value: Any) -> str:
    return str(value).strip() if value else ""
