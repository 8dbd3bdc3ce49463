"""How long ``migrate`` takes to upgrade a large django-oscar-docdata 1.x database.

Builds the old package's tables (the SQL of ``tests/upgrade/old_schema.py``) with
``--orders`` orders and three payments each (numeric-string payment ids, a few unusable
ones and shared references among them), records the old two migrations, then times
``migrate oscar_docdata`` and its peak memory. SQLite in memory, or ``--postgres``.

    python benchmarks/bench_upgrade.py [--orders 100000] [--postgres]
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database, print_table, setup_django  # noqa: E402

PAYMENTS_PER_ORDER = 3
BATCH = 10_000


def fake_apply_everything_else() -> None:
    """The other apps' tables exist (made from the models): record their migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes()
               if node[0] != "oscar_docdata"]
    executor.migrate(targets, fake=True)


def build_old_tables(orders: int) -> None:
    from django.db import connection

    from tests.upgrade.old_schema import OLD_MIGRATIONS, POSTGRES_DDL, SQLITE_DDL

    with connection.cursor() as cursor:
        for table in ("oscar_docdata_docdatastatuschange", "oscar_docdata_docdatapayment",
                      "oscar_docdata_docdataorder"):
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        for statement in POSTGRES_DDL if connection.vendor == "postgresql" else SQLITE_DDL:
            cursor.execute(statement)
        fake_apply_everything_else()
        from django.db.migrations.recorder import MigrationRecorder

        recorder = MigrationRecorder(connection)
        recorder.migration_qs.filter(app="oscar_docdata").delete()
        for name in OLD_MIGRATIONS:
            recorder.record_applied("oscar_docdata", name)
        fill_old_tables(cursor, orders, connection.vendor)


def fill_old_tables(cursor, orders: int, vendor: str) -> None:
    """Rows as the old package wrote them; every 10,000th reference shared, every
    50,000th payment id unusable."""
    started = datetime(2018, 1, 1, tzinfo=UTC)
    order_sql = (
        'INSERT INTO "oscar_docdata_docdataorder" ("id", "merchant_name", '
        '"merchant_order_id", "order_key", "status", "language", "currency", "country", '
        '"total_gross_amount", "total_registered", "total_shopper_pending", '
        '"total_acquirer_pending", "total_acquirer_approved", "total_captured", '
        '"total_refunded", "total_charged_back", "created", "updated") VALUES '
        '(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)'  # noqa: S608 - fixed column list
    )
    payment_sql = (
        'INSERT INTO "oscar_docdata_docdatapayment" ("payment_id", "status", '
        '"payment_method", "confidence_level", "amount_allocated", "amount_debited", '
        '"amount_refunded", "amount_chargeback", "created", "updated", "docdata_order_id") '
        'VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)'
    )

    def stamp(n: int):
        value = started + timedelta(minutes=n)
        return value.replace(tzinfo=None).isoformat(" ") if vendor == "sqlite" else value

    amount = Decimal("25.00")
    zero = Decimal("0.00")
    for first in range(1, orders + 1, BATCH):
        numbers = range(first, min(first + BATCH, orders + 1))
        cursor.executemany(order_sql, [
            (n, "shop_test", str(100000 + (n - 1 if n % 10_000 == 0 else n)), f"{n:032X}",
             "paid", "nl", "EUR", "NL", amount, amount, zero, zero, amount, amount, zero,
             zero, stamp(n), stamp(n))
            for n in numbers
        ])
        rows = []
        for n in numbers:
            for k in range(PAYMENTS_PER_ORDER):
                serial = n * PAYMENTS_PER_ORDER + k
                payment_id = f"x{serial}" if serial % 50_000 == 0 else str(2_500_000_000 + serial)
                rows.append((payment_id, "AUTHORIZED" if k == 0 else "CANCELED", "IDEAL",
                             "ACQUIRER_APPROVED", amount, amount if k == 0 else zero, zero,
                             zero, stamp(n), stamp(n), n))
        cursor.executemany(payment_sql, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    setup_django(postgres=args.postgres)
    from django.core.management import call_command
    from django.db import connection

    with database():
        started = time.perf_counter()
        build_old_tables(args.orders)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        output = io.StringIO()
        real_stdout, sys.stdout = sys.stdout, output  # the migrations' own report
        started = time.perf_counter()
        try:
            call_command("migrate", "oscar_docdata", verbosity=0)
        finally:
            sys.stdout = real_stdout
        took = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        from oscar_docdata.models import DocdataOrder, DocdataPayment

        counts = (DocdataOrder.objects.count(), DocdataPayment.objects.count(),
                  DocdataPayment.objects.filter(payment_id__isnull=True).count(),
                  DocdataOrder.objects.filter(reference_shared=True).count())
    print(f"database: {connection.vendor}; old tables built in {built:.1f} s")
    print(output.getvalue().rstrip())
    print_table(
        ["orders", "payments", "unusable ids", "shared refs", "migrate s",
         "peak RSS growth MiB"],
        [(*counts, f"{took:.1f}", f"{(rss_after - rss_before) / 1024:.0f}")],
    )


if __name__ == "__main__":
    main()
