"""Conversion between Decimal amounts and Docdata's integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oscar_docdata.exceptions import DocdataValidationError

# ISO 4217 minor-unit exponents that differ from 2. Everything else has 2.
_EXPONENTS = {
    # no minor unit
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # three decimals
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # four decimals
    "CLF": 4, "UYW": 4,
}


def currency_exponent(currency: str) -> int:
    """Number of decimals of ``currency`` (EUR 2, JPY 0, KWD 3)."""
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor_units(value: Decimal | int | str, currency: str, *, field: str = "amount") -> int:
    """``Decimal("12.345")`` EUR → ``1235``: rounds half up to the currency's exponent.

    Floats are refused: they cannot hold money exactly.
    """
    if isinstance(value, float) or isinstance(value, bool):
        raise DocdataValidationError(field, f"amounts must be Decimal, not {type(value).__name__}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DocdataValidationError(field, f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise DocdataValidationError(field, f"{value!r} is not an amount")
    exponent = currency_exponent(currency)
    return int((amount.scaleb(exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(value: int | str, currency: str) -> Decimal:
    """``1234`` EUR → ``Decimal("12.34")``; ``1234`` JPY → ``Decimal("1234")``."""
    exponent = currency_exponent(currency)
    return Decimal(int(value)).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))
