"""Recurring charges (Interface.charge_recurring) against the simulator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from oscar_docdata.exceptions import (
    DocdataCreateError,
    DocdataGatewayError,
    DocdataRecurringCreateError,
    DocdataRecurringDuplicate,
    DocdataRecurringError,
    DocdataRecurringOutcomeUnknown,
    DocdataRecurringReferenceMissing,
    DocdataRecurringRefused,
    DocdataValidationError,
)
from oscar_docdata.gateway.values import Amount
from oscar_docdata.interface import Interface, RecurringCharge
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator.models import PaymentAttempt
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator

from .test_subject_merchants import NS, TOKEN, received, shopper_args, subject_merchants

__all__ = ["docdata_live_simulator", "docdata_simulator", "received", "subject_merchants"]


def initial_order(simulator: Any, number: str, *, paid: bool = True, reference: str | None = None,
                  **kwargs: Any) -> DocdataOrder:
    """The first order of a series, paid by card (or not paid at all)."""
    key = Interface().create_payment(
        number, Amount(Decimal("10.00"), "EUR"), None,
        initial_payment_reference=number if reference is None else reference,
        **shopper_args(number), **kwargs)
    if paid:
        simulator.settle(key, "paid", "VISA")
    order = DocdataOrder.objects.get(order_key=key)
    Interface().update_order(order)
    return order


def charge(initial: DocdataOrder, number: str, amount: str = "7.50", **kwargs: Any
           ) -> RecurringCharge:
    return Interface().charge_recurring(initial, number, Decimal(amount),
                                        **shopper_args(number), **kwargs)


def without_status(operations: list[str]) -> list[str]:
    return [operation for operation in operations if operation != "status"]


def test_the_initial_order_records_its_reference(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-1", paid=False)
    assert initial.initial_payment_reference == "SUB-1"
    assert docdata_simulator.order(initial.order_key).initial_payment_reference == "SUB-1"


def test_a_charge_creates_starts_links_and_applies_a_new_order(docdata_simulator, received):
    initial = initial_order(docdata_simulator, "SUB-2")
    assert initial.status == DocdataOrder.STATUS_PAID
    received.calls.clear()
    result = charge(initial, "R-2", description="March")
    order = result.order
    # The status calls: the one after the start, and those of the notifications.
    assert without_status(received.operations()) == ["create", "start"]
    assert received.operations()[-1] == "status"
    [start] = [element for operation, element in received.calls if operation == "start"]
    assert start.findtext("d:recurringPaymentRequest/d:initialPaymentReference/"
                          "d:merchantReference", namespaces=NS) == "SUB-2"
    assert (order.order_number, order.merchant_order_id) == ("R-2", "R-2")
    assert order.recurring_initial_order == initial
    assert list(initial.recurring_charges.all()) == [order]
    assert order.initial_payment_reference == ""
    assert (order.total_gross_amount, order.currency) == (Decimal("7.50"), "EUR")
    # The card payment was charged again and authorized: the status engine's verdict.
    attempt = PaymentAttempt.objects.get(order__order_key=order.order_key)
    assert (attempt.method, attempt.status, attempt.amount) == ("VISA", "AUTHORIZED", 750)
    assert result.payment_id == attempt.payment_id
    assert result.status_error is None
    assert result.update.new_status == order.status
    assert order.status == DocdataOrder.STATUS_PENDING
    assert order.total_acquirer_approved == Decimal("7.50")
    assert [p.payment_id for p in order.payments.all()] == [attempt.payment_id]
    # It can be captured like any order.
    Interface().capture(order)
    docdata_simulator.settle_pending(order.order_key)
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID


@pytest.mark.django_db(transaction=True)
def test_a_charge_over_http(docdata_live_simulator):
    initial = initial_order(docdata_live_simulator, "SUB-HTTP")
    result = charge(initial, "R-HTTP", "3.00")
    assert result.order.status == DocdataOrder.STATUS_PENDING
    assert result.order.total_acquirer_approved == Decimal("3.00")


def test_a_refused_charge_leaves_a_cancelled_order(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-3", paid=False)  # nothing to charge again
    with pytest.raises(DocdataRecurringRefused) as raised:
        charge(initial, "R-3")
    error = raised.value
    assert isinstance(error, DocdataRecurringError)
    assert error.error[0] == "REQUEST_DATA_INCORRECT"
    assert "no authorized card or direct debit payment" in error.error[1]
    order = DocdataOrder.objects.get(order_number="R-3")
    assert error.order == order
    assert order.recurring_initial_order == initial
    assert order.status == DocdataOrder.STATUS_CANCELLED
    assert docdata_simulator.order(order.order_key).cancelled
    # A refused charge may be made again (once the initial order is paid): a new order.
    docdata_simulator.settle(initial.order_key, "paid", "VISA")
    again = charge(initial, "R-3")
    assert again.order.merchant_order_id == "R-3-2"
    assert again.order.status == DocdataOrder.STATUS_PENDING


def test_a_start_error_is_chained(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-4")
    docdata_simulator.inject_fault("start", "errors", code="REQUEST_DATA_INCORRECT",
                                   count=1)
    with pytest.raises(DocdataRecurringRefused) as raised:
        charge(initial, "R-4")
    assert raised.value.__cause__ is not None
    assert raised.value.order.status == DocdataOrder.STATUS_CANCELLED


def test_no_reference_sends_nothing(docdata_simulator, received):
    initial = initial_order(docdata_simulator, "SUB-5", reference="")
    assert initial.initial_payment_reference == ""
    received.calls.clear()
    with pytest.raises(DocdataRecurringReferenceMissing, match="initial payment reference"):
        charge(initial, "R-5")
    assert received.calls == []
    assert not DocdataOrder.objects.filter(order_number="R-5").exists()


def test_a_charge_of_one_order_number_is_made_once(docdata_simulator, received):
    initial = initial_order(docdata_simulator, "SUB-6")
    first = charge(initial, "R-6")
    received.calls.clear()
    with pytest.raises(DocdataRecurringDuplicate) as raised:
        charge(initial, "R-6")
    assert raised.value.order == first.order
    assert received.calls == []


def test_a_create_failure_stores_nothing(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-7")
    docdata_simulator.inject_fault("create", "errors", code="REQUEST_DATA_INCORRECT",
                                   count=1)
    with pytest.raises(DocdataRecurringCreateError) as raised:
        charge(initial, "R-7")
    assert isinstance(raised.value.__cause__, DocdataCreateError)
    assert raised.value.order is None
    assert not DocdataOrder.objects.filter(order_number="R-7").exists()


def test_a_start_without_answer_keeps_the_order_for_a_later_pull(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-8")
    docdata_simulator.inject_fault("start", "http_500", count=1)
    with pytest.raises(DocdataRecurringOutcomeUnknown) as raised:
        charge(initial, "R-8")
    assert isinstance(raised.value.__cause__, DocdataGatewayError)
    order = raised.value.order
    assert order.status == DocdataOrder.STATUS_NEW
    # Not charged again while its outcome is unknown.
    with pytest.raises(DocdataRecurringDuplicate):
        charge(initial, "R-8")


def test_a_charge_keeps_the_subject_merchant(docdata_simulator, received):
    initial = initial_order(docdata_simulator, "SUB-9", subject_merchant="tea_corner")
    received.calls.clear()
    result = charge(initial, "R-9")
    assert result.order.subject_merchant_name == "tea_corner"
    assert without_status(received.operations()) == ["create", "start"]
    for subject in received.subjects():
        assert (subject.get("name"), subject.get("token")) == ("tea_corner", TOKEN)


def test_amounts_are_decimal_or_amount_never_float(docdata_simulator):
    initial = initial_order(docdata_simulator, "SUB-10")
    with pytest.raises(DocdataValidationError, match="Decimal"):
        Interface().charge_recurring(initial, "R-10", 7.5, **shopper_args("R-10"))
    result = Interface().charge_recurring(initial, "R-10", Amount(Decimal("4.00"), "EUR"),
                                          **shopper_args("R-10"))
    assert result.order.total_gross_amount == Decimal("4.00")
