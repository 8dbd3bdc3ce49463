"""The plugin's settings, read from Django settings at call time.

Values are looked up on every access so that ``override_settings`` in tests and
per-process configuration behave as a shop developer expects. Use ``docdata_settings``.

The old package's module attributes (``appsettings.DOCDATA_MERCHANT_NAME``,
``appsettings.DOCDATA_MERCHANT_PASSWORDS`` with the default merchant included, …)
still read: the module's ``__getattr__`` answers them from the current settings too.

Every setting is one ``Setting`` entry of ``SETTINGS``: name, default, a description and,
where its unset value is another setting's, that fallback. ``DEFAULTS`` and ``FALLBACKS``
are derived from it, and the documentation's settings reference is rendered from it
(``docs/_ext/settings_reference.py``), so the reference cannot drift from the code.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from oscar_docdata.exceptions import InvalidMerchant, InvalidSubjectMerchant

TEST_BASE_URL = "https://test.docdatapayments.com/ps"
LIVE_BASE_URL = "https://secure.docdatapayments.com/ps"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default, what it means (reStructuredText, one paragraph:
    the settings reference of the documentation is rendered from it) and, for a setting
    whose unset value is another setting's value, that other setting's name."""

    name: str
    default: Any
    doc: str
    fallback: str | None = None


