"""Parts many requests share: amounts, the order key, names, addresses, destinations.

Each function checks its value with :mod:`..fields` and raises DocdataValidationError
naming the field before anything is sent.
"""

from __future__ import annotations

from typing import Any

from oscar_docdata.exceptions import DocdataValidationError, OrderKeyMissing
from oscar_docdata.money import to_minor_units

from .. import fields
from ..values import Address, Amount, Destination, Name


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out absent optional values: nothing is ever sent empty."""
    return {key: value for key, value in values.items() if value is not None}


def amount(value: Amount, *, field: str, positive: bool = False,
           allow_negative: bool = False) -> dict[str, Any]:
    """An Amount as ``{"_value_1": minor units, "currency": …}``."""
    if not isinstance(value, Amount):
        raise DocdataValidationError(field, f"expected an Amount, got {type(value).__name__}")
    currency = fields.text("amount.currency", value.currency, field=f"{field}.currency",
                           required=True)
    minor = to_minor_units(value.value, currency, field=field)
    if positive and minor <= 0:
        raise DocdataValidationError(field, f"{value.value} {currency} must be more than zero")
    if not allow_negative and minor < 0:
        raise DocdataValidationError(field, f"{value.value} {currency} must not be negative")
    fields.integer(minor, field=field, minimum=-(2**31))
    return {"_value_1": minor, "currency": currency}


def order_key(value: Any, *, field: str = "paymentOrderKey") -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OrderKeyMissing(field=field)
    return fields.text("paymentOrderKey", value, field=field, required=True)


def order_key_only(value: Any) -> dict[str, Any]:
    """cancel, status, statusExtended and listPaymentMethods."""
    return {"paymentOrderKey": order_key(value)}


def name(value: Name, path: str) -> dict[str, str]:
    if not isinstance(value, Name):
        raise DocdataValidationError(path, f"expected a Name, got {type(value).__name__}")
    return compact({
        key: fields.text(f"name.{key}", getattr(value, key), field=f"{path}.{key}",
                         required=key in ("first", "last"))
        for key in ("prefix", "initials", "first", "middle", "last", "suffix")
    })


def address(value: Address, path: str) -> dict[str, Any]:
    if not isinstance(value, Address):
        raise DocdataValidationError(path, f"expected an Address, got {type(value).__name__}")

    def text(key: str, attribute: str, required: bool = False) -> str | None:
        return fields.text(f"address.{key}", getattr(value, attribute), field=f"{path}.{key}",
                           required=required)

    return compact({
        "company": text("company", "company"),
        "kvkNummer": text("kvkNummer", "kvkNummer"),
        "vatNumber": text("vatNumber", "vatNumber"),
        "careOf": text("careOf", "careOf"),
        "street": text("street", "street", required=True),
        "houseNumber": text("houseNumber", "house_number"),
        "houseNumberAddition": text("houseNumberAddition", "house_number_addition"),
        "postalCode": text("postalCode", "postal_code"),
        "city": text("city", "city", required=True),
        "state": text("state", "state"),
        "country": {"code": text("country", "country_code", required=True)},
    })


def destination(value: Destination, path: str) -> dict[str, Any]:
    if not isinstance(value, Destination):
        raise DocdataValidationError(path, f"expected a Destination, got {type(value).__name__}")
    return {"name": name(value.name, f"{path}.name"),
            "address": address(value.address, f"{path}.address")}
