"""Values a shop builds to send to Docdata.

Names and constructor arguments follow the old django-oscar-docdata package, because
shops construct these in their own facades. Amounts are Decimal in major units; the
client converts them to minor units with the currency's exponent when sending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

#: What a masked secret shows in a repr.
MASK = "***"


def mask_card_number(number: Any) -> str | None:
    """A card number as its last four digits only (``"****1111"``); short numbers as stars."""
    if number in (None, ""):
        return None
    digits = re.sub(r"\D", "", str(number))
    return f"****{digits[-4:]}" if len(digits) >= 12 else MASK


def mask_iban(iban: Any) -> str | None:
    """An IBAN as its country and last four characters (``"NL****4300"``)."""
    if iban in (None, ""):
        return None
    compact = re.sub(r"\s", "", str(iban)).upper()
    return f"{compact[:2]}****{compact[-4:]}" if len(compact) >= 12 else MASK


def _present(value: Any) -> str | None:
    """Whether a secret is set, never its value."""
    return None if value in (None, "") else MASK


def masked_repr(value: Any, masks: dict[str, tuple[str, Callable[[Any], Any]] | None]) -> str:
    """A dataclass repr with the fields in ``masks`` hidden or shown masked.

    ``masks`` maps a field name to None (left out) or to (shown name, mask function).
    Reprs end up in logs, tracebacks and error reports: secrets never appear in them.
    """
    parts = []
    for item in fields(value):
        if item.name in masks:
            masked = masks[item.name]
            if masked is not None:
                label, mask = masked
                parts.append(f"{label}={mask(getattr(value, item.name))!r}")
        else:
            parts.append(f"{item.name}={getattr(value, item.name)!r}")
    return f"{type(value).__qualname__}({', '.join(parts)})"


@dataclass
class Amount:
    """A money amount: ``Amount(Decimal("12.34"), "EUR")``."""

    value: Decimal
    currency: str


@dataclass
class SubjectMerchant:
    """A sub-merchant ("subject merchant") the merchant acts for: its name and token.

    Sent as ``merchant/subjectMerchant@name,@token`` in every request of a client that
    has one. The token is a secret: never in a repr, a log or an error message.
    """

    name: str
    token: str = field(repr=False)

    def __repr__(self) -> str:
        return masked_repr(self, {"token": ("token", _present)})


#: When Docdata takes a subject merchant's fee (the schema's feeMoment).
FEE_MOMENTS = ("IMMEDIATE", "FULLY_PAID")


@dataclass
class SubjectFee:
    """The fee of an order created for a subject merchant (``subjectMerchant/fee``).

    ``moment`` is ``"IMMEDIATE"`` or ``"FULLY_PAID"``; sent with create only.
    """

    moment: str
    amount: Amount
    description: str | None = None


@dataclass
class Name:
    first: str
    last: str
    middle: str | None = None
    initials: str | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass
class Shopper:
    """The person paying; ``language`` is ISO 639-1 (normalised when sent)."""

    id: str
    name: Name
    email: str
    language: str
    gender: str = "U"
    date_of_birth: Any = None  # date or "yyyy-mm-dd"
    phone_number: str | None = None
    mobile_phone_number: str | None = None
    ipAddress: str | None = None  # noqa: N815 - old package's argument name


@dataclass
class Company:
    """A paying company, sent instead of a shopper."""

    id: str
    name: str
    email: str
    language: str
    phone_number: str | None = None
    mobile_phone_number: str | None = None
    ipAddress: str | None = None  # noqa: N815


@dataclass
class Address:
    street: str
    house_number: str | None
    house_number_addition: str | None
    postal_code: str | None
    city: str
    state: str | None
    country_code: str
    company: str | None = None
    vatNumber: str | None = None  # noqa: N815
    careOf: str | None = None  # noqa: N815
    kvkNummer: str | None = None  # noqa: N815


@dataclass
class Destination:
    name: Name
    address: Address


@dataclass
class Vat:
    """A VAT rate (percent, e.g. ``Decimal("21")``) and amount."""

    rate: Decimal
    amount: Amount


@dataclass
class Item:
    """One invoice line. ``quantity`` is in ``unit_of_measure`` (PCS by default)."""

    number: int
    name: str
    code: str
    quantity: int
    description: str
    net_amount: Amount
    gross_amount: Amount
    vat: Vat
    total_net_amount: Amount
    total_gross_amount: Amount
    total_vat: Vat
    image: str | None = None
    unit_of_measure: str = "PCS"


@dataclass
class Invoice:
    """The basket: net total, one VAT amount per rate, items and where it goes."""

    total_net_amount: Amount
    total_vat_amounts: list[Vat]
    items: list[Item]
    ship_to: Destination
    additional_description: str | None = None


@dataclass
class IntegrationInfo:
    """Overrides for the integrationInfo every request carries."""

    webshop_plugin: str | None = None
    webshop_plugin_version: str | None = None
    integrator_name: str | None = None
    programming_language: str | None = None
    operating_system: str | None = None
    operating_system_version: str | None = None


# --- inputs for start() -----------------------------------------------------


@dataclass
class IdealPayment:
    """An iDEAL payment. Under iDEAL 2.0 the shopper chooses the bank on the scheme's
    page: leave ``issuer_id`` out and ``start`` redirects there. An issuer (a BIC)
    still goes to that bank's page directly."""

    issuer_id: str | None = None
    payment_method: str = "IDEAL"


