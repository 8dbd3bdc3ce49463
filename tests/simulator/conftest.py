import pytest

from oscar_docdata.simulator import notifications
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator  # noqa: F401

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
