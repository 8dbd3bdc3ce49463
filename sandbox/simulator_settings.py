"""Settings of the sandbox's Docdata simulator: a process of its own beside the shop.

``runsandbox`` serves it on the shop's port + 1 (``SANDBOX_SIMULATOR_PORT``). Like the
real Docdata it keeps its own data, in its own SQLite file, and calls the shop's update
URL from a worker thread after each change. (In one process sharing one SQLite file, a
shop transaction that asks Docdata to cancel, capture or refund could never write after
the simulator wrote: SQLite locks the whole file.)
"""

import os
from pathlib import Path

import oscar_docdata
from sandbox.settings import *  # noqa: F403 - the shop's merchant, host and ports
from sandbox.settings import BASE_DIR, DOCDATA_MERCHANT_NAME, SANDBOX_HOST, SANDBOX_PORT

INSTALLED_APPS = ["django.contrib.staticfiles", "oscar_docdata.simulator"]
MIGRATION_MODULES = {}
ROOT_URLCONF = "sandbox.simulator_urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "SANDBOX_SIMULATOR_DATABASE", str(BASE_DIR / "simulator.sqlite3")
        ),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The simulator's pages live in oscar_docdata's template folder.
        "DIRS": [str(Path(oscar_docdata.__file__).parent / "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
            ],
        },
    }
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Notify the shop's update URL, as configured in Docdata's Back Office.
DOCDATA_SIMULATOR_UPDATE_URLS = {
    DOCDATA_MERCHANT_NAME: f"http://{SANDBOX_HOST}:{SANDBOX_PORT}/api/docdata/update_order/?order_id="
}
DOCDATA_SIMULATOR_NOTIFY = "thread"
# DOCDATA_SIMULATOR_SETTLE_SECONDS keeps its default (10 s): the shop's refunds and
# captures show as pending for a few seconds, as with Docdata, then the shop is notified.
# Enabled explicitly, so that it also answers with SANDBOX_DEBUG=0. This process has
# no users or sessions (nor the shop's admin): its overview is open to whoever reaches
# it, like the rest of the sandbox on this machine. A shop mounting the simulator in
# its own URLconf keeps the default (staff only).
DOCDATA_SIMULATOR_ENABLED = True
DOCDATA_SIMULATOR_STAFF_ONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "oscar_docdata.simulator": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
