"""Seeding of the scale benchmark (PostgreSQL): a shop with ``n_orders`` Docdata orders.

:func:`seed` empties the plugin's tables and Oscar's orders and fills them with
INSERT … SELECT over ``generate_series`` (100,000 orders in well under a minute):

- ``n_orders`` Docdata orders over the two configured merchants and one no longer
  configured (1 in 50), spread over the last two years whatever ``n_orders`` is, with a
  realistic mix of statuses (most paid, few charged back). Order number ``1000000 + i``;
  every tenth order is a retry whose reference is ``<number>-2``; keys are 32 random-looking
  upper-case hex digits (the MD5 of the number), as Docdata's are;
- 3 payments each (ids ``4000000000 + 3i + k``), one status change each, and a capture
  request for every tenth order;
- an Oscar order for each order number (what the detail page links to);
- the pg_trgm indexes of migration 0009 (the tables come from the models, without
  migrations), then VACUUM ANALYZE, as autovacuum would after such a load.

Used by ``bench_scale.py``; sections of other benchmarks may call it too.
"""

from __future__ import annotations

import hashlib
import importlib

#: Order statuses by share per thousand (the rest: paid). Every status filtered on by
#: bench_scale.py fills a whole admin page (100 rows) at 10,000 orders too, so that the
#: 100k/10k ratio compares the table's growth, not a fuller page.
STATUS_MIX = [
    ("new", 150), ("cancelled", 100), ("expired", 80), ("pending", 30),
    ("in_progress", 20), ("refunded", 10), ("paid_refunded", 5), ("charged_back", 10),
    ("unknown", 2),
]
MERCHANTS = ("shop_test", "shop_sub", "removed_merchant")
FIRST_NUMBER = 1_000_000
FIRST_PAYMENT = 4_000_000_000
SPAN_DAYS = 730


def order_number(i: int) -> str:
    """The order number of the ``i``-th seeded order (1-based)."""
    return str(FIRST_NUMBER + i)


def order_key(i: int) -> str:
    """Random-looking, as Docdata's keys are (their trigrams are not shared)."""
    return hashlib.md5(str(i).encode()).hexdigest().upper()  # noqa: S324 - not security


def payment_id(i: int, k: int = 0) -> int:
    return FIRST_PAYMENT + 3 * i + k


def seed(n_orders: int) -> None:
    """Empty the Docdata and Oscar order tables and seed ``n_orders`` Docdata orders."""
    from django.db import connection

    from oscar_docdata import querysets

    statuses, uppers, upper = [], [], 0
    for status, share in STATUS_MIX:
        upper += share
        statuses.append(status)
        uppers.append(upper)
    params = {
        "n": n_orders, "first_number": FIRST_NUMBER, "first_payment": FIRST_PAYMENT,
        "span": f"{SPAN_DAYS} days",
        "merchants": list(MERCHANTS), "statuses": statuses, "uppers": uppers,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE oscar_docdata_docdatamoneyrequest, oscar_docdata_docdatastatuschange, "
            "oscar_docdata_docdatapayment, oscar_docdata_docdataorder, order_order "
            "RESTART IDENTITY CASCADE"
        )
        cursor.execute("""
            INSERT INTO oscar_docdata_docdataorder (
                id, merchant_name, merchant_order_id, order_number, order_key,
                reference_shared, status, language, total_gross_amount, currency, country,
                total_registered, total_shopper_pending, total_acquirer_pending,
                total_acquirer_approved, total_captured, total_refunded, total_charged_back,
                created, updated)
            SELECT g,
                (%(merchants)s::text[])[
                    CASE WHEN g %% 50 = 0 THEN 3 WHEN g %% 5 = 0 THEN 2 ELSE 1 END],
                (%(first_number)s + g)::text || CASE WHEN g %% 10 = 0 THEN '-2' ELSE '' END,
                (%(first_number)s + g)::text,
                upper(md5(g::text)),
                false,
                coalesce((SELECT s FROM unnest(%(statuses)s::text[], %(uppers)s::int[]) AS m(s, u)
                          WHERE g %% 1000 < u ORDER BY u LIMIT 1), 'paid'),
                'nl', 25.00, 'EUR', 'NL', 25.00, 0, 0, 25.00, 25.00, 0, 0,
                now() - (%(n)s - g) * %(span)s::interval / %(n)s,
                now()
            FROM generate_series(1, %(n)s) AS g""", params)
        cursor.execute("""
            INSERT INTO oscar_docdata_docdatapayment (
                docdata_order_id, payment_id, legacy_payment_id, payment_method, status,
                confidence_level, currency, amount_allocated, amount_debited, amount_refunded,
                amount_chargeback, lines, created, updated)
            SELECT g, %(first_payment)s + 3 * g + k, '',
                (ARRAY['IDEAL', 'MASTERCARD', 'PAYPAL'])[k + 1],
                CASE WHEN k < 2 THEN 'CANCELED' ELSE 'AUTHORIZED' END,
                CASE WHEN k < 2 THEN '' ELSE 'ACQUIRER_APPROVED' END,
                'EUR', CASE WHEN k = 2 THEN 25.00 ELSE 0 END, 0, 0, 0, '{}'::jsonb,
                o.created, o.created
            FROM generate_series(1, %(n)s) AS g
            CROSS JOIN generate_series(0, 2) AS k
            JOIN oscar_docdata_docdataorder o ON o.id = g""", params)
        cursor.execute("""
            INSERT INTO oscar_docdata_docdatastatuschange (
                docdata_order_id, old_status, new_status, trigger, note, created)
            SELECT id, 'new', status, 'notification', '', created + interval '1 minute'
            FROM oscar_docdata_docdataorder WHERE status <> 'new'""")
        cursor.execute("""
            INSERT INTO oscar_docdata_docdatamoneyrequest (
                docdata_order_id, payment_id, kind, amount, currency, reference, request_key,
                state, docdata_status, reason, created, updated)
            SELECT o.id, p.id, 'capture', 25.00, 'EUR', 'C-' || o.id, md5(o.id::text),
                'done', 'CAPTURED', '', o.created + interval '2 minutes', o.created
            FROM oscar_docdata_docdataorder o
            JOIN oscar_docdata_docdatapayment p
                ON p.payment_id = %(first_payment)s + 3 * o.id + 2
            WHERE o.id %% 10 = 0""", params)
        cursor.execute("""
            INSERT INTO order_order (
                number, currency, total_incl_tax, total_excl_tax, shipping_incl_tax,
                shipping_excl_tax, shipping_method, shipping_code, status, guest_email,
                date_placed, analytics_tracked)
            SELECT order_number, 'EUR', 25.00, 25.00, 0, 0, 'Free shipping', 'free',
                'Pending', 'shopper@example.com', created, true
            FROM oscar_docdata_docdataorder""")
    create_trigram_indexes()
    querysets._substring_search.clear()
    with connection.cursor() as cursor:
        # As autovacuum leaves a table after a bulk load: statistics and the visibility
        # map (without it an index-only scan still visits every row it counts).
        cursor.execute("VACUUM ANALYZE")


def create_trigram_indexes() -> None:
    """What migration 0009 creates where pg_trgm is available (the benchmark's tables
    come from the models, without migrations)."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("oscar_docdata.migrations.0010_staff_indexes")
    with connection.schema_editor() as editor:
        migration.create_trigram_indexes(apps, editor)
