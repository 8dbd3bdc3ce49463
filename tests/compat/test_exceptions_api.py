"""Issue 13 §3.8: exceptions constructed and read the old way; OrderKeyMissing and
InvalidMerchant exist again and are raised where their old meaning applies."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from oscar_docdata import exceptions
from oscar_docdata.exceptions import (
    DocdataCancelError,
    DocdataCreateError,
    DocdataError,
    DocdataException,
    DocdataGatewayError,
    DocdataRequestError,
    DocdataStartError,
    DocdataStatusError,
    DocdataValidationError,
    InvalidMerchant,
    OrderKeyMissing,
)
from oscar_docdata.gateway import DocdataClient
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing.canned import canned_docdata

OLD_CLASSES = [DocdataException, DocdataCreateError, DocdataStartError, DocdataStatusError,
               DocdataCancelError]


@pytest.mark.parametrize("cls", OLD_CLASSES)
def test_old_construction_and_reading(cls):
    error = cls("REQUEST_DATA_INCORRECT", "The order key is invalid")
    assert (error.code, error.value) == ("REQUEST_DATA_INCORRECT", "The order key is invalid")
    assert "The order key is invalid" in str(error)
    assert isinstance(error, DocdataException) and isinstance(error, DocdataError)
    with pytest.raises(DocdataException):
        raise error


@pytest.mark.parametrize("cls", OLD_CLASSES[1:])
def test_old_construction_by_keyword_and_non_text_values(cls):
    error = cls(code="SECURITY_ERROR", value=ValueError("bad credentials"))
    assert (error.code, error.value) == ("SECURITY_ERROR", "bad credentials")
    assert error.errors == [("SECURITY_ERROR", "bad credentials")]
    assert cls.operation in str(error)


def test_old_base_class_keeps_code_and_value():
    error = DocdataException("CODE", 42)
    assert (error.code, error.value, str(error)) == ("CODE", "42", "42")


def test_new_construction_still_works():
    error = DocdataStatusError([("A", "first"), ("B", "second")])
    assert (error.code, error.value) == ("A", "first")
    assert error.errors == [("A", "first"), ("B", "second")]
    assert str(error) == "Docdata status failed: A: first; B: second"
    generic = DocdataRequestError([("C", "text")], "capture")
    assert (generic.operation, generic.code, generic.value) == ("capture", "C", "text")
    assert DocdataCreateError([]).errors == [("UNKNOWN_ERROR", "")]


def test_every_error_reads_code_and_value():
    validation = DocdataValidationError("billTo.name.first", "is required")
    assert (validation.code, validation.value) == (None, "billTo.name.first: is required")
    gateway = DocdataGatewayError("status", "connection refused")
    assert gateway.value == "Docdata status: connection refused"


def test_errors_survive_pickling():
    error = pickle.loads(pickle.dumps(DocdataCreateError("X", "y")))  # noqa: S301
    assert (type(error), error.code, error.value, error.errors) == (
        DocdataCreateError, "X", "y", [("X", "y")])


def test_old_value_errors():
    assert issubclass(exceptions.OrderKeyMissing, ValueError)
    assert issubclass(exceptions.InvalidMerchant, ValueError)
    assert str(OrderKeyMissing("Missing order_key!")).endswith("Missing order_key!")
    InvalidMerchant("Order 1 belongs to a different merchant")


@pytest.mark.parametrize("key", [None, "", "  "])
@pytest.mark.parametrize("operation", ["status", "status_extended", "cancel"])
def test_client_raises_order_key_missing(operation, key):
    with canned_docdata() as docdata:
        with pytest.raises(OrderKeyMissing) as raised:
            getattr(DocdataClient(), operation)(key)
    assert isinstance(raised.value, DocdataValidationError)
    assert docdata.requests == []


@pytest.mark.django_db
def test_interface_raises_invalid_merchant_for_an_order_it_cannot_serve():
    order = DocdataOrder.objects.create(
        merchant_name="old_account", merchant_order_id="700001", order_number="700001",
        order_key="5EED0000000000000000000000000007", total_gross_amount=Decimal("1.00"),
        currency="EUR",
    )
    with canned_docdata() as docdata:
        for call in (Interface().update_order, Interface().cancel_order):
            with pytest.raises(InvalidMerchant, match="old_account"):
                call(order)
        with pytest.raises(ImproperlyConfigured):  # what new code catches
            Interface().update_order(order)
    assert docdata.requests == []
