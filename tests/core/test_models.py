"""Models, querysets and migrations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from oscar.test import factories

from oscar_docdata.models import DocdataOrder, DocdataPayment

pytestmark = pytest.mark.django_db


def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "oscar_docdata", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_status_constants_are_the_old_strings():
    assert [value for value, _label in DocdataOrder.STATUS_CHOICES] == [
        "new", "in_progress", "pending", "paid", "paid_refunded", "refunded", "charged_back",
        "cancelled", "expired", "unknown",
    ]
    assert DocdataOrder.STATUS_PAID_REFUNDED == "paid_refunded"


@override_settings(DOCDATA_MERCHANT_PASSWORDS={"shop_sub": "pw", "shop_off": ""})
def test_querysets(make_order):
    mine = make_order(reference="500")
    retry = make_order(reference="500-2", order_number="500")
    sub = make_order(merchant="shop_sub", reference="501")
    off = make_order(merchant="shop_off", reference="502")
    gone = make_order(merchant="gone", reference="503")
    orders = DocdataOrder.objects
    assert set(orders.current_merchant()) == {mine, retry}
    assert set(orders.active_merchants()) == {mine, retry, sub}
    assert off not in orders.active_merchants() and gone not in orders.active_merchants()
    assert list(orders.for_merchant_reference("500-2")) == [retry]
    assert list(orders.for_key(sub.order_key)) == [sub]
    assert set(orders.for_oscar_order("500")) == {mine, retry}
    oscar_order = factories.create_order(number="501")
    assert list(orders.for_oscar_order(oscar_order)) == [sub]


def test_reference_is_unique_per_merchant(make_order):
    make_order(reference="600")
    make_order(reference="600", merchant="shop_sub")  # another merchant: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_order(reference="600")


def test_payment_id_is_unique_and_numeric(make_order):
    order = make_order()
    DocdataPayment.objects.create(docdata_order=order, payment_id=9_999_999_999)
    assert DocdataPayment.objects.get().payment_id == 9_999_999_999
    with pytest.raises(IntegrityError), transaction.atomic():
        DocdataPayment.objects.create(docdata_order=make_order(), payment_id=9_999_999_999)


def test_latest_payment_and_str(make_order):
    order = make_order()
    assert order.latest_payment is None
    for payment_id in (9, 100, 10):
        DocdataPayment.objects.create(docdata_order=order, payment_id=payment_id, status="NEW")
    assert order.latest_payment.payment_id == 100
    assert str(order) == order.order_key
    assert str(order.latest_payment) == "100 NEW"
