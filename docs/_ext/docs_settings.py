"""Django settings for building the documentation: enough for autodoc to import the
package (Oscar, the plugin, its dashboard and the simulator); no database is used."""

from importlib.util import find_spec

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F403 - Oscar's settings, as its docs recommend

SECRET_KEY = "docs-only-not-secret"  # noqa: S105
USE_TZ = True
SITE_ID = 1
INSTALLED_APPS = [
    *OSCAR_APPS,
    "oscar_docdata",
    "oscar_docdata.dashboard",
    "oscar_docdata.simulator",
    # Django Tasks: built in from Django 6, the backport before.
    *([] if find_spec("django.tasks") else ["django_tasks"]),
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ROOT_URLCONF = "oscar_docdata.urls"
