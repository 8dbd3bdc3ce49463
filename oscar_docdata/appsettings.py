"""The plugin's settings, read from Django settings at call time.

Values are looked up on every access so that ``override_settings`` in tests and
per-process configuration behave as a shop developer expects.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

TEST_BASE_URL = "https://test.docdatapayments.com/ps"
LIVE_BASE_URL = "https://secure.docdatapayments.com/ps"

DEFAULTS: dict[str, Any] = {
    # Credentials and endpoint
    "DOCDATA_MERCHANT_NAME": "",
    "DOCDATA_MERCHANT_PASSWORD": "",
    "DOCDATA_MERCHANT_PASSWORDS": {},
    "DOCDATA_TESTING": True,
    "DOCDATA_BASE_URL": None,
    "DOCDATA_TIMEOUT": 30,
    # Order creation
    "DOCDATA_PROFILE": "standard",
    "DOCDATA_DAYS_TO_PAY": 4,
    "DOCDATA_HOUSE_NUMBER_FIELD": None,
    "DOCDATA_FACADE_CLASS": "oscar_docdata.facade.Facade",
    # Status engine
    "DOCDATA_PAYMENT_SUCCESS_MARGIN": {"EUR": 100, "USD": 150},
    "DOCDATA_PAID_RULE": "captured",
    "DOCDATA_EXPIRE_DAYS": 21,
    "DOCDATA_ORDER_STATUS_MAPPING": {},
    # Where the shopper lands after the menu
    "DOCDATA_SUCCESS_URL": "checkout:thank-you",
    "DOCDATA_PENDING_URL": "checkout:thank-you",
    "DOCDATA_CANCELLED_URL": "basket:summary",
    "DOCDATA_ERROR_URL": "basket:summary",
    # Dashboard: link to Docdata's Back Office (None: the base URL in use, see
    # oscar_docdata.dashboard.backoffice)
    "DOCDATA_BACKOFFICE_URL": None,
    # Oscar integration: the receivers, and when the confirmation e-mail goes out
    "DOCDATA_OSCAR_RECEIVERS": True,
    "DOCDATA_CONFIRMATION_EMAIL": "paid",
}


class AppSettings:
    """Attribute access to ``DOCDATA_*`` settings with the plugin's defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, name, DEFAULTS[name])

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


docdata_settings = AppSettings()
