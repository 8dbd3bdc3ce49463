"""Settings for the test suite: an Oscar shop with the plugin and the simulator."""

import os
from importlib.util import find_spec
from pathlib import Path

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403 - Oscar's settings, as its docs recommend

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "tests-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
USE_I18N = True

if os.environ.get("DOCDATA_TEST_DATABASE") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "oscar_docdata"),
            "USER": os.environ.get("PGUSER", "docdata"),
            "PASSWORD": os.environ.get("PGPASSWORD", "docdata"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

INSTALLED_APPS = [
    *OSCAR_APPS,
    "oscar_docdata",
    "oscar_docdata.simulator",
    # Django Tasks: built in from Django 6, the backport before; the database backend's
    # tables for the worker tests (tests/operations/test_tasks.py).
    *([] if find_spec("django.tasks") else ["django_tasks"]),
    "django_tasks_db",
]

# No TASKS: the immediate backend, as in a shop that configures none. The task worker
# processes of tests/operations/test_tasks.py run with these two set.
if os.environ.get("DOCDATA_TEST_TASKS") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
]

ROOT_URLCONF = "tests.urls"

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
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_URL = "/static/"
MEDIA_ROOT = str(BASE_DIR / "media")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Paid", "Cancelled"),
    "Paid": ("Being processed", "Refunded", "Charged back", "Cancelled"),
    "Being processed": ("Complete", "Cancelled"),
    "Refunded": (),
    "Charged back": (),
    "Complete": ("Refunded",),
    "Cancelled": (),
}

# Docdata: a test merchant, and an endpoint that refuses connections so that a
# test which forgot to point the plugin at the simulator fails fast, offline.
DOCDATA_MERCHANT_NAME = "shop_test"
DOCDATA_MERCHANT_PASSWORD = "Sup3r-Secret-pw"  # noqa: S105
DOCDATA_MERCHANT_PASSWORDS = {"shop_sub": "Sub-Acc0unt-pw"}
DOCDATA_TESTING = True
DOCDATA_BASE_URL = os.environ.get("DOCDATA_TEST_BASE_URL", "http://127.0.0.1:9/ps")
DOCDATA_TIMEOUT = 5
# DEBUG is off, as in production: the simulator answers only when enabled explicitly.
DOCDATA_SIMULATOR_ENABLED = True
# Captures and refunds requested over SOAP stay NEW until a test settles, fails or
# cancels them (settle_pending etc.): tests see the pending state and never race a clock.
DOCDATA_SIMULATOR_SETTLE_SECONDS = None
DOCDATA_ORDER_STATUS_MAPPING = {
    "paid": "Paid",
    "refunded": "Refunded",
    "charged_back": "Charged back",
    "cancelled": "Cancelled",
    "expired": "Cancelled",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"oscar_docdata": {"handlers": ["null"], "level": "INFO"}},
}

# No minimum interval between the status calls of notifications for one order: many tests
# notify one order several times in a row and would each wait for it. Requests are still
# coalesced; tests/core/test_notification_coalescing.py and
# tests/proving/test_notification_burst.py set their own values.
DOCDATA_NOTIFICATION_MIN_INTERVAL = 0
