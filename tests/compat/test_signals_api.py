"""Issue 13 §3.4: the signals are sent with the old package's senders; a system check
warns when a shop's own receivers would record payments a second time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from oscar_docdata import signals
from oscar_docdata.checks import check_receivers
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import canned_docdata

KEY = "5EED0000000000000000000000000004"


@pytest.fixture
def docdata() -> Iterator[Any]:
    with canned_docdata() as adapter:
        yield adapter


@pytest.fixture
def order(db: Any) -> DocdataOrder:
    return DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="400001", order_number="400001",
        order_key=KEY, total_gross_amount=Decimal("10.00"), currency="EUR",
    )


class Received:
    """Calls of receivers connected the old way: with a sender filter."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []
        self._connected: list[tuple[Any, Callable[..., None], Any]] = []

    def connect(self, name: str, sender: Any) -> None:
        def receiver(sender: Any, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            self.calls.append((name, sender, kwargs))

        signal = getattr(signals, name)
        signal.connect(receiver, sender=sender, weak=False)
        self._connected.append((signal, receiver, sender))

    def disconnect(self) -> None:
        for signal, receiver, sender in self._connected:
            signal.disconnect(receiver, sender=sender)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for sent, _sender, kwargs in self.calls if sent == name]


@pytest.fixture
def old_style_receivers() -> Iterator[Received]:
    received = Received()
    received.connect("order_status_changed", DocdataOrder)
    received.connect("payment_added", DocdataPayment)
    received.connect("payment_updated", DocdataPayment)
    received.connect("order_updated", DocdataOrder)
    # Wrong senders: these must never fire.
    received.connect("order_status_changed", DocdataPayment)
    received.connect("payment_added", DocdataOrder)
    yield received
    received.disconnect()


def test_receivers_filtered_by_the_old_senders_fire_once_per_change(
    docdata, order, old_style_receivers, django_capture_on_commit_callbacks
):
    def report(*payments: str) -> None:
        docdata.add("status", replies.status_reply(registered=1000, payments=list(payments)))
        with django_capture_on_commit_callbacks(execute=True):
            Interface().update_order(order)

    report(replies.payment_xml(1, status="STARTED", amount=1000))
    report(replies.payment_xml(1, status="STARTED", amount=1000))  # nothing changed
    report(replies.payment_xml(1, status="AUTHORIZED", amount=1000))

    received = old_style_receivers
    assert [(k["old_status"], k["new_status"]) for k in received.of("order_status_changed")] == [
        ("new", "in_progress"), ("in_progress", "pending"),
    ]
    assert [k["payment"].payment_id for k in received.of("payment_added")] == [1]
    assert [k["payment"].payment_id for k in received.of("payment_updated")] == [1]
    assert len(received.of("order_updated")) == 2
    senders = {(name, sender) for name, sender, _kwargs in received.calls}
    assert senders == {
        ("order_status_changed", DocdataOrder), ("payment_added", DocdataPayment),
        ("payment_updated", DocdataPayment), ("order_updated", DocdataOrder),
    }
    assert all(k["order"] == order for _name, _sender, k in received.calls)


# --- the system check --------------------------------------------------------------------


def shop_records_payment_events(sender: Any, order: Any, payment: Any, **kwargs: Any) -> None:
    """Like the old sandbox: a receiver that creates Oscar PaymentEvents itself."""


class ShopReceivers:
    def on_status(self, sender: Any, **kwargs: Any) -> None:
        """A bound method, connected weakly."""


@pytest.fixture
def shop_receiver() -> Iterator[None]:
    signals.payment_added.connect(shop_records_payment_events, sender=DocdataPayment)
    yield
    signals.payment_added.disconnect(shop_records_payment_events, sender=DocdataPayment)


def test_check_names_foreign_receivers(shop_receiver):
    instance = ShopReceivers()
    signals.order_status_changed.connect(instance.on_status)
    try:
        warnings = check_receivers()
    finally:
        signals.order_status_changed.disconnect(instance.on_status)
    assert [w.id for w in warnings] == ["oscar_docdata.W001"]
    message = warnings[0].msg
    assert f"{__name__}.shop_records_payment_events (payment_added)" in message
    assert f"{__name__}.ShopReceivers.on_status (order_status_changed)" in message
    assert "DOCDATA_OSCAR_RECEIVERS = False" in warnings[0].hint


def test_check_is_registered_with_django(shop_receiver):
    from django.core import checks

    assert "oscar_docdata.W001" in [m.id for m in checks.run_checks(tags=["oscar_docdata"])]


def test_check_is_silent_without_foreign_receivers():
    assert check_receivers() == []


def test_check_ignores_receivers_of_other_signals():
    signals.order_updated.connect(shop_records_payment_events)
    signals.return_view_called.connect(shop_records_payment_events)
    try:
        assert check_receivers() == []
    finally:
        signals.order_updated.disconnect(shop_records_payment_events)
        signals.return_view_called.disconnect(shop_records_payment_events)


@override_settings(DOCDATA_OSCAR_RECEIVERS=False)
def test_check_is_silent_when_our_receivers_are_off(shop_receiver):
    assert check_receivers() == []


def test_dead_weak_receivers_are_not_named():
    instance = ShopReceivers()
    signals.payment_updated.connect(instance.on_status)
    del instance  # the weak reference dies with it
    assert check_receivers() == []
