"""Helpers of the proving tests: table snapshots, signal recording, order keys."""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, models
from oscar.core.loading import get_model

from oscar_docdata import signals
from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange

#: The plugin's tables.
DOCDATA_MODELS: tuple[type[models.Model], ...] = (
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)

#: The Oscar tables the plugin's receivers write to.
OSCAR_MODELS: tuple[type[models.Model], ...] = tuple(
    get_model(app, name)
    for app, name in (
        ("order", "Order"),
        ("order", "OrderStatusChange"),
        ("order", "OrderNote"),
        ("order", "PaymentEvent"),
        ("payment", "Source"),
        ("payment", "Transaction"),
    )
)

#: Why the PostgreSQL-only tests are skipped on SQLite (shown by ``-ra``).
NEEDS_POSTGRES = (
    "needs PostgreSQL (row locks, one connection per thread): run with "
    "DOCDATA_TEST_POSTGRES=1 runtests.py"
)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


_numbers = itertools.count(1)


def next_number() -> int:
    return next(_numbers)


def order_key(number: int) -> str:
    """A 32-character upper-case hexadecimal order key, as Docdata makes them."""
    return f"{0xF0220000 + number:032X}"


def snapshot(tables: Iterable[type[models.Model]] = DOCDATA_MODELS + OSCAR_MODELS
             ) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``tables`` with every field, by primary key.

    Two equal snapshots mean no row was added, removed or changed (``updated`` is
    ``auto_now``, so even a save that changes nothing else shows).
    """
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in tables
    }


def payment_state(payment: DocdataPayment) -> tuple:
    """What a payment line's signal announces: its values, ``updated`` excluded."""
    return (
        payment.payment_id, payment.payment_method, payment.status, payment.confidence_level,
        payment.currency, Decimal(payment.amount_allocated), Decimal(payment.amount_debited),
        Decimal(payment.amount_refunded), Decimal(payment.amount_chargeback),
        json.dumps(payment.lines, sort_keys=True),  # PostgreSQL's jsonb reorders keys
    )


class SignalRecorder:
    """Records oscar_docdata's model signals from any thread.

    ``status_changes``: ``(order pk, old, new)`` of every order_status_changed;
    ``added``/``updated``: ``(payment id, payment_state)`` of payment_added/_updated.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.status_changes: list[tuple[int, str, str]] = []
        self.added: list[tuple[int, tuple]] = []
        self.updated: list[tuple[int, tuple]] = []

    def _status(self, sender: Any, order: DocdataOrder, old_status: str, new_status: str,
                **kwargs: Any) -> None:
        with self._lock:
            self.status_changes.append((order.pk, old_status, new_status))

    def _added(self, sender: Any, order: DocdataOrder, payment: DocdataPayment,
               **kwargs: Any) -> None:
        with self._lock:
            self.added.append((payment.payment_id, payment_state(payment)))

    def _updated(self, sender: Any, order: DocdataOrder, payment: DocdataPayment,
                 **kwargs: Any) -> None:
        with self._lock:
            self.updated.append((payment.payment_id, payment_state(payment)))

    def connect(self) -> None:
        signals.order_status_changed.connect(self._status, weak=False)
        signals.payment_added.connect(self._added, weak=False)
        signals.payment_updated.connect(self._updated, weak=False)

    def disconnect(self) -> None:
        signals.order_status_changed.disconnect(self._status)
        signals.payment_added.disconnect(self._added)
        signals.payment_updated.disconnect(self._updated)

    def clear(self) -> None:
        with self._lock:
            self.status_changes.clear()
            self.added.clear()
            self.updated.clear()

    @property
    def empty(self) -> bool:
        return not (self.status_changes or self.added or self.updated)

    def added_per_payment(self) -> Counter:
        return Counter(payment_id for payment_id, _state in self.added)
