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
