"""PostgreSQL's plans of the staff pages' queries on tables large enough for the planner.

Each case builds its queries the way the page does (the dashboard list view's
queryset, form and paginator; the admin's changelist), captures every statement and
EXPLAINs it: no Docdata table is read sequentially, and the index meant for the case
is used. The seeded rows are INSERT … SELECT over generate_series, committed once for
the module, then VACUUM ANALYZEd as autovacuum would (which also moves the trigram
indexes' pending entries into the index proper).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from oscar_docdata.dashboard.views import DocdataOrderListView
from oscar_docdata.querysets import substring_search_available
from tests.proving.support import on_postgres

#: Why these tests are skipped on SQLite (shown by ``-ra``), as tests/proving says it.
NEEDS_POSTGRES = (
    "needs PostgreSQL (its query planner and indexes): run with DOCDATA_TEST_POSTGRES=1 runtests.py"
)
pytestmark = pytest.mark.skipif(not on_postgres(), reason=NEEDS_POSTGRES)

ORDERS = 30_000
FIRST_NUMBER = 5_000_000
FIRST_PAYMENT = 6_000_000_000


def number(i: int) -> str:
    return str(FIRST_NUMBER + i)


def key(i: int) -> str:
    """Random-looking, as Docdata's keys are (their trigrams are not shared)."""
    return hashlib.md5(str(i).encode()).hexdigest().upper()  # noqa: S324 - not security


SEED = [
    """INSERT INTO oscar_docdata_docdataorder (
        id, merchant_name, merchant_order_id, order_number, order_key, reference_shared,
        status, language, total_gross_amount, currency, country, total_registered,
        total_shopper_pending, total_acquirer_pending, total_acquirer_approved,
        total_captured, total_refunded, total_charged_back, created, updated,
        subject_merchant_name)
    SELECT g, CASE WHEN g %% 5 = 0 THEN 'shop_sub' ELSE 'shop_test' END,
        (%(first)s + g)::text || CASE WHEN g %% 10 = 0 THEN '-2' ELSE '' END,
        (%(first)s + g)::text, upper(md5(g::text)), false,
        CASE WHEN g %% 1000 < 3 THEN 'charged_back' WHEN g %% 1000 < 200 THEN 'new'
             ELSE 'paid' END,
        'nl', 25, 'EUR', 'NL', 25, 0, 0, 25, 25, 0, 0,
        now() - (%(n)s - g) * interval '1 hour', now(),
        CASE WHEN g %% 500 = 7 THEN 'tea_corner' ELSE '' END
    FROM generate_series(1, %(n)s) AS g""",
    """INSERT INTO oscar_docdata_docdatapayment (
        docdata_order_id, payment_id, legacy_payment_id, payment_method, status,
        confidence_level, currency, amount_allocated, amount_debited, amount_refunded,
        amount_chargeback, lines, created, updated)
    SELECT g, %(first_payment)s + 3 * g + k, '', 'IDEAL',
        CASE WHEN k < 2 THEN 'CANCELED' ELSE 'AUTHORIZED' END,
        CASE WHEN k < 2 THEN '' ELSE 'ACQUIRER_APPROVED' END,
        'EUR', 0, 0, 0, 0, '{}'::jsonb, now(), now()
    FROM generate_series(1, %(n)s) AS g CROSS JOIN generate_series(0, 2) AS k""",
    """INSERT INTO oscar_docdata_docdatastatuschange (
        docdata_order_id, old_status, new_status, trigger, note, created)
    SELECT id, 'new', status, 'notification', '', created FROM oscar_docdata_docdataorder""",
    """INSERT INTO oscar_docdata_docdatamoneyrequest (
        docdata_order_id, payment_id, kind, amount, currency, reference, request_key, state,
        docdata_status, reason, created, updated)
    SELECT p.docdata_order_id, p.id, 'capture', 25, 'EUR', 'C-' || p.id, md5(p.id::text),
        'done', 'CAPTURED', '', p.created, p.created
    FROM oscar_docdata_docdatapayment p WHERE p.status = 'AUTHORIZED'""",
]
TABLES = ("oscar_docdata_docdataorder", "oscar_docdata_docdatapayment",
          "oscar_docdata_docdatastatuschange", "oscar_docdata_docdatamoneyrequest")


