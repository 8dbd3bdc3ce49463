"""Shared plumbing of the benchmark scripts: Django set-up, a database, tables of numbers."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(postgres: bool = False) -> None:
    """Configure Django with ``benchmarks.settings`` (repository root on the path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    if postgres:
        os.environ["BENCH_DATABASE"] = "postgres"
    import django

    django.setup()


@contextmanager
def database(keep: bool = False) -> Iterator[str]:
    """A fresh database with every table (no migrations), dropped afterwards.

    Yields the database's name (for a server process that must use the same one).
    """
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False,
                                              keepdb=keep)
    try:
        yield name
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


def seed_simulated_orders(plan: Sequence[tuple[str, str, str]], *, amount: int,
                          first_payment_id: int, capture_every: int = 1) -> None:
    """Orders in the simulator, in bulk: ``plan`` is (merchant, order key, reference).

    Each order has one authorized iDEAL attempt of ``amount`` minor units (EUR); every
    ``capture_every``-th attempt is captured in full.
    """
    from oscar_docdata.simulator import accounts
    from oscar_docdata.simulator.models import Capture, PaymentAttempt, SimulatedOrder

    accounts.sync_configured_merchants()
    merchants = {name: accounts.get_merchant(name) for name in {row[0] for row in plan}}
    simulated = SimulatedOrder.objects.bulk_create([
        SimulatedOrder(merchant=merchants[merchant], order_key=key,
                       merchant_order_reference=reference, amount=amount, currency="EUR",
                       profile="standard")
        for merchant, key, reference in plan
    ], batch_size=500)
    attempts = PaymentAttempt.objects.bulk_create([
        PaymentAttempt(order=order, payment_id=first_payment_id + index, method="IDEAL",
                       status="AUTHORIZED", amount=amount, currency="EUR",
                       confidence="ACQUIRER_APPROVED")
        for index, order in enumerate(simulated)
    ], batch_size=500)
    Capture.objects.bulk_create([
        Capture(attempt=attempt, status="CAPTURED", amount=amount, currency="EUR")
        for attempt in attempts[::capture_every]
    ], batch_size=500)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain-text table, right-aligned numbers, one header line and a rule."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    print("  ".join(str(h).rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


class Stopwatch:
    """Accumulates the time spent in named parts."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - started

    def reset(self) -> None:
        self.totals.clear()

    def __getitem__(self, name: str) -> float:
        return self.totals.get(name, 0.0)