@dataclass
class CardPayment:
    """A card payment: either holder/number/expiry(/security code) or encrypted data.

    ``payment_method`` is MASTERCARD, VISA, AMEX, MAESTRO or MISTERCASH.
    """

    payment_method: str
    card_holder_name: str | None = None
    # Never in a repr: reprs end up in logs, tracebacks and error reports.
    card_number: str | None = field(default=None, repr=False)
    expiry_month: int | None = None
    expiry_year: int | None = None  # two or four digits
    security_code: str | None = field(default=None, repr=False)
    encrypted_data: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        # The last four digits only; the security code and encrypted data never.
        return masked_repr(self, {"card_number": ("card", mask_card_number),
                                  "security_code": None,
                                  "encrypted_data": ("encrypted_data_given", _present)})


@dataclass
class SepaDirectDebitPayment:
    iban: str | None = None
    bic: str | None = None
    holder_name: str | None = None
    mandate_number: str | None = None
    payment_method: str = "SEPA_DIRECT_DEBIT"

    def __repr__(self) -> str:
        return masked_repr(self, {"iban": ("iban", mask_iban)})


@dataclass
class BankTransferPayment:
    email_address: str
    payment_method: str = "BANK_TRANSFER"


@dataclass
class RecurringPayment:
    """Charge again with the details of an earlier initial order, by its reference."""

    merchant_reference: str | None = None
    payment_id: int | None = None
    link_id: str | None = None


@dataclass
class ShopperInfo:
    """Browser details for 3-D Secure."""

    shopper_ip: str
    browser_accept: str
    browser_user_agent: str


# --- inputs for proceed() ---------------------------------------------------


@dataclass
class ThreeDSecureResult:
    md: str
    pares: str

    def __repr__(self) -> str:
        return masked_repr(self, {"md": ("md", _present), "pares": ("pares", _present)})


@dataclass
class IdealAuthorizationResult:
    """iDEAL needs no data: Docdata asks the bank itself."""


@dataclass
class PaypalAuthenticationResult:
    token: str
    shopper_canceled: bool = False
    payer_id: str | None = None


@dataclass
class RefundBankAccount:
    holder_name: str
    holder_city: str
    holder_country: str
    iban: str
    bic: str | None = None

    def __repr__(self) -> str:
        return masked_repr(self, {"iban": ("iban", mask_iban)})


@dataclass
class RefundItems:
    """Refund by invoice line codes instead of an amount."""

    lines: list[tuple[str, int]] = field(default_factory=list)  # (item code, quantity)
    additional_amount: Amount | None = None
    additional_vat_rate: Decimal | None = None
    additional_description: str | None = None
