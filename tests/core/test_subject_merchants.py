"""Orders for a subject merchant (Docdata's sub-merchant), against the simulator.

Every call of such an order carries ``merchant/subjectMerchant`` with the subject
merchant's name and token; create alone carries its fee. What the simulator received is
recorded where it answers (``soap._answer``), so the tests see the request as it
arrived, over HTTP.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from oscar_docdata.exceptions import InvalidMerchant, InvalidSubjectMerchant
from oscar_docdata.gateway.schema import TYPES_NS
from oscar_docdata.gateway.values import (
    Address,
    Amount,
    Destination,
    IdealAuthorizationResult,
    IdealPayment,
    Name,
    Shopper,
    SubjectFee,
)
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator import soap
from oscar_docdata.simulator.models import SimulatedOrder
from oscar_docdata.testing.fixtures import docdata_live_simulator, docdata_simulator

__all__ = ["docdata_live_simulator", "docdata_simulator"]  # fixtures

TOKEN = "tea-C0rner-token-7f3a"  # noqa: S105 - a test secret
NS = {"d": TYPES_NS}


@pytest.fixture(autouse=True)
def subject_merchants(settings: Any) -> None:
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": TOKEN}


class Received:
    """The request elements the simulator answered, as (operation, element)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, etree._Element]] = []

    def operations(self) -> list[str]:
        return [operation for operation, _element in self.calls]

    def subjects(self, operation: str | None = None) -> list[etree._Element | None]:
        return [element.find("d:merchant/d:subjectMerchant", NS)
                for op, element in self.calls if operation in (None, op)]


@pytest.fixture
def received(monkeypatch: Any) -> Received:
    record = Received()
    answer = soap._answer

    def recording(operation, element, *args, **kwargs):
        record.calls.append((operation, element))
        return answer(operation, element, *args, **kwargs)

    monkeypatch.setattr(soap, "_answer", recording)
    return record


def shopper_args(number: str) -> dict[str, Any]:
    name = Name(first="Jan", last="Jansen")
    return {
        "shopper": Shopper(id=f"s-{number}", name=name, email="jan@example.com", language="nl"),
        "bill_to": Destination(name=name, address=Address(
            street="Damrak", house_number="1", house_number_addition=None,
            postal_code="1012LG", city="Amsterdam", state=None, country_code="NL")),
    }


def create(number: str, amount: str = "20.00", **kwargs: Any) -> DocdataOrder:
    key = Interface().create_payment(
        number, Amount(Decimal(amount), "EUR"), None, subject_merchant="tea_corner",
        **shopper_args(number), **kwargs)
    return DocdataOrder.objects.get(order_key=key)


def assert_carried(subjects: list[etree._Element | None]) -> None:
    assert subjects
    for subject in subjects:
        assert subject is not None
        assert (subject.get("name"), subject.get("token")) == ("tea_corner", TOKEN)


@pytest.mark.django_db(transaction=True)
def test_every_call_of_a_subject_merchant_order_carries_it_over_http(
        docdata_live_simulator, received, caplog):
    caplog.set_level(logging.DEBUG)
    interface = Interface()
    fee = SubjectFee("FULLY_PAID", Amount(Decimal("1.50"), "EUR"), "Marketplace fee")
    order = create("SM-1", subject_fee=fee)
    assert order.subject_merchant_name == "tea_corner"
    assert SimulatedOrder.objects.get(order_key=order.order_key).subject_merchant_name == \
        "tea_corner"

    client = interface.client_for_order(order)
    assert client.list_payment_methods(order.order_key)
    started = interface.start_payment(order, IdealPayment("INGBNL2A"),
                                      return_url="https://shop.example/return/")
    client.proceed(started.payment_id, IdealAuthorizationResult())
    docdata_live_simulator.authorize(order.order_key)  # the shopper confirmed at the bank
    interface.update_order(order)
    client.status_extended(order.order_key)
    interface.capture(order)
    docdata_live_simulator.settle_pending(order.order_key)
    interface.refund(order, Decimal("5.00"))
    other = create("SM-2")
    interface.cancel_order(other)

    assert set(received.operations()) >= {
        "create", "listPaymentMethods", "start", "proceed", "status", "statusExtended",
        "capture", "refund", "cancel"}
    assert_carried(received.subjects())
    [with_fee, without_fee] = received.subjects("create")
    fee_element = with_fee.find("d:fee", NS)
    assert fee_element.get("moment") == "FULLY_PAID"
    assert fee_element.findtext("d:amount", namespaces=NS) == "150"
    assert without_fee.find("d:fee", NS) is None
    for subject in received.subjects():
        if subject is not with_fee:
            assert subject.find("d:fee", NS) is None  # the fee goes with create only
    order.refresh_from_db()
    other.refresh_from_db()
    assert other.status == DocdataOrder.STATUS_CANCELLED
    assert TOKEN not in caplog.text
    assert "for subject merchant tea_corner" in caplog.text


