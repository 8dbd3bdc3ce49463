"""Which Oscar order a Docdata order belongs to: its Docdata Source first, then its number."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_docdata.models import DocdataOrder
from oscar_docdata.oscar_adapter.sources import (
    SOURCE_TYPE_CODE,
    docdata_source_type,
    locked_order_and_source,
    oscar_order_for,
    oscar_order_id_for,
    oscar_order_link,
)

pytestmark = pytest.mark.django_db

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")


def docdata_order(key="A" * 32, number="100001"):
    return DocdataOrder(order_key=key, order_number=number, merchant_name="shop_test")


def add_source(order, reference, source_type=None):
    return Source.objects.create(order=order, source_type=source_type or docdata_source_type(),
                                 reference=reference, currency="EUR")


def test_no_oscar_order():
    assert oscar_order_id_for(docdata_order()) is None
    assert oscar_order_for(docdata_order()) is None


def test_found_by_number_without_a_source():
    order = create_order(number="100001")

    assert oscar_order_id_for(docdata_order()) == order.pk
    assert oscar_order_for(docdata_order()) == order


def test_the_source_wins_over_the_number():
    by_number = create_order(number="100001")
    by_source = create_order(number="100002")
    add_source(by_source, "A" * 32)

    assert oscar_order_id_for(docdata_order()) == by_source.pk != by_number.pk


def test_the_first_source_by_pk_wins():
    first, second = create_order(number="200001"), create_order(number="200002")
    add_source(first, "A" * 32)
    add_source(second, "A" * 32)

    assert oscar_order_id_for(docdata_order()) == first.pk


def test_another_source_type_or_key_does_not_count():
    other_type = SourceType.objects.create(code=f"not-{SOURCE_TYPE_CODE}", name="Other")
    add_source(create_order(number="300001"), "A" * 32, other_type)
    add_source(create_order(number="300002"), "B" * 32)

    assert oscar_order_id_for(docdata_order()) is None


def test_the_link_names_the_linking_source():
    by_source = create_order(number="400001")
    source = add_source(by_source, "A" * 32)
    assert oscar_order_link(docdata_order(number="400001")) == (by_source.pk, source.pk)
    by_number = create_order(number="400002")
    assert oscar_order_link(docdata_order(key="B" * 32, number="400002")) == (
        by_number.pk, None)


def test_the_order_and_its_source_are_read_together():
    order = create_order(number="400003")
    source = add_source(order, "A" * 32)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert locked_order_and_source(order.pk, source.pk) == (order, source)
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 1
    with transaction.atomic():
        assert locked_order_and_source(order.pk, None) == (order, None)
        source.delete()
        assert locked_order_and_source(order.pk, source.pk) == (order, None)
        assert locked_order_and_source(order.pk + 1000, None) == (None, None)


@pytest.mark.postgres
def test_the_source_reference_is_indexed():
    """Migration 0009: the look-up by Source reference reads an index, not the table."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite drops the index when Oscar's later payment migrations "
                    "rebuild the table (see migration 0009); run with "
                    "DOCDATA_TEST_POSTGRES=1 runtests.py")
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Source._meta.db_table)
    column = Source._meta.get_field("reference").column
    assert any(info["index"] and info["columns"][:1] == [column]
               for info in constraints.values())
