"""Settings of the benchmarks: the test shop, on SQLite in memory or on PostgreSQL.

``BENCH_DATABASE=postgres`` (set by the scripts' ``--postgres`` option) uses the
PostgreSQL server of the test settings (``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD``,
default 127.0.0.1:5432 docdata/docdata) with a database of its own, created and dropped
by the benchmark (``BENCH_DB_NAME`` names an existing one, for a server process).
Tables are created straight from the models (no migrations): faster, same schema.
"""

import os

from tests.settings import *  # noqa: F403 - the test shop, as the benchmarks' base

if os.environ.get("BENCH_DATABASE") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("BENCH_DB_NAME", "oscar_docdata_bench"),
            "USER": os.environ.get("PGUSER", "docdata"),
            "PASSWORD": os.environ.get("PGPASSWORD", "docdata"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "TEST": {"MIGRATE": False},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "TEST": {"MIGRATE": False},
        }
    }

# Quiet: the benchmarks print their own tables.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "CRITICAL"},
    "loggers": {
        "oscar_docdata": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
        "django": {"handlers": ["null"], "level": "CRITICAL", "propagate": False},
    },
}

if os.environ.get("BENCH_SHOP") == "startup":
    # bench_startup.py: the shop both this package and the old one run in (the old
    # package has no simulator).
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "oscar_docdata.simulator"]  # noqa: F405
    ROOT_URLCONF = "benchmarks.urls_startup"
