"""Settings of the sandbox shop: Oscar 4.2 with oscar_docdata, SQLite and the simulator.

By default the shop pays through the offline simulator, which ``runsandbox`` serves as a
process of its own on the next port (``sandbox/simulator_settings.py``), with its own
SQLite file: like the real Docdata it keeps its own data, so the shop's transactions
never wait on it. With ``DOCDATA_MERCHANT_NAME`` and ``DOCDATA_MERCHANT_PASSWORD`` in the
environment the shop talks to the real Docdata instead (test environment unless
``DOCDATA_TESTING=0``; ``DOCDATA_BASE_URL`` overrides the host).
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403 - Oscar's settings, as its docs recommend
from oscar.defaults import OSCAR_DASHBOARD_NAVIGATION

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool) -> bool:
    """An on/off environment variable: 0/false/no/off mean off."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


# A development shop: never deploy these settings.
SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY", "sandbox-only-not-secret")
DEBUG = env_flag("SANDBOX_DEBUG", True)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", os.environ.get("SANDBOX_HOST", "127.0.0.1")]
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
USE_I18N = True

# runsandbox sets these from its address and ports before it starts the servers, so the
# shop reaches the simulator and the simulator the shop wherever they are served.
SANDBOX_HOST = os.environ.get("SANDBOX_HOST", "127.0.0.1")
SANDBOX_PORT = os.environ.get("SANDBOX_PORT", "8000")
SANDBOX_SIMULATOR_PORT = os.environ.get("SANDBOX_SIMULATOR_PORT", str(int(SANDBOX_PORT) + 1))

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SANDBOX_DATABASE", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {
            # Docdata's notification and the shopper's return update the same order at
            # the same moment. SQLite has no row locks: IMMEDIATE transactions take the
            # write lock up front, so the second update waits for the first (up to
            # "timeout" seconds) and then sees its result, instead of failing.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Readers never wait for the writer.
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
}

INSTALLED_APPS = [
    *[
        app
        for app in OSCAR_APPS
        if app
        not in {
            "oscar.apps.checkout.apps.CheckoutConfig",
            "oscar.apps.partner.apps.PartnerConfig",
            "oscar.apps.shipping.apps.ShippingConfig",
        }
    ],
    # Forked Oscar apps (see sandbox/apps/): the checkout pays through Docdata, the
    # partner app prices with Dutch VAT, the shipping app offers paid delivery.
    "sandbox.apps.checkout.apps.CheckoutConfig",
    "sandbox.apps.partner.apps.PartnerConfig",
    "sandbox.apps.shipping.apps.ShippingConfig",
    "oscar_docdata",
    "oscar_docdata.dashboard",
    "sandbox.shop",
]

# The forked partner and shipping apps only add classes, not models: keep using Oscar's
# own migrations for them instead of copies that would drift from Oscar's.
MIGRATION_MODULES = {
    "partner": "oscar.apps.partner.migrations",
    "shipping": "oscar.apps.shipping.migrations",
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "sandbox.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Static files come from the apps through runserver (DEBUG); media (Oscar's
# "image not found" picture) from sandbox/media/.
STATIC_URL = "/static/"
STATIC_ROOT = str(BASE_DIR / "static_collected")
MEDIA_URL = "/media/"
MEDIA_ROOT = str(BASE_DIR / "media")

# Mails (the order confirmation) are printed on the console.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
OSCAR_FROM_EMAIL = "shop@example.com"

# Oscar
OSCAR_SHOP_NAME = "Docdata sandbox"
OSCAR_SHOP_TAGLINE = "oscar_docdata on the simulator"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_ALLOW_ANON_CHECKOUT = True
# Thumbnails without an image library: the sandbox has no product pictures.
OSCAR_THUMBNAILER = "sandbox.shop.thumbnails.OriginalImage"
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Docdata"),
        "icon": "fas fa-credit-card",
        "children": [
            {
                "label": _("Docdata orders"),
                "url_name": "oscar_docdata_dashboard:docdata-order-list",
            },
        ],
    },
]
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Paid", "Cancelled"),
    "Paid": ("Being processed", "Refunded", "Charged back", "Cancelled"),
    "Being processed": ("Complete", "Cancelled"),
    "Complete": ("Refunded",),
    "Refunded": (),
    "Charged back": (),
    "Cancelled": (),
}

# Docdata
DOCDATA_ORDER_STATUS_MAPPING = {
    "paid": "Paid",
    "refunded": "Refunded",
    "charged_back": "Charged back",
    "cancelled": "Cancelled",
    "expired": "Cancelled",
}
DOCDATA_USES_REAL_SERVICE = bool(
    os.environ.get("DOCDATA_MERCHANT_NAME") and os.environ.get("DOCDATA_MERCHANT_PASSWORD")
)
if DOCDATA_USES_REAL_SERVICE:
    DOCDATA_MERCHANT_NAME = os.environ["DOCDATA_MERCHANT_NAME"]
    DOCDATA_MERCHANT_PASSWORD = os.environ["DOCDATA_MERCHANT_PASSWORD"]
    DOCDATA_TESTING = env_flag("DOCDATA_TESTING", True)
    DOCDATA_BASE_URL = os.environ.get("DOCDATA_BASE_URL") or None
    DOCDATA_PROFILE = os.environ.get("DOCDATA_PROFILE", "standard")
else:
    # The simulator (sandbox/simulator_settings.py) accepts this merchant.
    DOCDATA_MERCHANT_NAME = "sandbox"
    DOCDATA_MERCHANT_PASSWORD = "sandbox-password"
    DOCDATA_TESTING = True
    DOCDATA_BASE_URL = (
        os.environ.get("DOCDATA_BASE_URL")
        or f"http://{SANDBOX_HOST}:{SANDBOX_SIMULATOR_PORT}/docdata-sim"
    )
DOCDATA_TIMEOUT = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "oscar_docdata": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "oscar.checkout": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
