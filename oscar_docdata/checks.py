"""System checks for the plugin's settings and signal receivers (``manage.py check``)."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.dispatch import Signal
from django.utils.module_loading import import_string

from oscar_docdata import signals
from oscar_docdata.appsettings import LIVE_BASE_URL, TEST_BASE_URL, docdata_settings
from oscar_docdata.oscar_adapter.conf import (
    EMAIL_WHEN_PAID,
    EMAIL_WHEN_PLACED,
    confirmation_email_when,
)
from oscar_docdata.status_engine import PAID_RULES

#: The signals whose receivers in old shops recorded Oscar's payments themselves.
RECORDING_SIGNALS = ("order_status_changed", "payment_added", "payment_updated")


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Credentials present and non-empty, a known paid rule, an importable facade."""
    return [*_credential_errors(), *_option_errors()]


def _credential_errors() -> list[Error]:
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
    return errors


def _option_errors() -> list[Error]:
    errors: list[Error] = []
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
    errors.extend(_subject_merchant_errors())
    pull = docdata_settings.DOCDATA_NOTIFICATION_PULL
    if pull not in ("sync", "task"):
        errors.append(Error(
            f"DOCDATA_NOTIFICATION_PULL {pull!r} is unknown.",
            hint='Use "sync" (the default) or "task".',
            id="oscar_docdata.E007",
        ))
    return errors


def _subject_merchant_errors() -> list[Error]:
    """DOCDATA_SUBJECT_MERCHANT_TOKENS: a dict of name (1-50 characters) to token (a secret:
    never in a message; the schema's securityToken, 1-128 characters without spaces)."""
    configured = docdata_settings.DOCDATA_SUBJECT_MERCHANT_TOKENS or {}
    hint = 'A dict of subject merchant name to token: {"tea_corner": "<token>"}.'
    if not isinstance(configured, dict):
        return [Error("DOCDATA_SUBJECT_MERCHANT_TOKENS must be a dict of subject merchant name "
                      "to token.", hint=hint, id="oscar_docdata.E008")]
    errors = []
    for name, token in configured.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            problem = "a name of 1 to 50 characters"
        elif not isinstance(token, str) or not token:
            problem = "a token (text)"
        elif len(token) > 128 or any(char.isspace() for char in token):
            problem = "a token of at most 128 characters without spaces"
        else:
            continue
        errors.append(Error(
            f"DOCDATA_SUBJECT_MERCHANT_TOKENS: subject merchant {str(name)[:60]!r} needs "
            f"{problem}.",
            hint=hint, id="oscar_docdata.E008",
        ))
    return errors


def _text(value: Any) -> str:
    return str(value).strip() if value else ""


#: The hosts of Docdata's own Order API (test and live).
DOCDATA_HOSTS = frozenset(str(urlsplit(url).hostname) for url in (TEST_BASE_URL, LIVE_BASE_URL))


def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """``check --deploy``: a production site (DEBUG off) talking to a test endpoint."""
    if settings.DEBUG:
        return []
    warnings: list[CheckWarning] = []
    if docdata_settings.DOCDATA_TESTING:
        warnings.append(CheckWarning(
            "DOCDATA_TESTING is on with DEBUG off: payments go to Docdata's test "
            f"environment ({TEST_BASE_URL}) and no shopper really pays.",
            hint="Set DOCDATA_TESTING = False in production (payments then go to "
            f"{LIVE_BASE_URL}). If this is a test or staging site on purpose, add "
            "'oscar_docdata.W002' to SILENCED_SYSTEM_CHECKS there.",
            id="oscar_docdata.W002",
        ))
    base_url = docdata_settings.DOCDATA_BASE_URL
    if base_url and not _is_docdata(str(base_url)):
        warnings.append(CheckWarning(
            f"DOCDATA_BASE_URL {str(base_url)!r} is not Docdata's (https://"
            f"{' or https://'.join(sorted(DOCDATA_HOSTS))}) and DEBUG is off: payments go "
            "to another server, such as the simulator, and no shopper really pays.",
            hint="Remove DOCDATA_BASE_URL in production (DOCDATA_TESTING then chooses "
            "Docdata's endpoint). If this is a test or staging site on purpose, add "
            "'oscar_docdata.W003' to SILENCED_SYSTEM_CHECKS there.",
            id="oscar_docdata.W003",
        ))
    return warnings


def _is_docdata(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        hostname = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "https" and hostname in DOCDATA_HOSTS


def check_receivers(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """Warn when a shop's receivers may record payments that ours record already.

    With DOCDATA_OSCAR_RECEIVERS on, oscar_docdata keeps Oscar's order status, Sources,
    Transactions and PaymentEvents in step itself; an old-style shop receiver of
    ``order_status_changed``/``payment_added``/``payment_updated`` that creates them too
    (as the old package's sandbox did) records every payment twice.
    """
    if not docdata_settings.DOCDATA_OSCAR_RECEIVERS:
        return []
    found = [
        f"{name} ({signal_name})"
        for signal_name in RECORDING_SIGNALS
        for name in foreign_receivers(getattr(signals, signal_name))
    ]
    if not found:
        return []
    return [CheckWarning(
        "oscar_docdata's own receivers (DOCDATA_OSCAR_RECEIVERS) keep Oscar's order "
        "status, Sources, Transactions and PaymentEvents in step, and these receivers "
        f"are connected too: {', '.join(found)}. If they record payments as well, every "
        "payment is recorded twice.",
        hint="Set DOCDATA_OSCAR_RECEIVERS = False to keep your receivers in charge, or "
        "remove your receivers' recording of payments. Receivers that do something "
        "else can stay: add 'oscar_docdata.W001' to SILENCED_SYSTEM_CHECKS.",
        id="oscar_docdata.W001",
    )]


def foreign_receivers(signal: Signal) -> list[str]:
    """``module.qualname`` of every live receiver of ``signal`` not from oscar_docdata."""
    names = []
    for receiver in _live(signal):
        name = _qualified_name(receiver)
        if name.split(".", 1)[0] != "oscar_docdata" and name not in names:
            names.append(name)
    return names


def _live(signal: Signal) -> Iterator[Any]:
    for entry in list(signal.receivers):
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):  # WeakMethod too
            receiver = receiver()
        if receiver is not None:
            yield receiver


def _qualified_name(receiver: Any) -> str:
    target = receiver.func if isinstance(receiver, functools.partial) else receiver
    if not hasattr(target, "__qualname__"):  # a callable instance
        target = type(target)
    return f"{target.__module__}.{target.__qualname__}"


def check_confirmation_email_setting(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """``DOCDATA_CONFIRMATION_EMAIL`` is one of the two known moments."""
    value = confirmation_email_when()
    if value in (EMAIL_WHEN_PAID, EMAIL_WHEN_PLACED):
        return []
    return [
        Error(
            f"DOCDATA_CONFIRMATION_EMAIL is {value!r}.",
            hint=f'Use "{EMAIL_WHEN_PAID}" (when Docdata reports the order paid) or '
            f'"{EMAIL_WHEN_PLACED}" (when the order is placed).',
            id="oscar_docdata.E101",
        )
    ]


def register_checks() -> None:
    """Register the plugin's checks (from ``OscarDocdataConfig.ready()``)."""
    register(check_settings, "oscar_docdata")
    register(check_confirmation_email_setting, "oscar_docdata")
    register(check_receivers, "oscar_docdata")
    register(check_deployment, Tags.security, deploy=True)
