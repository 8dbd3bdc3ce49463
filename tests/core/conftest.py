"""Fixtures of the core tests: stored orders, a canned Docdata, signal recording."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from oscar_docdata import signals
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata
from tests.factories import stored_order

#: An UPDATE of only the status pull bookkeeping (``status_report_pulled`` or
#: ``status_pull_started``): a record that a call was made, not a change of the order.
PULL_BOOKKEEPING = re.compile(
    r'^UPDATE "oscar_docdata_docdataorder" SET "status_(report_pulled|pull_started)" = '
    r"(NULL|'[^']*'(::\w+)?|\S+) WHERE [^,]*$"
)
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def data_writes(queries: Any) -> list[str]:
    """The writing statements of captured ``queries``, without the pull bookkeeping."""
    return [
        query["sql"] for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITES)
        and not PULL_BOOKKEEPING.match(query["sql"].strip())
    ]


def key_for(number: int) -> str:
    """A 32-character upper-case hex order key, as Docdata makes them."""
    return f"{number:032X}"


@pytest.fixture
def docdata() -> Iterator[Any]:
    """The canned Docdata service (in-process); ``docdata.requests`` records the calls."""
    with canned_docdata() as adapter:
        yield adapter


@pytest.fixture
def make_order(db: Any) -> Callable[..., DocdataOrder]:
    def make(*, age_days: float = 0, **fields: Any) -> DocdataOrder:
        return stored_order(age=timedelta(days=age_days), **fields)

    return make


class SignalLog:
    """Every oscar_docdata signal sent, as (name, kwargs) pairs."""

    names = (
        "order_status_changed",
        "payment_added",
        "payment_updated",
        "order_updated",
        "return_view_called",
        "status_changed_view_called",
    )

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._receivers: list[tuple[Any, Callable[..., None]]] = []

    def connect(self) -> None:
        for name in self.names:
            signal = getattr(signals, name)

            def receiver(sender: Any, _name: str = name, **kwargs: Any) -> None:
                kwargs.pop("signal", None)
                self.sent.append((_name, {"sender": sender, **kwargs}))

            signal.connect(receiver, weak=False)
            self._receivers.append((signal, receiver))

    def disconnect(self) -> None:
        for signal, receiver in self._receivers:
            signal.disconnect(receiver)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for sent, kwargs in self.sent if sent == name]

    def status_changes(self) -> list[tuple[str, str]]:
        return [(k["old_status"], k["new_status"]) for k in self.of("order_status_changed")]


@pytest.fixture
def signal_log() -> Iterator[SignalLog]:
    log = SignalLog()
    log.connect()
    yield log
    log.disconnect()


@pytest.fixture
def notify(client: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """GET the notification URL for an order (or a raw reference), running on_commit."""

    def notify(order: DocdataOrder | str) -> Any:
        reference = getattr(order, "merchant_order_id", order)
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(reverse("order_status_update"), {"order_id": reference})

    return notify


def minor(order: DocdataOrder) -> int:
    """The order's amount in minor units."""
    from oscar_docdata.money import to_minor_units

    return to_minor_units(order.total_gross_amount, order.currency)


def payment(payment_id: int, status: str = "AUTHORIZED", *, amount: int, **kwargs: Any) -> str:
    return replies.payment_xml(payment_id, status=status, amount=amount, **kwargs)
