"""Scale section: what the Oscar receivers and order creation cost at n stored orders.

``section(n_orders)`` runs on a PostgreSQL database already holding ``n_orders`` Docdata
orders (three payments each), each with an Oscar order of the same number and a Docdata
Source whose reference is the order key (``bench_scale.py`` seeds it). It measures:

- the first notification of a fresh order (three payment lines, the canned reply, the
  real view) with the plugin's receivers and without them: ms (median) and SQL
  statements; target: with them at most twice the cost without;
- the receivers' order look-up (``oscar_order_id_for``) per report: ms, before and after
  the index of migration 0009 when the seeded tables lack it (tables created from the
  models have none; the section then creates it, as the migration does);
- ``Interface.next_merchant_order_id`` for a stored number: ms, beside the prefix scan
  (hand-written SQL, the former query) it replaces.

The fresh orders it creates are deleted at the end. Run on its own it seeds a database
of its own first::

    .venv/bin/python benchmarks/scale_receivers.py [--orders 10000]

"Without receivers" is the plugin with ``DOCDATA_OSCAR_RECEIVERS = False``: the
Facade's own status mapping inside the report's transaction still runs.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

NOTIFICATIONS = 15  # fresh orders per mode
LOOKUPS = 50
LINE_AMOUNT = 1000  # minor units per payment line
LINES = 3
BASE_URL = "http://docdata.scale/ps"
_ids = itertools.count(1)


def section(n_orders: int) -> list[tuple[str, str, bool]]:
    """(measure, figure, target met) rows for ``bench_scale.py``."""
    from django.test.utils import override_settings

    from oscar_docdata.gateway.transport import get_http_session
    from oscar_docdata.testing.canned import CannedSoapAdapter

    adapter = CannedSoapAdapter()
    get_http_session().mount(f"{BASE_URL}/", adapter)
    rows: list[tuple[str, str, bool]] = []
    with override_settings(DOCDATA_BASE_URL=BASE_URL):
        rows += lookup_rows(n_orders)
        created: list[Any] = []
        try:
            rows += notification_rows(adapter, created)
        finally:
            delete(created)
        rows += next_reference_rows(n_orders)
    return rows


# --- the receivers' order look-up ------------------------------------------------------

def lookup_rows(n_orders: int) -> list[tuple[str, str, bool]]:
    from oscar_docdata.models import DocdataOrder
    from oscar_docdata.oscar_adapter.sources import oscar_order_id_for

    orders = list(DocdataOrder.objects.order_by("?")[:LOOKUPS])

    def lookup() -> float:
        return median_ms(lambda order: oscar_order_id_for(order), orders)

    def lookup_server() -> float:
        from django.db import connection

        from oscar_docdata.oscar_adapter.sources import _order_id_sql

        order = orders[0]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {_order_id_sql(connection)}",
                           [order.order_key, "docdata", order.order_number])
            plan = [row[0] for row in cursor.fetchall()]
        line = next(line for line in plan if line.startswith("Execution Time"))
        return float(line.split(":")[1].split()[0])

    rows = []
    if not reference_index_exists():
        before, before_server = lookup(), lookup_server()
        create_reference_index()
        rows.append(("order look-up per report, no index (former)",
                     f"{before:.2f} ms ({before_server:.2f} ms in PostgreSQL) at "
                     f"{n_orders:,} Sources", True))
    after, after_server = lookup(), lookup_server()
    rows.append(("order look-up per report (index of migration 0009)",
                 f"{after:.2f} ms ({after_server:.2f} ms in PostgreSQL) at {n_orders:,} "
                 "Sources (target: < 0.5 ms in PostgreSQL)", after_server < 0.5))
    return rows


def reference_index_exists() -> bool:
    from django.db import connection
    from oscar.core.loading import get_model

    source = get_model("payment", "Source")._meta
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, source.db_table)
    column = source.get_field("reference").column
    return any(info["index"] and info["columns"][:1] == [column]
               for info in constraints.values())


def create_reference_index() -> None:
    """What migration 0009 does, for tables created from the models (no migrations)."""
    import importlib

    from django.db import connection
    from oscar.core.loading import get_model

    migration = importlib.import_module(
        "oscar_docdata.migrations.0009_payment_source_reference_index")
    source = get_model("payment", "Source")._meta
    with connection.schema_editor(atomic=False) as editor:
        migration.create_reference_index(editor, source.db_table,
                                         source.get_field("reference").column)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(source.db_table)}")


# --- first notification with and without the receivers --------------------------------

def notification_rows(adapter: Any, created: list[Any]) -> list[tuple[str, str, bool]]:
    from django.test.utils import override_settings

    from oscar_docdata.oscar_adapter import receivers

    receivers.connect()
    samples: dict[bool, list[tuple[float, int]]] = {False: [], True: []}
    for run in range(NOTIFICATIONS + 1):
        for enabled in (False, True):  # alternated: both see the same server load
            with override_settings(DOCDATA_OSCAR_RECEIVERS=enabled):
                sample = notify(adapter, created)
            if run:  # the first round warms up: imports, the WSDL, first queries
                samples[enabled].append(sample)
    results = {
        label: (statistics.median(s[0] for s in samples[enabled]),
                int(statistics.median(s[1] for s in samples[enabled])))
        for label, enabled in (("without", False), ("with", True))
    }
    (with_ms, with_sql), (without_ms, without_sql) = results["with"], results["without"]
    ratio = with_ms / without_ms
    return [
        ("first notification without receivers",
         f"{without_ms:.1f} ms, {without_sql} SQL statements", True),
        ("first notification with receivers",
         f"{with_ms:.1f} ms, {with_sql} SQL statements", True),
        ("receivers' cost ratio (with / without)",
         f"{ratio:.2f}x (target <= 2)", ratio <= 2),
    ]


def notify(adapter: Any, created: list[Any]) -> tuple[float, int]:
    """(ms, SQL statements) of the first notification of a fresh order."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oscar_docdata.testing import replies

    order = fresh_order(created)
    first_id = 9_000_000_000 + next(_ids) * 10
    payments = [replies.payment_xml(first_id + line, amount=LINE_AMOUNT,
                                    captures=[("CAPTURED", LINE_AMOUNT)])
                for line in range(LINES)]
    total = LINES * LINE_AMOUNT
    adapter.add("status", replies.status_reply(
        registered=total, acquirer_approved=total, captured=total, payments=payments))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = Client().get("/api/docdata/update_order/",
                                {"order_id": order.merchant_order_id})
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"notification answered {response.status_code}")
    return elapsed * 1000, len(queries.captured_queries)


