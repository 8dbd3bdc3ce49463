"""Issue 13 §3.6: the DocdataOrder manager's old lookups keep their meaning, and the
old module path ``oscar_docdata.managers`` exists."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from oscar.test import factories

from oscar_docdata.models import DocdataOrder

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make_order(reference: str, *, order_number: str | None = None,
               merchant: str = "shop_test", age_days: int = 0) -> DocdataOrder:
    number = next(_numbers)
    order = DocdataOrder.objects.create(
        merchant_name=merchant, merchant_order_id=reference,
        order_number=order_number or reference, order_key=f"{number:032X}",
        total_gross_amount=Decimal("10.00"), currency="EUR",
    )
    if age_days:
        DocdataOrder.objects.filter(pk=order.pk).update(
            created=timezone.now() - timedelta(days=age_days))
        order.refresh_from_db()
    return order


def test_the_old_module_path():
    from oscar_docdata.managers import DocdataOrderManager, DocdataOrderQuerySet

    assert isinstance(DocdataOrder.objects, DocdataOrderManager)
    assert isinstance(DocdataOrder.objects.all(), DocdataOrderQuerySet)
    assert DocdataOrderManager.queryset_class is DocdataOrderQuerySet


def test_for_reference_is_the_order_key_lookup_of_one_order():
    order = make_order("600001")
    make_order("600001-2", order_number="600001")
    found = DocdataOrder.objects.for_reference(order.order_key)
    assert found == order and isinstance(found, DocdataOrder)
    assert DocdataOrder.objects.active_merchants().for_reference(order.order_key) == order
    with pytest.raises(DocdataOrder.DoesNotExist):
        DocdataOrder.objects.for_reference("600001")  # a merchant reference is no key
    with pytest.raises(DocdataOrder.DoesNotExist):
        DocdataOrder.objects.for_reference("F" * 32)


def test_for_order_is_one_order_the_latest_of_the_order_number():
    first = make_order("600010", age_days=2)
    retry = make_order("600010-2", order_number="600010", age_days=1)
    make_order("600011")
    found = DocdataOrder.objects.for_order("600010")
    assert isinstance(found, DocdataOrder) and found == retry
    assert DocdataOrder.objects.current_merchant().for_order("600010") == retry
    DocdataOrder.objects.filter(pk=retry.pk).delete()
    assert DocdataOrder.objects.for_order("600010") == first
    with pytest.raises(DocdataOrder.DoesNotExist):
        DocdataOrder.objects.for_order("600099")


def test_for_order_takes_an_oscar_order():
    docdata_order = make_order("600020")
    oscar_order = factories.create_order(number="600020")
    assert DocdataOrder.objects.for_order(oscar_order) == docdata_order


def test_the_querysets_have_their_own_names():
    first = make_order("600030")
    retry = make_order("600030-2", order_number="600030")
    sub = make_order("600030", merchant="shop_sub")
    orders = DocdataOrder.objects
    assert set(orders.for_merchant_reference("600030")) == {first, sub}
    assert list(orders.current_merchant().for_merchant_reference("600030")) == [first]
    assert set(orders.for_oscar_order("600030")) == {first, retry, sub}
    assert list(orders.for_key(retry.order_key)) == [retry]


@override_settings(DOCDATA_MERCHANT_PASSWORDS={})
def test_active_merchants_with_only_the_default_merchant():
    mine = make_order("600040")
    make_order("600041", merchant="shop_sub")
    assert list(DocdataOrder.objects.active_merchants()) == [mine]
    assert list(DocdataOrder.objects.current_merchant()) == [mine]


@override_settings(DOCDATA_MERCHANT_PASSWORDS={"shop_sub": "pw", "shop_other": "pw2"})
def test_active_merchants_are_every_configured_merchant_and_the_default():
    mine = make_order("600050")
    sub = make_order("600051", merchant="shop_sub")
    other = make_order("600052", merchant="shop_other")
    make_order("600053", merchant="gone")
    assert set(DocdataOrder.objects.active_merchants()) == {mine, sub, other}
    assert set(DocdataOrder.objects.all().active_merchants()) == {mine, sub, other}
    assert list(DocdataOrder.objects.current_merchant()) == [mine]
    with override_settings(DOCDATA_MERCHANT_NAME="shop_sub"):
        assert list(DocdataOrder.objects.current_merchant()) == [sub]


def test_the_notification_view_finds_orders_by_merchant_reference(client: Any):
    from django.urls import reverse

    from oscar_docdata.testing import replies
    from oscar_docdata.testing.canned import canned_docdata

    retry = make_order("600060-2", order_number="600060")
    with canned_docdata() as docdata:
        docdata.set("status", replies.status_reply(registered=1000))
        response = client.get(reverse("order_status_update"), {"order_id": "600060-2"})
        unknown = client.get(reverse("order_status_update"), {"order_id": retry.order_key})
    assert response.status_code == 200
    assert unknown.status_code == 404
    assert [r.xml().findtext(".//{*}paymentOrderKey") for r in docdata.requests] == [
        retry.order_key]
