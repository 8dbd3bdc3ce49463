"""Fixtures of the operations tests: the dashboard installed, orders, users, Docdata."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config

from oscar_docdata.gateway.values import Address, Amount, Destination, Name, Shopper
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing.canned import canned_docdata
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator
from tests.factories import stored_order

__all__ = ["docdata_live_simulator", "docdata_simulator"]  # the simulator's fixtures

DASHBOARD_APP = "oscar_docdata.dashboard"  # as the documentation says

#: The navigation entry the README gives.
DOCDATA_NAVIGATION = {
    "label": _("Docdata"),
    "icon": "fas fa-credit-card",
    "children": [
        {
            "label": _("Docdata orders"),
            "url_name": "oscar_docdata_dashboard:docdata-order-list",
        },
    ],
}


@pytest.fixture(scope="package", autouse=True)
def docdata_dashboard() -> Iterator[None]:
    """The dashboard app installed, mounted and in the navigation, as the documentation says."""
    overrides: dict[str, Any] = {
        "ROOT_URLCONF": "tests.operations.urls",
        "OSCAR_DASHBOARD_NAVIGATION": [*settings.OSCAR_DASHBOARD_NAVIGATION, DOCDATA_NAVIGATION],
    }
    if not any(app.startswith(DASHBOARD_APP) for app in settings.INSTALLED_APPS):
        overrides["INSTALLED_APPS"] = [*settings.INSTALLED_APPS, DASHBOARD_APP]
    with dashboard_settings(**overrides):
        yield


@contextmanager
def dashboard_settings(**overrides: Any) -> Iterator[None]:
    """Settings of a dashboard set-up, with Oscar's cache of which dashboard app serves
    which URL name cleared on the way in and out (tests mount the dashboard differently)."""
    override = override_settings(**overrides)
    override.enable()
    _dashboard_url_names_to_config.cache_clear()
    try:
        yield
    finally:
        override.disable()
        _dashboard_url_names_to_config.cache_clear()


_numbers = itertools.count(1)


@pytest.fixture
def make_order(db: Any) -> Callable[..., DocdataOrder]:
    """A stored DocdataOrder (not known to any Docdata)."""

    def make(*, age_days: float = 0, age_minutes: float = 0, **fields: Any) -> DocdataOrder:
        return stored_order(age=timedelta(days=age_days, minutes=age_minutes),
                            reference_prefix="20000", key_offset=0xD0C0000, **fields)

    return make


@pytest.fixture
def docdata() -> Iterator[Any]:
    """A canned Docdata (in-process adapter); ``docdata.requests`` records every call."""
    with canned_docdata() as adapter:
        yield adapter


def _user(django_user_model: Any, username: str, **fields: Any) -> Any:
    return django_user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password="x", **fields
    )


def grant(user: Any, *codenames: str) -> Any:
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="oscar_docdata", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: no cached permissions


@pytest.fixture
def staff_user(db: Any, django_user_model: Any) -> Any:
    """Staff with the Docdata order permissions (as Oscar's staff group has for orders)."""
    user = _user(django_user_model, "staff", is_staff=True, first_name="Sam", last_name="Staff")
    return grant(user, "view_docdataorder", "change_docdataorder")


@pytest.fixture
def staff_client(client: Any, staff_user: Any) -> Any:
    client.force_login(staff_user)
    return client


@pytest.fixture
def customer(db: Any, django_user_model: Any) -> Any:
    """A shop customer: not staff, no permissions."""
    return _user(django_user_model, "customer")


def shopper_args(number: str) -> dict[str, Any]:
    """The create_payment keyword arguments Interface needs besides order and total."""
    name = Name(first="Jan", last="Jansen")
    return {
        "shopper": Shopper(
            id=f"shopper-{number}", name=name, email="jan@example.com", language="nl"
        ),
        "bill_to": Destination(
            name=name,
            address=Address(
                street="Damrak", house_number="1", house_number_addition=None,
                postal_code="1012LG", city="Amsterdam", state=None, country_code="NL",
            ),
        ),
    }


def create_docdata_order(
    amount: str = "25.00", *, currency: str = "EUR", merchant: str = "shop_test",
    number: str | None = None,
) -> DocdataOrder:
    """A Docdata order created through the plugin at the Docdata DOCDATA_BASE_URL names."""
    from oscar_docdata.interface import Interface

    number = number or f"30000{next(_numbers)}"
    key = Interface.for_merchant(merchant).create_payment(
        number, Amount(Decimal(amount), currency), None, merchant_name=merchant,
        **shopper_args(number),
    )
    return DocdataOrder.objects.get(order_key=key)


@pytest.fixture
def create_simulated_order(docdata_simulator: Any) -> Callable[..., DocdataOrder]:
    """Creates Docdata orders through the plugin in the (in-process) simulator."""
    return create_docdata_order


@pytest.fixture
def quiet_simulator(docdata_simulator: Any, settings: Any) -> Any:
    """The in-process simulator without notifications: the shop misses every change,
    as when Docdata's notifications do not arrive, so only a status pull finds it."""
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    return docdata_simulator


class TTYStringIO(io.StringIO):
    """Captured output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run_command(name: str, *args: str, tty: bool = False, **options: Any) -> CommandRun:
    """Run a management command; capture its output and its exit status (0 or 1)."""
    out: io.StringIO = TTYStringIO() if tty else io.StringIO()
    err = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err, **options)
    except CommandError as error:
        return CommandRun(1, out.getvalue(), err.getvalue(), str(error))
    return CommandRun(0, out.getvalue(), err.getvalue(), "")


@dataclass
class CommandRun:
    exit_status: int
    out: str
    err: str
    error: str
