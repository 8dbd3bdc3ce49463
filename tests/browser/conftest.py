import pytest
from django.db import connection

from oscar_docdata.simulator import notifications
from tests.checkout.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    docdata_live_simulator,
    guest_checkout,
    oscar_receivers,
    product,
)


@pytest.fixture
def simulator(docdata_live_simulator, settings):  # noqa: F811 - the imported fixture
    """The simulator behind live_server, notifying the shop as Docdata does.

    Docdata notifies independently of its answers to the shop: the simulator's worker
    thread does the same, so the shop may hold an order's row lock while it asks the
    simulator to cancel. SQLite's in-memory test database is visible only to the live
    server's own threads, so there the notifications stay synchronous (one shared
    connection has no row locks to wait for).
    """
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    yield docdata_live_simulator
    assert notifications.wait_until_idle(10), "the simulator's notifications did not finish"
