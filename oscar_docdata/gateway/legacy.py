"""Names of the old package's gateway module, mapped onto this client's classes.

Shops written against django-oscar-docdata import these from ``oscar_docdata.gateway``.
Where the old meaning carries over the name maps to the class that replaced it, with
the old constructor arguments; where it cannot (objects of the SOAP library the old
package used, payment methods Docdata dropped) constructing it raises a ``TypeError``
that names the replacement.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from oscar_docdata.exceptions import DocdataValidationError

from .fields import normalise_language
from .menu import callback_return_urls, payment_menu_url
from .results import StartResult
from .values import Amount, CardPayment, IntegrationInfo, SepaDirectDebitPayment, Vat

__all__ = [
    "AmexPayment", "DirectDebitPayment", "ElvPayment", "LegacyClientAPI",
    "MasterCardPayment", "Payment", "Quantity", "StartReply", "StatusReply",
    "TechnicalIntegrationInfo", "TotalVatAmount", "to_iso639_part1",
]


# --- the client's constants and the old menu call ------------------------------------


class LegacyClientAPI:
    """The old ``DocdataClient`` constants; ``DocdataClient`` inherits them."""

    # Authorization statuses of a payment, as Docdata spells them (CANCELED with one L).
    STATUS_NEW = "NEW"
    STATUS_RISK_CHECK_OK = "RISK_CHECK_OK"
    STATUS_RISK_CHECK_FAILED = "RISK_CHECK_FAILED"
    STATUS_STARTED = "STARTED"
    STATUS_START_ERROR = "START_ERROR"
    STATUS_AUTHENTICATED = "AUTHENTICATED"
    STATUS_REDIRECTED_FOR_AUTHENTICATION = "REDIRECTED_FOR_AUTHENTICATION"
    STATUS_AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    STATUS_AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
    STATUS_AUTHORIZED = "AUTHORIZED"
    STATUS_REDIRECTED_FOR_AUTHORIZATION = "REDIRECTED_FOR_AUTHORIZATION"
    STATUS_AUTHORIZATION_REQUESTED = "AUTHORIZATION_REQUESTED"
    STATUS_AUTHORIZATION_FAILED = "AUTHORIZATION_FAILED"
    STATUS_AUTHORIZATION_ERROR = "AUTHORIZATION_ERROR"
    STATUS_PAID = "PAID"
    STATUS_CANCELLED = "CANCELED"
    STATUS_CANCEL_FAILED = "CANCEL_FAILED"
    STATUS_CANCEL_ERROR = "CANCEL_ERROR"
    STATUS_CANCEL_REQUESTED = "CANCEL_REQUESTED"
    STATUS_CHARGED_BACK = "CHARGED-BACK"
    STATUS_CONFIRMED_PAID = "CONFIRMED_PAID"
    STATUS_CONFIRMED_CHARGEDBACK = "CONFIRMED_CHARGEDBACK"
    STATUS_CLOSED_SUCCESS = "CLOSED_SUCCESS"
    STATUS_CLOSED_CANCELLED = "CLOSED_CANCELED"

    DOCUMENTED_STATUS_VALUES = (
        STATUS_NEW, STATUS_STARTED, STATUS_REDIRECTED_FOR_AUTHENTICATION, STATUS_AUTHORIZED,
        STATUS_AUTHORIZATION_REQUESTED, STATUS_PAID, STATUS_CANCELLED, STATUS_CHARGED_BACK,
        STATUS_CONFIRMED_PAID, STATUS_CONFIRMED_CHARGEDBACK, STATUS_CLOSED_SUCCESS,
        STATUS_CLOSED_CANCELLED,
    )
    SEEN_UNDOCUMENTED_STATUS_VALUES = (
        STATUS_AUTHORIZATION_FAILED, STATUS_CANCEL_FAILED, STATUS_AUTHORIZATION_ERROR,
    )

    # Payment methods of start(). Direct debit is SEPA's now: the old "DIRECT_DEBIT"
    # method is gone, so the name maps to its successor.
    PAYMENT_METHOD_AMEX = "AMEX"
    PAYMENT_METHOD_MASTERCARD = "MASTERCARD"
    PAYMENT_METHOD_VISA = "VISA"
    PAYMENT_METHOD_DIRECT_DEBIT = "SEPA_DIRECT_DEBIT"
    PAYMENT_METHOD_BANK_TRANSFER = "BANK_TRANSFER"
    PAYMENT_METHOD_ELV = "ELV"


def is_request_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether a ``get_payment_menu_url`` call is the old one, with the request first."""
    if "request" in kwargs:
        return True
    # Order keys are text; a request (Django's, or one wrapping it) is not.
    return bool(args) and not isinstance(args[0], str) and hasattr(
        args[0], "build_absolute_uri")