#: Every ``DOCDATA_*`` setting of the plugin. Adding a setting is adding one entry here;
#: ``DEFAULTS``, ``FALLBACKS`` and the documentation follow.
SETTINGS: tuple[Setting, ...] = (
    # Credentials and endpoint
    Setting("DOCDATA_MERCHANT_NAME", "", "Your Docdata merchant (account) name."),
    Setting("DOCDATA_MERCHANT_PASSWORD", "", "Its password. Never logged."),
    Setting(
        "DOCDATA_MERCHANT_PASSWORDS", {},
        "Passwords of further sub-accounts, ``{merchant_name: password}``; the default "
        "merchant is always included. Each order uses the credentials of its own merchant.",
    ),
    Setting(
        "DOCDATA_SUBJECT_MERCHANT_TOKENS", {},
        "Subject merchants (sub-merchants) this account may create orders for, "
        "``{subject_merchant_name: token}``. The token is a secret like a password: never "
        "logged, masked in Django's error reports. An order created for a subject merchant "
        "carries it in every later call; orders of a subject merchant missing here cannot "
        "be queried (see :doc:`sub-merchants`).",
    ),
    Setting(
        "DOCDATA_TESTING", True,
        "Use Docdata's test environment (``test.docdatapayments.com``) instead of the live "
        "one.",
    ),
    Setting(
        "DOCDATA_BASE_URL", None,
        "Base URL of the service (e.g. ``https://secure.docdatapayments.com/ps`` or the "
        "simulator's mount point). When unset, the test or live host by ``DOCDATA_TESTING``. "
        "SOAP endpoint is ``<base>/services/paymentservice/1_3``, the menu ``<base>/menu``.",
    ),
    Setting(
        "DOCDATA_TIMEOUT", 30,
        "Seconds before a call to Docdata is given up (connect and read).",
    ),
    Setting(
        "DOCDATA_DEADLINE", None,
        "Seconds the whole HTTP exchange of one call may take (connect, send and every "
        "read); ``None``: ``DOCDATA_TIMEOUT``, which alone bounds only each socket read. "
        "Past it the connection is closed and the call raises ``DocdataGatewayError``.",
    ),
    Setting(
        "DOCDATA_MAX_REPLY_BYTES", 4 * 1024 * 1024,
        "Largest reply body accepted (4 MiB). The reply is read streamed; a larger one (or "
        "one whose Content-Length says so) is refused with ``DocdataGatewayError`` before it "
        "is read whole, and its connection closed. ``None``: no limit.",
    ),
    Setting(
        "DOCDATA_UNKNOWN_OUTCOME_GRACE", 120,
        "Seconds after sending a capture or refund whose answer never came before a status "
        "report without it counts as proof that it never reached Docdata. Until then the "
        "order's next capture or refund is blocked.",
    ),
    # Order creation
    Setting(
        "DOCDATA_PROFILE", "standard",
        "Payment-method profile (configured in the Back Office) for new orders.",
    ),
    Setting("DOCDATA_DAYS_TO_PAY", 7, "``numberOfDaysToPay`` of new orders."),
    Setting(
        "DOCDATA_HOUSE_NUMBER_FIELD", None,
        "Name of the field of your Oscar address model holding the house number; when unset "
        "no house number is sent (international addresses have none).",
    ),
    Setting(
        "DOCDATA_FACADE_CLASS", "oscar_docdata.facade.Facade",
        "Dotted path of the facade used by views, commands and the checkout.",
    ),
    # Payment methods
    Setting(
        "DOCDATA_PAYMENT_METHOD_LABELS", {},
        "Names shown for Docdata's method codes (code → label), overriding the built-in "
        "names of ``oscar_docdata.methods`` (e.g. "
        "``{\"MISTERCASH\": \"Bancontact/Mister Cash\"}``).",
    ),
    Setting(
        "DOCDATA_IDEAL_ISSUER_SELECTION", False,
        "Send ``ideal_issuer_id`` (a bank chosen in the shop) in the payment menu URL. Under "
        "iDEAL 2.0 the shopper chooses the bank on the iDEAL scheme's own page, so this is "
        "deprecated by the scheme: each use emits a ``DeprecationWarning``. Off, an "
        "``ideal_issuer_id`` given for the menu URL is left out with a logged warning.",
    ),
    Setting(
        "DOCDATA_PAYMENT_METHODS_CACHE_SECONDS", 3600,
        "Seconds the answer of Docdata's ``listPaymentMethods`` is cached per merchant, "
        "profile and country, for checkouts with ``docdata_live_payment_methods`` (see "
        ":doc:`payment-methods`). Use a cache that all processes share.",
    ),
    Setting(
        "DOCDATA_PAYMENT_METHODS_TIMEOUT", 2.0,
        "The most seconds one ``listPaymentMethods`` call for the live method list may take. "
        "It runs after an order was created, never while a checkout page is built.",
    ),
    Setting(
        "DOCDATA_PAYMENT_METHODS_RETRY_SECONDS", 300,
        "Seconds a failed ``listPaymentMethods`` call (a timeout, an error) is remembered per "
        "merchant before the live method list is asked for again.",
    ),
    # Notifications (and the shopper's return)
    Setting(
        "DOCDATA_NOTIFICATION_MIN_INTERVAL", 2.0,
        "Seconds between two status calls that notifications and shopper returns cause for "
        "one order. ``0``: no limit, but requests that arrived before a call started still "
        "share it.",
    ),
    Setting(
        "DOCDATA_NOTIFICATION_MAX_WAIT", 3.0,
        "Seconds a notification waits for a shared status call or for its turn before "
        "answering 503 with ``Retry-After`` (the shopper's return goes to the pending URL "
        "instead).",
    ),
    Setting(
        "DOCDATA_NOTIFICATION_PULL", "sync",
        "``\"sync\"``: a notification pulls the status before it answers. ``\"task\"``: it "
        "enqueues the pull as a task and answers 200 at once (see :doc:`operations`).",
    ),
    Setting(
        "DOCDATA_TASK_BACKEND", "default",
        "The ``TASKS`` backend alias the plugin's tasks are enqueued on.",
    ),
    Setting(
        "DOCDATA_TASK_QUEUE", "default",
        "The queue of that backend the plugin's tasks are enqueued on.",
    ),
    # Status engine
    Setting(
        "DOCDATA_PAYMENT_SUCCESS_MARGIN", {"EUR": 100, "USD": 160},
        "Tolerated shortfall in minor units per currency when a payment was made in another "
        "currency and converted.",
    ),
    Setting(
        "DOCDATA_PAID_RULE", "captured",
        "What counts as received: ``\"captured\"`` (safest), ``\"approved\"`` (acquirer "
        "guarantee is enough) or ``\"docdata\"`` (trust Docdata's ``consideredSafe``).",
    ),
    Setting(
        "DOCDATA_EXPIRE_DAYS", 21,
        "An order without payment attempts older than this becomes ``expired``.",
    ),
    Setting(
        "DOCDATA_ORDER_STATUS_MAPPING", {},
        "Docdata status → Oscar order status, applied when Oscar's pipeline allows it.",
    ),
    # Where the shopper lands after the menu (URL names or URLs)
    Setting(
        "DOCDATA_REDIRECT_URL", "checkout:thank-you",
        "Where the shopper goes after the menu unless one of the next two says otherwise.",
    ),
    Setting(
        "DOCDATA_SUCCESS_URL", None,
        "Where the shopper goes after paying (URL name or URL).",
        fallback="DOCDATA_REDIRECT_URL",
    ),
    Setting(
        "DOCDATA_PENDING_URL", None,
        "Where the shopper goes when the payment is pending.",
        fallback="DOCDATA_REDIRECT_URL",
    ),
    Setting(
        "DOCDATA_CANCELLED_URL", "basket:summary",
        "Where the shopper goes after cancelling in the menu.",
    ),
    Setting(
        "DOCDATA_ERROR_URL", "basket:summary",
        "Where the shopper goes after a failed payment.",
    ),
    # Dashboard
    Setting(
        "DOCDATA_BACKOFFICE_URL", None,
        "The dashboard's link to Docdata's Back Office (may contain ``{order_key}``, "
        "``{merchant_order_id}``, ``{merchant_name}``); unset: the Docdata base URL in use.",
    ),
    # Oscar integration
    Setting(
        "DOCDATA_OSCAR_RECEIVERS", True,
        "Keep Oscar's order status, Source, Transactions and PaymentEvents in step with "
        "Docdata. Set it to ``False`` when your own receivers of the signals record payments "
        "(as the old package's sandbox did): the check ``oscar_docdata.W001`` names such "
        "receivers. With ``False`` the facade still moves the Oscar order through "
        "``DOCDATA_ORDER_STATUS_MAPPING``, as the old package's facade did.",
    ),
    Setting(
        "DOCDATA_CONFIRMATION_EMAIL", "paid",
        "When Oscar's order confirmation goes out: ``\"paid\"`` or ``\"placed\"``.",
    ),
)

DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}

#: Settings whose unset value is another setting's value.
FALLBACKS: dict[str, str] = {
    setting.name: setting.fallback for setting in SETTINGS if setting.fallback
}

#: Module attributes of the old package that the plugin itself no longer uses.
LEGACY_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DOCDATA_IDEAL_ISSUERS", {},
        "Read by nothing in the plugin; ``appsettings.DOCDATA_IDEAL_ISSUERS`` still answers "
        "your setting. Defaults to nothing: the old list named banks that no longer exist by "
        "numbers Docdata no longer accepts (issuers are BICs now; ask "
        "``DocdataClient.list_payment_methods``).",
    ),
    Setting(
        "OSCAR_ORDER_STATUS_CASCADE", {},
        "Read by nothing in the plugin; ``appsettings.OSCAR_ORDER_STATUS_CASCADE`` still "
        "answers your setting.",
    ),
)
LEGACY_DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in LEGACY_SETTINGS}

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

    @sensitive_variables()
    def merchant_password(self, name: str) -> str:
        """The password of merchant ``name``: the one look-up of credentials.

        Raises InvalidMerchant (an ImproperlyConfigured) when none is configured.
        """
        password = self.merchant_passwords().get(name) if name else None
        if not password:
            raise InvalidMerchant(
                f"No Docdata password is configured for merchant {name!r}: set "
                "DOCDATA_MERCHANT_NAME and DOCDATA_MERCHANT_PASSWORD (the default merchant) or "
                "add it to DOCDATA_MERCHANT_PASSWORDS."
            )
        return password

    @sensitive_variables()
    def subject_merchant_token(self, name: str) -> str:
        """The token of subject merchant ``name``; InvalidSubjectMerchant when none is
        configured."""
        token = self.subject_merchant_tokens().get(name) if name else None
        if not token:
            raise InvalidSubjectMerchant(
                f"No Docdata token is configured for subject merchant {name!r}: add it to "
                "DOCDATA_SUBJECT_MERCHANT_TOKENS."
            )
        return token

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
