"""pytest fixtures for shops using oscar_docdata: the Docdata simulator in your tests.

Add ``oscar_docdata.simulator`` to INSTALLED_APPS and its URLs to the test URLconf
(``path("docdata-sim/", include("oscar_docdata.simulator.urls"))``), then in the
top-level ``conftest.py``::

    pytest_plugins = ["oscar_docdata.testing.fixtures"]

and use ``docdata_simulator`` (in-process, no server, works with ``db``) or
``docdata_live_simulator`` (behind pytest-django's ``live_server``, transactional); both
enable the simulator for the test (``DOCDATA_SIMULATOR_ENABLED``), so test settings with
DEBUG off need nothing more::

    def test_paid_order(client, docdata_simulator):
        ...  # check out: the plugin creates the Docdata order in the simulator
        docdata_simulator.settle(order_key, "paid")
        assert docdata_simulator.notifications(order_key)[-1].status_code == 200
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .simulator import SimulatorHandle, in_process_simulator, live_simulator


@pytest.fixture
def docdata_simulator(db) -> Iterator[SimulatorHandle]:
    """The Docdata simulator answering in-process; DOCDATA_BASE_URL points at it."""
    with in_process_simulator() as simulator:
        yield simulator


@pytest.fixture
def docdata_live_simulator(transactional_db, live_server) -> Iterator[SimulatorHandle]:
    """The Docdata simulator behind ``live_server``; DOCDATA_BASE_URL points at it."""
    with live_simulator(live_server.url) as simulator:
        yield simulator