def fresh_order(created: list[Any]) -> Any:
    """A Docdata order with an Oscar order of its number and its Source, as the checkout
    leaves them."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    from oscar_docdata.models import DocdataOrder
    from oscar_docdata.oscar_adapter.sources import docdata_source_type

    order_model, source_model = get_model("order", "Order"), get_model("payment", "Source")
    number = f"SCALE-R-{next(_ids)}-{time.time_ns()}"
    amount = Decimal(LINES * LINE_AMOUNT) / 100
    docdata_order = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id=number, order_number=number,
        order_key=f"{time.time_ns():X}{next(_ids):X}"[:32].ljust(32, "0"), currency="EUR",
        total_gross_amount=amount)
    oscar_order = order_model.objects.create(
        number=number, currency="EUR", total_incl_tax=amount, total_excl_tax=amount,
        status="Pending", date_placed=timezone.now())
    source_model.objects.create(order=oscar_order, source_type=docdata_source_type(),
                                reference=docdata_order.order_key, currency="EUR")
    created += [docdata_order, oscar_order]
    return docdata_order


def delete(created: list[Any]) -> None:
    for instance in reversed(created):
        instance.delete()


# --- next_merchant_order_id -------------------------------------------------------------

def next_reference_rows(n_orders: int) -> list[tuple[str, str, bool]]:
    from django.db.models import Q

    from oscar_docdata.interface import Interface
    from oscar_docdata.models import DocdataOrder

    orders = list(DocdataOrder.objects.order_by("?")[:LOOKUPS])
    new = median_ms(lambda order: Interface.next_merchant_order_id(
        order.order_number, order.merchant_name), orders)

    def former(order: Any) -> Any:
        # The former query: a prefix match over the merchant's references.
        return (DocdataOrder.objects.filter(merchant_name=order.merchant_name)
                .filter(merchant_order_id__startswith=order.order_number)
                .values_list("merchant_order_id", flat=True))

    def exact(order: Any) -> Any:
        # The query next_merchant_order_id makes (its first batch of candidates).
        batch = [order.order_number, *(f"{order.order_number}-{n}" for n in range(2, 11))]
        return (DocdataOrder.objects.filter(
            Q(reference_shared=False) | Q(order_number__in=batch),
            merchant_name=order.merchant_name, merchant_order_id__in=batch)
            .order_by().values_list("merchant_order_id", flat=True))

    old = median_ms(lambda order: list(former(order)), orders)
    old_server, new_server = server_ms(former(orders[0])), server_ms(exact(orders[0]))
    return [
        ("next_merchant_order_id, former prefix scan",
         f"{old:.2f} ms ({old_server:.2f} ms in PostgreSQL) at {n_orders:,} orders", True),
        ("next_merchant_order_id (exact candidates)",
         f"{new:.2f} ms ({new_server:.2f} ms in PostgreSQL) at {n_orders:,} orders "
         "(target: < 0.5 ms in PostgreSQL)", new_server < 0.5),
    ]


def server_ms(queryset: Any) -> float:
    """The query's execution time in PostgreSQL (EXPLAIN ANALYZE): no client, no load."""
    plan = queryset.explain(analyze=True)
    line = next(line for line in plan.splitlines() if line.startswith("Execution Time"))
    return float(line.split(":")[1].split()[0])


