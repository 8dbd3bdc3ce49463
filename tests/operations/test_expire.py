"""expire_docdata_orders: old new/in_progress orders expire through the status engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.test.factories import create_order

from oscar_docdata import signals
from oscar_docdata.models import DocdataOrder
from oscar_docdata.operations.expiry import expire_order
from tests.operations.conftest import run_command


def age(order: DocdataOrder, days: float) -> DocdataOrder:
    DocdataOrder.objects.filter(pk=order.pk).update(
        created=timezone.now() - timedelta(days=days))
    order.refresh_from_db()
    return order


@pytest.fixture
def status_signals():
    sent = []

    def receiver(sender, order, old_status, new_status, **kwargs):
        sent.append((order.order_key, old_status, new_status))

    signals.order_status_changed.connect(receiver)
    yield sent
    signals.order_status_changed.disconnect(receiver)


def test_dry_run_lists_the_candidates_and_asks_docdata_nothing(make_order, docdata):
    old_new = make_order(age_days=30)
    old_started = make_order(age_days=25, status="in_progress")
    make_order(age_days=2)  # too young
    make_order(age_days=30, status="paid")  # not expirable

    run = run_command("expire_docdata_orders", "--dry-run")

    assert run.exit_status == 0
    assert f"would expire: {old_new.order_key}" in run.out
    assert f"would expire: {old_started.order_key}" in run.out
    assert "2 orders older than 21 days would expire" in run.out
    assert docdata.requests == []
    assert set(DocdataOrder.objects.values_list("status", flat=True)) == {
        "new", "in_progress", "paid"}


def test_expire_goes_through_the_engine(
    quiet_simulator, create_simulated_order, status_signals,
    django_capture_on_commit_callbacks,
):
    abandoned = age(create_simulated_order("25.00"), 30)
    oscar_order = create_order(number=abandoned.order_number)
    assert oscar_order.status == "Pending"
    failed_attempt = age(create_simulated_order("25.00"), 30)
    quiet_simulator.settle(failed_attempt.order_key, "failed")
    paid_meanwhile = age(create_simulated_order("10.00"), 30)
    quiet_simulator.settle(paid_meanwhile.order_key, "authorized")
    young = age(create_simulated_order("10.00"), 2)

    with django_capture_on_commit_callbacks(execute=True):
        run = run_command("expire_docdata_orders")

    assert run.exit_status == 0, run.err
    assert "Expired: 2 of 3 orders" in run.out
    assert f"not expired: {paid_meanwhile.order_key}" in run.out
    for order in (abandoned, failed_attempt, paid_meanwhile, young):
        order.refresh_from_db()
    assert [o.status for o in (abandoned, failed_attempt, paid_meanwhile, young)] == [
        "expired", "expired", "pending", "new"]
    change = abandoned.status_changes.get()
    assert (change.old_status, change.new_status, change.trigger, change.note) == (
        "new", "expired", "command", "expired by age")
    assert sorted(status_signals) == sorted([
        (abandoned.order_key, "new", "expired"),
        (failed_attempt.order_key, "new", "expired"),
        (paid_meanwhile.order_key, "new", "pending"),
    ])
    oscar_order.refresh_from_db()
    assert oscar_order.status == "Cancelled"  # DOCDATA_ORDER_STATUS_MAPPING["expired"]


def test_days_overrides_the_setting(quiet_simulator, create_simulated_order):
    ten_days = age(create_simulated_order("25.00"), 10)

    assert "Expired: 0 of 0" in run_command("expire_docdata_orders").out
    run = run_command("expire_docdata_orders", "--days", "5")

    assert "Expired: 1 of 1 orders" in run.out
    ten_days.refresh_from_db()
    assert ten_days.status == "expired"


def test_an_order_docdata_cannot_be_asked_about_is_not_expired(
    quiet_simulator, create_simulated_order, make_order
):
    unknown = make_order(age_days=40)  # the simulator does not know its key
    abandoned = age(create_simulated_order("25.00"), 30)

    run = run_command("expire_docdata_orders")

    assert run.exit_status == 1
    assert f"failed: {unknown.order_key}" in run.err
    assert "Expired: 1 of 2 orders" in run.out
    unknown.refresh_from_db()
    abandoned.refresh_from_db()
    assert (unknown.status, abandoned.status) == ("new", "expired")


def test_an_order_that_moved_on_meanwhile_is_left_alone(make_order, docdata):
    order = make_order(age_days=30)
    DocdataOrder.objects.filter(pk=order.pk).update(status="paid")  # e.g. a notification

    assert expire_order(order) is None
    assert order.status == "paid"
    assert docdata.requests == []
