"""After the upgrade, the old package's orders work: notifications, the shopper's
return, the status pull, the dashboard and the commands.

The orders exist at Docdata (here the simulator, created and paid before the upgrade,
while the shop missed the notification), and in the old tables with the old package's
values: the Oscar order number in merchant_order_id, payment ids as text.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from oscar_docdata.gateway import DocdataClient
from oscar_docdata.models import DocdataOrder, DocdataPayment
from tests.simulator.factories import create_order

from .old_schema import OldOrder, OldPayment, build_old_database

pytestmark = pytest.mark.usefixtures("upgrade_db")


@pytest.fixture
def quiet_simulator(docdata_simulator, settings):
    """Notifications off: the shop has to ask (or be asked) after the upgrade."""
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    return docdata_simulator


@pytest.fixture
def paid_at_docdata(quiet_simulator):
    """Three orders Docdata knows, paid there; the old tables hold them as unpaid."""
    client = DocdataClient()
    rows: list[tuple[OldOrder, OldPayment]] = []
    for number, amount in (("300001", "10.00"), ("300002", "20.00"), ("300003", "30.00")):
        key = create_order(client, number, amount=amount)
        attempt = quiet_simulator.settle(key, "paid")
        order = OldOrder(number, key, "in_progress", total_gross_amount=Decimal(amount),
                         totals={"total_registered": Decimal(amount)})
        rows.append((order, OldPayment(str(attempt.payment_id), order, "REDIRECTED_FOR_"
                                       "AUTHENTICATION", confidence_level="")))
    orders = [order for order, _payment in rows]
    build_old_database(orders, [payment for _order, payment in rows])
    call_command("migrate", "oscar_docdata", verbosity=0)
    return orders, [payment for _order, payment in rows]


def test_docdata_notification_updates_the_old_order(client, paid_at_docdata):
    orders, payments = paid_at_docdata

    response = client.get(reverse("order_status_update"), {"order_id": "300001"})

    assert response.status_code == 200
    order = DocdataOrder.objects.get(order_key=orders[0].order_key)
    assert order.status == DocdataOrder.STATUS_PAID
    assert order.total_captured == Decimal("10.00")
    # The converted payment row is updated in place, not doubled.
    payment = order.payments.get()
    assert str(payment.payment_id) == payments[0].payment_id
    assert payment.status == "AUTHORIZED" and payment.amount_debited == Decimal("10.00")
    assert order.status_changes.get().new_status == DocdataOrder.STATUS_PAID


def test_shopper_return_updates_the_old_order(client, paid_at_docdata):
    orders, _payments = paid_at_docdata

    response = client.get(reverse("return_url"),
                          {"callback": "SUCCESS", "order_id": orders[1].order_key})

    assert response.status_code == 302
    assert DocdataOrder.objects.get(order_key=orders[1].order_key).status == "paid"


def test_update_command_and_reconcile_work_on_old_orders(paid_at_docdata):
    orders, _payments = paid_at_docdata
    out = io.StringIO()

    call_command("update_docdata_order", "300001", stdout=out)
    assert DocdataOrder.objects.get(order_key=orders[0].order_key).status == "paid"

    call_command("reconcile_docdata_orders", "--older-than", "0", "--workers", "1",
                 stdout=out)
    assert set(DocdataOrder.objects.values_list("status", flat=True)) == {"paid"}
    assert DocdataPayment.objects.count() == 3


def test_dashboard_lists_and_shows_old_orders(staff_client, paid_at_docdata):
    orders, payments = paid_at_docdata
    order = DocdataOrder.objects.get(order_key=orders[2].order_key)

    listing = staff_client.get(reverse("oscar_docdata_dashboard:docdata-order-list"))
    detail = staff_client.get(
        reverse("oscar_docdata_dashboard:docdata-order-detail", kwargs={"pk": order.pk}))

    assert listing.status_code == 200 and orders[2].order_key in listing.content.decode()
    assert detail.status_code == 200 and payments[2].payment_id in detail.content.decode()


def test_report_and_expire_commands_work_on_old_orders(paid_at_docdata):
    orders, _payments = paid_at_docdata
    out = io.StringIO()
    call_command("docdata_report", "--months", "120", "--csv", stdout=out)
    assert "2019-03,EUR,3,60.00," in out.getvalue()

    out = io.StringIO()
    call_command("expire_docdata_orders", "--dry-run", stdout=out)
    # Created in 2019 and never paid as far as the shop knows: candidates, listed.
    for order in orders:
        assert order.merchant_order_id in out.getvalue()


def test_unusable_payment_is_shown_in_the_dashboard(staff_client, quiet_simulator):
    order = OldOrder("300009", "OLD-KEY-9", "pending")
    build_old_database([order], [OldPayment("not-a-number", order, "NEW")])
    call_command("migrate", "oscar_docdata", verbosity=0)
    stored = DocdataOrder.objects.get(order_key="OLD-KEY-9")

    detail = staff_client.get(
        reverse("oscar_docdata_dashboard:docdata-order-detail", kwargs={"pk": stored.pk}))

    assert detail.status_code == 200
    assert "not-a-number" in detail.content.decode()


def test_a_notification_for_a_shared_reference_updates_every_order(client, quiet_simulator):
    """Two old orders carry one reference (test and live environment in one database)."""
    docdata = DocdataClient()
    keys = [create_order(docdata, reference, amount="15.00")
            for reference in ("300100", "300100-live")]
    for key in keys:
        quiet_simulator.settle(key, "paid")
    old = [OldOrder("300100", key, "new", total_gross_amount=Decimal("15.00")) for key in keys]
    build_old_database(old, [])
    call_command("migrate", "oscar_docdata", verbosity=0)

    response = client.get(reverse("order_status_update"), {"order_id": "300100"})

    assert response.status_code == 200
    orders = DocdataOrder.objects.filter(merchant_order_id="300100")
    assert [order.status for order in orders] == ["paid", "paid"]
    assert all(order.reference_shared for order in orders)


def test_a_payment_without_a_usable_id_is_never_refunded(quiet_simulator):
    from oscar_docdata.exceptions import DocdataValidationError
    from oscar_docdata.interface import Interface

    order = OldOrder("300010", "OLD-KEY-10", "paid")
    build_old_database([order], [OldPayment("n/a", order, amounts={
        "amount_allocated": Decimal("12.34"), "amount_debited": Decimal("12.34")})])
    call_command("migrate", "oscar_docdata", verbosity=0)
    stored = DocdataOrder.objects.get(order_key="OLD-KEY-10")

    assert Interface.available(stored.payments.get(), "refund") == 0
    with pytest.raises(DocdataValidationError, match="nothing left to refund"):
        Interface().refund(stored)