def menu_url_for_request(client: Any, request: Any, order_key: str,
                         return_url: str | None = None, client_language: str | None = None,
                         **extra_url_args: Any) -> str:
    """The old ``DocdataClient.get_payment_menu_url(request, order_key, …)``.

    The four return URLs are ``return_url`` (default: oscar_docdata's return view) made
    absolute with ``request``, plus ``callback=…&order_id=<order key>``; extra arguments
    (``default_pm``, ``default_act``, ``ideal_issuer_id``, even ``merchant_name``) are
    added to the menu URL.
    """
    base = request.build_absolute_uri(return_url or reverse("return_url"))
    merchant = extra_url_args.pop("merchant_name", None) or client.merchant_name
    parameters = {**callback_return_urls(base, order_key), **extra_url_args}
    return payment_menu_url(client.base_url, merchant, order_key, client_language, **parameters)


# --- replies -------------------------------------------------------------------------

#: The reply of ``start()``: ``payment_id`` reads as before.
StartReply = StartResult


class _Removed:
    """A name whose old meaning cannot be kept: constructing it says what replaced it."""

    replacement = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"oscar_docdata.gateway.{cls.__name__} of django-oscar-docdata no longer "
            f"exists: {cls.replacement}"
        )


class StatusReply(_Removed):
    replacement = (
        "DocdataClient.status() returns a StatusReport (oscar_docdata.gateway.StatusReport: "
        "order_key, totals, payments) instead of a wrapper around a SOAP report object."
    )


# --- values to send --------------------------------------------------------------------

#: Information about this integration sent with each request (all fields optional).
TechnicalIntegrationInfo = IntegrationInfo


class TotalVatAmount(Vat):
    """The old invoice VAT total: ``TotalVatAmount(value, currency, rate)``; a Vat."""

    def __init__(self, value: Decimal, currency: str, rate: Any):
        super().__init__(rate=Decimal(str(rate)), amount=Amount(value, currency))

    @classmethod
    def from_vat(cls, vat: Vat) -> TotalVatAmount:
        return cls(vat.amount.value, vat.amount.currency, vat.rate)

    @property
    def value(self) -> Decimal:
        return self.amount.value

    @property
    def currency(self) -> str:
        return self.amount.currency


class Quantity(int):
    """The old invoice item quantity, ``Quantity(value, unit="PCS")``: an int with a unit.

    Give it as an ``Item``'s quantity; its unit (PCS, SEC, BYT or KB) is sent with it.
    """

    unit: str

    def __new__(cls, value: int, unit: str = "PCS") -> Quantity:
        quantity = super().__new__(cls, value)
        quantity.unit = unit
        return quantity

    @property
    def value(self) -> int:
        return int(self)


# --- payments for start() ----------------------------------------------------------------


class Payment(_Removed):
    replacement = (
        "use one of CardPayment (AMEX, MASTERCARD, VISA, MAESTRO, MISTERCASH), "
        "IdealPayment, SepaDirectDebitPayment or BankTransferPayment from "
        "oscar_docdata.gateway, given to DocdataClient.start()."
    )