def median_ms(call: Callable[[Any], Any], items: list[Any]) -> float:
    times = []
    for item in items:
        started = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000 if times else 0.0


# --- on its own: a seeded database of its own --------------------------------------------

def seed(n_orders: int) -> None:
    """``n_orders`` paid Docdata orders of three payments, Oscar orders and Sources."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    from oscar_docdata.models import DocdataOrder, DocdataPayment
    from oscar_docdata.oscar_adapter.sources import docdata_source_type

    order_model, source_model = get_model("order", "Order"), get_model("payment", "Source")
    source_type = docdata_source_type()
    now = timezone.now()
    batch = 5000
    for start in range(0, n_orders, batch):
        numbers = range(start, min(start + batch, n_orders))
        docdata_orders = DocdataOrder.objects.bulk_create([
            DocdataOrder(merchant_name="shop_test", merchant_order_id=str(100000 + i),
                         order_number=str(100000 + i), order_key=f"{i:032X}",
                         currency="EUR", status=DocdataOrder.STATUS_PAID,
                         total_gross_amount=Decimal("30.00"))
            for i in numbers])
        DocdataPayment.objects.bulk_create([
            DocdataPayment(docdata_order=order, payment_id=1_000_000_000 + order.pk * 3 + k,
                           payment_method="IDEAL", status="AUTHORIZED", currency="EUR",
                           amount_allocated=Decimal("10.00"))
            for order in docdata_orders for k in range(3)])
        oscar_orders = order_model.objects.bulk_create([
            order_model(number=order.order_number, currency="EUR",
                        total_incl_tax=Decimal("30.00"), total_excl_tax=Decimal("30.00"),
                        status="Pending", date_placed=now)
            for order in docdata_orders])
        source_model.objects.bulk_create([
            source_model(order=oscar_order, source_type=source_type,
                         reference=docdata_order.order_key, currency="EUR")
            for oscar_order, docdata_order in zip(oscar_orders, docdata_orders, strict=True)])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    options = parser.parse_args()

    from common import database, print_table, setup_django

    setup_django(postgres=True)
    with database():
        started = time.perf_counter()
        seed(options.orders)
        print(f"seeded {options.orders:,} orders in {time.perf_counter() - started:.0f} s")
        rows = section(options.orders)
    print_table(["measure", "figure", "target"],
                [[name, figure, "met" if met else "MISSED"] for name, figure, met in rows])


if __name__ == "__main__":
    main()
