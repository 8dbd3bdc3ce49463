from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from oscar_docdata.gateway import DocdataClient
from oscar_docdata.simulator import notifications
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator  # noqa: F401
from oscar_docdata.testing.simulator import DEFAULT_HOST, InProcessAdapter

from .browser import Browser
from .receiver_urls import receiver


@pytest.fixture(autouse=True)
def simulator_test_settings(settings):
    """Every reply is checked against the XSD; notifications only where a test wants them."""
    settings.DOCDATA_SIMULATOR_CHECK_REPLIES = True
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    settings.DOCDATA_SIMULATOR_NOTIFY_BACKOFF = 0.01
    settings.DOCDATA_TIMEOUT = 5
    receiver.reset()
    yield
    notifications.worker.discard()
    notifications.wait_until_idle(5)


@pytest.fixture
def client(docdata_simulator):  # noqa: F811 - the fixture imported above
    """The plugin's client, talking to the in-process simulator."""
    return DocdataClient()


@pytest.fixture
def browser(docdata_simulator):  # noqa: F811 - the fixture imported above
    """A scripted shopper's browser on the in-process simulator's pages."""
    session = requests.Session()
    session.mount(DEFAULT_HOST + "/", InProcessAdapter())
    yield Browser(session)
    session.close()


def log_in(session: requests.Session, *, staff: bool = True) -> None:
    """Give the requests session a logged-in user's session cookie (staff by default)."""
    user = get_user_model().objects.create_user(
        username="sim-staff" if staff else "sim-shopper",
        email="staff@example.com" if staff else "shopper@example.com",
        password="x-unused-pw", is_staff=staff)  # noqa: S106
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    name = django_settings.SESSION_COOKIE_NAME
    session.cookies.set(name, client.cookies[name].value,
                        domain=urlsplit(DEFAULT_HOST).hostname, path="/")


@pytest.fixture
def staff_browser(browser):
    """The scripted browser of a logged-in staff user (the overview needs one)."""
    log_in(browser.session)
    return browser
