"""Fixtures of the proving tests (fault matrix, load, fuzzing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oscar_docdata.oscar_adapter import receivers
from oscar_docdata.testing.canned import CannedSoapAdapter, canned_docdata
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator

from .support import SignalRecorder

__all__ = ["docdata_live_simulator", "docdata_simulator"]  # the simulator's fixtures

@pytest.fixture
def docdata() -> Iterator[CannedSoapAdapter]:
    """A canned Docdata answering in-process; ``docdata.requests`` records every call."""
    with canned_docdata() as adapter:
        yield adapter


@pytest.fixture
def signal_recorder() -> Iterator[SignalRecorder]:
    recorder = SignalRecorder()
    recorder.connect()
    yield recorder
    recorder.disconnect()


@pytest.fixture
def oscar_receivers() -> Iterator[None]:
    """The receivers that keep Oscar's order in step, connected as a shop has them."""
    connected_before = receivers.is_connected()
    receivers.connect()
    yield
    if not connected_before:
        receivers.disconnect()


@pytest.fixture
def live_simulator_quiet(docdata_live_simulator: Any, settings: Any, caplog: Any) -> Iterator[Any]:
    """The simulator behind the live server, sending no notifications by itself:
    the test sends each notification and looks at its answer."""
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    settings.DOCDATA_SIMULATOR_CHECK_REPLIES = True
    yield docdata_live_simulator
    # Captured log records hold the gateway's exceptions, whose tracebacks hold HTTP
    # responses and so kept-alive connections to the live server: let them go before
    # the simulator's teardown waits (up to 2 s) for the server's threads to end.
    for when in ("setup", "call"):
        caplog.get_records(when).clear()
