"""The old Facade's behaviour that shops rely on: PaymentError on a refused create, the
``billingaddress`` keyword, and the Oscar order status following the mapping when the
shop keeps its own receivers (``DOCDATA_OSCAR_RECEIVERS = False``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.prices import Price
from oscar.test import factories

from oscar_docdata.exceptions import DocdataCreateError
from oscar_docdata.facade import Facade
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing.fixtures import docdata_simulator

__all__ = ["docdata_simulator"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing():
    country = factories.CountryFactory(iso_3166_1_a2="NL", printable_name="Netherlands")
    return factories.BillingAddressFactory(
        country=country, first_name="Anna", last_name="de Vries", line1="Keizersgracht",
        line2="123", line4="Amsterdam", postcode="1015 CJ",
    )


def create(number: str, billing, **kwargs) -> str:
    return Facade().create_payment(
        number, Price("EUR", Decimal("10.00"), incl_tax=Decimal("12.10")), AnonymousUser(),
        email="anna@example.com", **kwargs, billingaddress=billing,
    )


def test_a_refused_create_is_oscars_payment_error(docdata_simulator, billing):
    docdata_simulator.inject_fault("create", "errors", code="REQUEST_DATA_INCORRECT")

    with pytest.raises(PaymentError) as raised:
        create("700001", billing)

    assert isinstance(raised.value, DocdataCreateError)  # what new code catches
    assert raised.value.code == "REQUEST_DATA_INCORRECT"
    assert not DocdataOrder.objects.exists()


def test_the_old_billingaddress_keyword_is_the_billing_address(docdata_simulator, billing):
    key = create("700002", billing)

    bill_to = docdata_simulator.order(key).bill_to
    assert "Keizersgracht" in str(bill_to) and "de Vries" in str(bill_to)


@pytest.mark.parametrize("receivers", [False, True])
def test_the_oscar_order_follows_the_mapping_with_or_without_our_receivers(
        docdata_simulator, billing, settings, receivers, django_capture_on_commit_callbacks):
    settings.DOCDATA_OSCAR_RECEIVERS = receivers
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    oscar_order = factories.create_order(number="700003")
    key = create("700003", billing)
    docdata_simulator.settle(key, "paid")
    docdata_order = DocdataOrder.objects.get(order_key=key)

    with django_capture_on_commit_callbacks(execute=True):
        Facade().update_order(docdata_order)

    oscar_order.refresh_from_db()
    assert docdata_order.status == "paid"
    assert oscar_order.status == "Paid"  # tests.settings maps paid → Paid
