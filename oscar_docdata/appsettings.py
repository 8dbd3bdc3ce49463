"""The plugin's settings, read from Django settings at call time.

Values are looked up on every access so that ``override_settings`` in tests and
per-process configuration behave as a shop developer expects. Use ``docdata_settings``.

The old package's module attributes (``appsettings.DOCDATA_MERCHANT_NAME``,
``appsettings.DOCDATA_MERCHANT_PASSWORDS`` with the default merchant included, …)
still read: the module's ``__getattr__`` answers them from the current settings too.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

TEST_BASE_URL = "https://test.docdatapayments.com/ps"
LIVE_BASE_URL = "https://secure.docdatapayments.com/ps"

DEFAULTS: dict[str, Any] = {
    # Credentials and endpoint
    "DOCDATA_MERCHANT_NAME": "",
    "DOCDATA_MERCHANT_PASSWORD": "",
    "DOCDATA_MERCHANT_PASSWORDS": {},
    # Sub-merchants ("subject merchants") the merchant may create orders for: name ->
    # token (a secret, like a password). An order created for one carries it in every
    # later call; see docs/sub-merchants.rst.
    "DOCDATA_SUBJECT_MERCHANT_TOKENS": {},
    "DOCDATA_TESTING": True,
    "DOCDATA_BASE_URL": None,
    "DOCDATA_TIMEOUT": 30,
    # Seconds the whole HTTP exchange of one call may take (None: DOCDATA_TIMEOUT, which
    # bounds the connect and each socket read), and the largest reply body accepted.
    "DOCDATA_DEADLINE": None,
    "DOCDATA_MAX_REPLY_BYTES": 4 * 1024 * 1024,
    # Seconds after sending a capture or refund whose outcome is unknown (a timeout
    # after the request went out) before a status report without it settles it as
    # "never reached Docdata". Until then it blocks further captures and refunds.
    "DOCDATA_UNKNOWN_OUTCOME_GRACE": 120,
    # Order creation
    "DOCDATA_PROFILE": "standard",
    "DOCDATA_DAYS_TO_PAY": 7,
    "DOCDATA_HOUSE_NUMBER_FIELD": None,
    "DOCDATA_FACADE_CLASS": "oscar_docdata.facade.Facade",
    # Payment methods: names shown for Docdata's method codes (code -> label), on top
    # of oscar_docdata.methods.METHOD_NAMES.
    "DOCDATA_PAYMENT_METHOD_LABELS": {},
    # Notifications (and the shopper's return): seconds between two status calls that
    # requests for one order cause (0: no limit, but requests that arrived before a call
    # started still share it), and how long a request waits for a call to share or for
    # its turn before answering 503 with Retry-After (Docdata then retries).
    "DOCDATA_NOTIFICATION_MIN_INTERVAL": 2.0,
    "DOCDATA_NOTIFICATION_MAX_WAIT": 3.0,
    # "sync": the notification pulls the status before answering (Docdata retries until
    # it was applied); "task": it enqueues the pull (oscar_docdata.tasks) and answers 200.
    "DOCDATA_NOTIFICATION_PULL": "sync",
    # The Django Tasks backend alias and queue the plugin's tasks are enqueued on.
    "DOCDATA_TASK_BACKEND": "default",
    "DOCDATA_TASK_QUEUE": "default",
    # Status engine
    "DOCDATA_PAYMENT_SUCCESS_MARGIN": {"EUR": 100, "USD": 160},
    "DOCDATA_PAID_RULE": "captured",
    "DOCDATA_EXPIRE_DAYS": 21,
    "DOCDATA_ORDER_STATUS_MAPPING": {},
    # Where the shopper lands after the menu (URL names or URLs). Unset success and
    # pending URLs follow DOCDATA_REDIRECT_URL, as in the old package.
    "DOCDATA_REDIRECT_URL": "checkout:thank-you",
    "DOCDATA_SUCCESS_URL": None,
    "DOCDATA_PENDING_URL": None,
    "DOCDATA_CANCELLED_URL": "basket:summary",
    "DOCDATA_ERROR_URL": "basket:summary",
    # Dashboard: link to Docdata's Back Office (None: the base URL in use, see
    # oscar_docdata.dashboard.backoffice)
    "DOCDATA_BACKOFFICE_URL": None,
    # Oscar integration: the receivers, and when the confirmation e-mail goes out
    "DOCDATA_OSCAR_RECEIVERS": True,
    "DOCDATA_CONFIRMATION_EMAIL": "paid",
}

#: Settings whose unset value is another setting's value.
FALLBACKS: dict[str, str] = {
    "DOCDATA_SUCCESS_URL": "DOCDATA_REDIRECT_URL",
    "DOCDATA_PENDING_URL": "DOCDATA_REDIRECT_URL",
}

#: Module attributes of the old package that the plugin itself no longer uses.
#: ``DOCDATA_IDEAL_ISSUERS`` defaults to nothing: the old list named banks that no
#: longer exist by numbers Docdata no longer accepts (issuers are BICs now; ask
#: ``DocdataClient.list_payment_methods``).
LEGACY_DEFAULTS: dict[str, Any] = {
    "DOCDATA_IDEAL_ISSUERS": {},
    "OSCAR_ORDER_STATUS_CASCADE": {},
}

#: Settings holding where the shopper is sent; as module attributes they read as URLs.
URL_SETTINGS = frozenset({
    "DOCDATA_REDIRECT_URL", "DOCDATA_SUCCESS_URL", "DOCDATA_PENDING_URL",
    "DOCDATA_CANCELLED_URL", "DOCDATA_ERROR_URL",
})

_MISSING = object()


class AppSettings:
    """Attribute access to ``DOCDATA_*`` settings with the plugin's defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        value = getattr(settings, name, _MISSING)
        if value is not _MISSING:
            return value
        if name in FALLBACKS:
            return getattr(self, FALLBACKS[name])
        # A copy: a caller changing a default dict must not change it for everyone.
        return copy.deepcopy(DEFAULTS[name])

    @property
    def base_url(self) -> str:
        """The Docdata base URL (``…/ps``) without a trailing slash."""
        explicit = self.DOCDATA_BASE_URL
        if explicit:
            return str(explicit).rstrip("/")
        return TEST_BASE_URL if self.DOCDATA_TESTING else LIVE_BASE_URL

    def merchant_passwords(self) -> dict[str, str]:
        """Every configured merchant and its password, the default one included."""
        passwords = dict(self.DOCDATA_MERCHANT_PASSWORDS or {})
        if self.DOCDATA_MERCHANT_NAME:
            passwords.setdefault(self.DOCDATA_MERCHANT_NAME, self.DOCDATA_MERCHANT_PASSWORD)
        return passwords

    def subject_merchant_tokens(self) -> dict[str, str]:
        """Every configured subject merchant and its token (DOCDATA_SUBJECT_MERCHANT_TOKENS)."""
        configured = self.DOCDATA_SUBJECT_MERCHANT_TOKENS or {}
        if not isinstance(configured, dict):
            return {}
        return {str(name): token for name, token in configured.items()
                if isinstance(token, str) and token}


docdata_settings = AppSettings()


def __getattr__(name: str) -> Any:
    """The old package's module attributes (PEP 562), read from the current settings."""
    if name == "DOCDATA_MERCHANT_PASSWORDS":
        # The old attribute included the default merchant.
        return docdata_settings.merchant_passwords()
    if name in URL_SETTINGS:
        # The old attributes were URLs (reverse_lazy); ours may be URL names.
        from django.shortcuts import resolve_url
        from django.utils.functional import lazy

        return lazy(resolve_url, str)(getattr(docdata_settings, name))
    if name in DEFAULTS:
        return getattr(docdata_settings, name)
    if name in LEGACY_DEFAULTS:
        return getattr(settings, name, copy.deepcopy(LEGACY_DEFAULTS[name]))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *DEFAULTS, *LEGACY_DEFAULTS})