def test_a_notification_of_a_subject_merchant_order_pulls_its_status(
        docdata_simulator, received, client):
    order = create("SM-3")
    received.calls.clear()
    docdata_simulator.settle(order.order_key, "paid")  # notifies the shop before returning
    [notification] = docdata_simulator.notifications(order.order_key)
    assert notification.status_code == 200
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert received.operations() == ["status"]
    assert_carried(received.subjects())


def test_a_notification_of_an_unconfigured_subject_merchant_is_unknown(
        docdata_simulator, client, settings):
    order = create("SM-4")
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {}
    response = client.get("/api/docdata/update_order/", {"order_id": order.merchant_order_id})
    assert response.status_code == 404
    assert order in DocdataOrder.objects.all()
    assert order not in DocdataOrder.objects.active_merchants()


def test_an_unconfigured_subject_merchant_is_refused_before_sending(
        docdata_simulator, received, settings):
    order = create("SM-5")
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"other": "x"}
    received.calls.clear()
    with pytest.raises(InvalidSubjectMerchant, match="DOCDATA_SUBJECT_MERCHANT_TOKENS") as raised:
        Interface().update_order(order)
    assert isinstance(raised.value, ImproperlyConfigured)
    assert isinstance(raised.value, InvalidMerchant)
    assert "tea_corner" in str(raised.value)
    with pytest.raises(InvalidSubjectMerchant):
        Interface().create_payment("SM-6", Amount(Decimal("1"), "EUR"), None,
                                   subject_merchant="tea_corner", **shopper_args("SM-6"))
    assert received.calls == []
    assert not DocdataOrder.objects.filter(order_number="SM-6").exists()


def test_orders_without_a_subject_merchant_send_none(docdata_simulator, received):
    key = Interface().create_payment("SM-7", Amount(Decimal("3"), "EUR"), None,
                                     **shopper_args("SM-7"))
    order = DocdataOrder.objects.get(order_key=key)
    assert order.subject_merchant_name == ""
    Interface().update_order(order)
    assert received.subjects() == [None, None]


def test_a_fee_without_a_subject_merchant_is_refused(docdata_simulator, received):
    from oscar_docdata.exceptions import DocdataValidationError

    with pytest.raises(DocdataValidationError, match="needs a subject merchant"):
        Interface().create_payment("SM-8", Amount(Decimal("3"), "EUR"), None,
                                   subject_fee=SubjectFee("IMMEDIATE",
                                                          Amount(Decimal("1"), "EUR")),
                                   **shopper_args("SM-8"))
    assert received.calls == []


def test_the_token_is_in_no_repr_or_error(docdata_simulator, settings):
    order = create("SM-9")
    client = Interface().client_for_order(order)
    assert TOKEN not in repr(client)
    assert "tea_corner" in repr(client)
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {}
    with pytest.raises(InvalidSubjectMerchant) as raised:
        Interface().client_for_order(order)
    assert TOKEN not in str(raised.value)
