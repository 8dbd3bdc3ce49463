"""Amounts the shop hands in: an ``Amount`` from an Oscar price, a checked Decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oscar_docdata.exceptions import DocdataAmountError, DocdataValidationError
from oscar_docdata.gateway.values import Amount
from oscar_docdata.money import currency_exponent, from_minor_units, to_minor_units


def to_amount(total: Any) -> Amount:
    """An ``Amount`` from an Amount or an Oscar ``Price`` (its ``incl_tax``)."""
    if isinstance(total, Amount):
        return total
    incl_tax = getattr(total, "incl_tax", None)
    currency = getattr(total, "currency", None)
    if incl_tax is None or not currency:
        raise DocdataValidationError(
            "totalGrossAmount", f"expected an Amount or an Oscar Price, got {total!r}"
        )
    return Amount(incl_tax, currency)


def checked_amount(amount: Any, currency: str) -> Decimal:
    """``amount`` as a Decimal the currency can hold, > 0; floats are refused."""
    minor = to_minor_units(amount, currency)  # refuses floats and non-numbers
    value = Decimal(amount)
    if minor <= 0:
        raise DocdataAmountError("amount", f"{amount} must be more than zero")
    if value != from_minor_units(minor, currency):
        decimals = currency_exponent(currency)
        raise DocdataAmountError(
            "amount", f"{amount} has more than {decimals} decimals in {currency}"
        )
    return from_minor_units(minor, currency)
