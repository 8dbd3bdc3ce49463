"""Fixtures shared by the checkout and browser tests (imported by their conftest.py)."""

import pytest
from django.core import mail

from oscar_docdata.oscar_adapter import receivers
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator

from .shop import make_shop

__all__ = [
    "docdata_live_simulator",
    "docdata_simulator",
    "guest_checkout",
    "oscar_receivers",
    "product",
]


@pytest.fixture(autouse=True)
def oscar_receivers():
    """The receivers, connected as oscar_docdata's AppConfig.ready() connects them."""
    connected_before = receivers.is_connected()
    receivers.connect()
    yield
    if not connected_before:
        receivers.disconnect()


@pytest.fixture(autouse=True)
def guest_checkout(settings):
    settings.OSCAR_ALLOW_ANON_CHECKOUT = True
    mail.outbox = []


@pytest.fixture
def product(transactional_db):
    return make_shop()