@pytest.fixture(scope="module")
def seeded_tables(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The rows, committed once for the module (and removed after it)."""
    params = {"n": ORDERS, "first": FIRST_NUMBER, "first_payment": FIRST_PAYMENT}
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            for statement in SEED:
                cursor.execute(statement, params)
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(TABLES)}")


@pytest.fixture
def seeded(seeded_tables: None, db: Any) -> None:
    """The seeded rows, in a test's transaction."""


@pytest.fixture
def superuser(db: Any, django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("plans", "plans@example.com", "x")


def plans_of(statements: list[str]) -> str:
    """The EXPLAIN output of every SELECT in ``statements`` that reads a Docdata table."""
    found = []
    with connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith("SELECT") and "oscar_docdata_" in sql:
                cursor.execute("EXPLAIN " + sql)
                found.append("\n".join(line for (line,) in cursor.fetchall()))
    return "\n\n".join(found)


def assert_indexed(plans: str, *indexes: str) -> None:
    assert plans, "no statement read a Docdata table"
    assert "Seq Scan on oscar_docdata_" not in plans, plans
    for index in indexes:
        assert index in plans, f"{index} not used:\n{plans}"


def dashboard_plans(user: Any, params: dict[str, str]) -> str:
    """The plans of the dashboard list's count and page for GET ``params``."""
    request = RequestFactory().get("/dashboard/docdata/", params)
    request.user = user
    view = DocdataOrderListView()
    view.setup(request)
    with CaptureQueriesContext(connection) as context:
        queryset = view.get_queryset()
        paginator, page, _objects, _paginated = view.paginate_queryset(queryset, 20)
        assert paginator.count >= 0
        list(page.object_list)
    return plans_of([query["sql"] for query in context.captured_queries])


def admin_plans(user: Any, model: str, params: dict[str, str]) -> str:
    """The plans of an admin changelist's statements for GET ``params``."""
    model_admin = next(
        model_admin for model_class, model_admin in admin.site._registry.items()
        if model_class._meta.model_name == model
    )
    request = RequestFactory().get(f"/admin/oscar_docdata/{model}/", params)
    request.user = user
    with CaptureQueriesContext(connection) as context:
        changelist = model_admin.get_changelist_instance(request)
        list(changelist.result_list)
    return plans_of([query["sql"] for query in context.captured_queries])


MIDDLE = ORDERS // 2 + 3


@pytest.mark.parametrize(("params", "indexes"), [
    ({}, ["docdata_order_created_idx"]),
    ({"status": "charged_back"}, ["docdata_order_status_idx"]),
    ({"merchant": "shop_sub"}, []),
    ({"status": "charged_back", "merchant": "shop_sub"}, ["docdata_order_status_merch_idx"]),
    ({"date_from": "2020-01-01", "date_to": "2020-01-31"}, ["docdata_order_created_idx"]),
    ({"q": number(MIDDLE)}, ["oscar_docdata_docdataorder_order_number"]),
    ({"q": key(MIDDLE).lower()}, ["oscar_docdata_docdataorder_order_key"]),
    ({"q": number(10 * (ORDERS // 20)) + "-2"}, ["docdata_order_reference_idx"]),
    ({"q": str(FIRST_PAYMENT + 3 * MIDDLE + 1)}, ["payment_id_key"]),
    ({"q": "nothing-like-it"}, []),
    ({"subject_merchant": "tea_corner"}, ["docdata_order_subject_idx"]),
])
def test_dashboard_list_queries_use_indexes(seeded, superuser, params, indexes):
    assert_indexed(dashboard_plans(superuser, params), *indexes)


def test_a_part_of_a_key_is_found_through_the_trigram_index(seeded, superuser):
    if not substring_search_available():
        pytest.skip("pg_trgm is not available on this server")
    assert_indexed(dashboard_plans(superuser, {"q": key(MIDDLE)[-10:]}),
                   "oscar_docdata_order_key_trgm")


@pytest.mark.parametrize(("model", "params", "indexes"), [
    ("docdataorder", {}, ["docdata_order_created_idx"]),
    ("docdataorder", {"q": number(MIDDLE)}, ["oscar_docdata_docdataorder_order_number"]),
    ("docdataorder", {"q": key(MIDDLE)}, ["oscar_docdata_docdataorder_order_key"]),
    ("docdataorder", {"status__exact": "charged_back"}, ["docdata_order_status_idx"]),
    ("docdataorder", {"merchant_name": "shop_sub"}, []),
    ("docdatapayment", {}, ["payment_id_key"]),
    ("docdatapayment", {"q": str(FIRST_PAYMENT + 3 * MIDDLE + 1)},
     ["payment_id_key"]),
    ("docdatapayment", {"q": key(MIDDLE)}, ["oscar_docdata_docdataorder_order_key"]),
    ("docdatapayment", {"status": "CHARGED-BACK"}, ["docdata_payment_status_idx"]),
    ("docdatastatuschange", {}, []),
    ("docdatastatuschange", {"new_status": "charged_back"}, ["docdata_change_status_idx"]),
    ("docdatastatuschange", {"trigger__exact": "dashboard"}, ["docdata_change_trigger_idx"]),
    ("docdatastatuschange", {"q": number(MIDDLE)}, []),
    ("docdatamoneyrequest", {}, ["docdata_request_created_idx"]),
    ("docdatamoneyrequest", {"state__exact": "unknown"}, ["docdata_request_state_idx"]),
    ("docdatamoneyrequest", {"q": number(MIDDLE)}, []),
])
def test_admin_changelist_queries_use_indexes(seeded, superuser, model, params, indexes):
    assert_indexed(admin_plans(superuser, model, params), *indexes)