class ElvPayment(_Removed):
    replacement = (
        "Docdata replaced ELV (German direct debit by account number and bank code) with "
        "SEPA direct debit: use SepaDirectDebitPayment(iban=…, bic=…, holder_name=…)."
    )


_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*[/\-. ]?\s*(\d{4}|\d{2})\s*$")
_ISO_EXPIRY = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _expiry(value: Any) -> tuple[int, int]:
    """(month, year) of an expiry date: ``"MM/YY"``, ``"MM/YYYY"``, ``"MMYY"``,
    ``"YYYY-MM"``, a date, or a (month, year) pair."""
    if isinstance(value, date):
        return value.month, value.year
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    text = str(value or "")
    if match := _ISO_EXPIRY.match(text):
        return int(match[2]), int(match[1])
    if match := _EXPIRY.match(text):
        return int(match[1]), int(match[2])
    raise DocdataValidationError(
        "payment.expiryDate", "use MM/YY, MM/YYYY, a date or a (month, year) pair")


class _OldCardPayment(CardPayment):
    """A CardPayment built from the old card classes' arguments.

    The repr leaves the card number and security code out, as CardPayment's does.
    """

    payment_method = ""

    @sensitive_variables()
    def __init__(self, credit_card_number: str, expiry_date: Any, security_code: str,
                 card_holder: str, email_address: str | None = None):
        month, year = _expiry(expiry_date)
        super().__init__(
            payment_method=type(self).payment_method, card_holder_name=str(card_holder),
            card_number=credit_card_number, expiry_month=month, expiry_year=year,
            security_code=security_code,
        )
        # Docdata's 1.3 card input has no e-mail address: kept, not sent.
        self.email_address = email_address

    @property
    def credit_card_number(self) -> str | None:
        return self.card_number

    @property
    def card_holder(self) -> str | None:
        return self.card_holder_name

    @property
    def expiry_date(self) -> str:
        return f"{self.expiry_month:02d}/{(self.expiry_year or 0) % 100:02d}"


class AmexPayment(_OldCardPayment):
    """``AmexPayment(credit_card_number, expiry_date, cid, card_holder, email_address)``."""

    payment_method = LegacyClientAPI.PAYMENT_METHOD_AMEX

    @sensitive_variables()
    def __init__(self, credit_card_number: str, expiry_date: Any, cid: str, card_holder: str,
                 email_address: str | None = None):
        super().__init__(credit_card_number, expiry_date, cid, card_holder, email_address)

    @property
    def cid(self) -> str | None:
        return self.security_code


class MasterCardPayment(_OldCardPayment):
    """``MasterCardPayment(credit_card_number, expiry_date, cvc2, card_holder,
    email_address)``."""

    payment_method = LegacyClientAPI.PAYMENT_METHOD_MASTERCARD

    @sensitive_variables()
    def __init__(self, credit_card_number: str, expiry_date: Any, cvc2: str,
                 card_holder: str, email_address: str | None = None):
        super().__init__(credit_card_number, expiry_date, cvc2, card_holder, email_address)

    @property
    def cvc2(self) -> str | None:
        return self.security_code


class DirectDebitPayment(SepaDirectDebitPayment):
    """``DirectDebitPayment(holder_name, holder_city, holder_country_code, bic, iban)``:
    a SEPA direct debit.

    Docdata's SEPA input has no holder city or country: they are kept, not sent.
    """

    @sensitive_variables()
    def __init__(self, holder_name: str, holder_city: str, holder_country_code: str,
                 bic: str | None, iban: str):
        super().__init__(iban=iban, bic=bic, holder_name=holder_name)
        self.holder_city = holder_city
        self.holder_country_code = holder_country_code


def to_iso639_part1(language_code: str) -> str:
    """ISO 639-1 of a language code: ``"en-us"`` → ``"en"``."""
    return normalise_language(language_code)
