"""The legacy shop's settings, receivers and Docdata (the simulator behind live_server)."""

import copy

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config

from oscar_docdata.simulator import notifications
from oscar_docdata.testing.fixtures import docdata_live_simulator  # noqa: F401 - a fixture
from tests.checkout.shop import make_shop

from . import receivers
from .shopper import Shopper

URLCONF = "tests.legacy_shop.urls"
FACADE_CLASS = "tests.legacy_shop.facade.LegacyShopFacade"
#: Not in the shop's INSTALLED_APPS: the old README never asked for it.
DASHBOARD_APP = "oscar_docdata.dashboard"

#: The navigation entry, as the old README told shops to add it.
DOCDATA_NAVIGATION_ENTRY = {
    "label": _("Docdata Orders"),
    "url_name": "docdata-order-list",
}


@pytest.fixture(autouse=True)
def legacy_shop_settings(settings):
    """The shop's settings.py, as far as Docdata is concerned."""
    settings.DOCDATA_FACADE_CLASS = FACADE_CLASS
    settings.DOCDATA_HOUSE_NUMBER_FIELD = "line2"
    # The shop keeps its own receivers (below): the package's must stay out.
    settings.DOCDATA_OSCAR_RECEIVERS = False
    navigation = copy.deepcopy(settings.OSCAR_DASHBOARD_NAVIGATION)
    navigation[2]["children"].insert(1, dict(DOCDATA_NAVIGATION_ENTRY))
    settings.OSCAR_DASHBOARD_NAVIGATION = navigation
    # Oscar caches which dashboard app serves which URL name; other tests mount others.
    _dashboard_url_names_to_config.cache_clear()
    yield
    _dashboard_url_names_to_config.cache_clear()


@pytest.fixture(autouse=True)
def shop_receivers():
    """The shop's receivers, connected as its AppConfig.ready() would connect them."""
    receivers.connect()
    yield
    receivers.disconnect()


@pytest.fixture
def docdata(docdata_live_simulator, live_server, settings):  # noqa: F811 - the fixture
    """The simulator behind live_server, notifying the URL the shop gave Docdata.

    As the old README's Back Office setup: the update URL is the shop's
    ``status_changed`` URL with ``?order_id=``. On PostgreSQL the notifications come
    from the simulator's worker thread, independently of the shopper, as Docdata's
    do; SQLite's in-memory database is shared only with the live server's threads,
    so there they are sent synchronously.
    """
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    settings.DOCDATA_SIMULATOR_CHECK_REPLIES = True
    update_url = live_server.url + reverse("status_changed", urlconf=URLCONF)
    settings.DOCDATA_SIMULATOR_UPDATE_URLS = {
        settings.DOCDATA_MERCHANT_NAME: f"{update_url}?order_id=",
    }
    yield docdata_live_simulator
    assert notifications.wait_until_idle(10), "the simulator's notifications did not finish"


@pytest.fixture
def product(transactional_db):
    return make_shop()


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user(
        username="piet", email="piet@example.com", password="not-used",
        first_name="Piet", last_name="Jansen",
    )


@pytest.fixture
def shopper(live_server, customer):
    shopper = Shopper(live_server.url, customer)
    yield shopper
    shopper.close()
