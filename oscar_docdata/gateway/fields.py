"""Validation and normalisation of every value the client sends: one table, one place.

``RULES`` maps a field (``structure.field``) to the XSD simple type whose facets apply
(read from the bundled XSD by :mod:`.schema`), a normaliser, and whether the text is
display-only. Error messages name the concrete path (``billTo.name.first``).

Two policies:

* Identifying or structured values (names, addresses, references, codes, e-mail,
  languages …) that break a facet raise :class:`DocdataValidationError` naming the
  field, the value's length and the limit. Silently cutting a name or street would
  send wrong data to the payment provider.
* Display-only text (the order description, receiptText, invoice item names and
  descriptions, the invoice's additionalDescription, capture/refund descriptions, and
  the browser's user agent for 3-D Secure) is shortened by :func:`shorten`, because a
  long product name must not stop a payment.

Facets come from the bundled XSD rather than numbers repeated here, so the client,
the simulator and the schema can never disagree about a limit.

Empty optional values (None, "" or only whitespace) are left out, never sent empty:
every ``stringN`` type of the schema has minimum length 1.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from oscar_docdata.exceptions import DocdataValidationError

from . import schema

ELLIPSIS = "…"
_WHITESPACE_RUN = re.compile(r"\s+")
_INT_MAX = 2**31 - 1  # xs:int, the base of every amount


def normalise_language(value: str) -> str:
    """ISO 639-1, lower case: ``"en-us"``, ``"en_US"``, ``"EN"`` → ``"en"``."""
    return re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()


def normalise_country(value: str) -> str:
    """ISO 3166-1 alpha-2, upper case: ``"nl"`` → ``"NL"``."""
    return value.strip().upper()


def normalise_postal_code(value: str) -> str:
    """Postal codes are sent without spaces: ``"1234 AB"`` → ``"1234AB"``."""
    return _WHITESPACE_RUN.sub("", value)


def normalise_gender(value: str) -> str:
    """``"m"`` → ``"M"``; Docdata knows M, F and U (unknown)."""
    return value.strip().upper()[:1] if value.strip() else "U"


def shorten(text: str, limit: int, *, ellipsis: bool = True) -> str:
    """Shorten display-only ``text`` to at most ``limit`` characters, cleanly.

    Runs of whitespace become one space first. A longer text is cut at the last word
    boundary that keeps at least half of the limit (else in the middle of the word),
    trailing spaces and punctuation are dropped, and "…" is appended when asked for
    and it still fits within the limit — the result is never longer than ``limit``.
    ``receiptText`` is shortened without "…": it ends up on bank statements, whose
    character set (SEPA's Latin subset) has no ellipsis.
    """
    text = _WHITESPACE_RUN.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    room = limit - 1 if ellipsis and limit > 1 else limit
    cut = text[:room]
    boundary = cut.rfind(" ") if text[room] != " " else room
    if boundary >= limit // 2:
        cut = cut[:boundary]
    cut = cut.rstrip(" ,;:-–—/")
    if ellipsis and limit > 1 and len(cut) < limit:
        return cut + ELLIPSIS
    return cut


@dataclass(frozen=True)
class Rule:
    """How one field is checked: its XSD type, a normaliser, and its policy."""

    xsd_type: str
    normalise: Callable[[str], str] | None = None
    display: bool = False  # shortened instead of refused
    ellipsis: bool = True  # display text: end a shortened text with "…"
    secret: bool = False  # never put the value in an error message


_NAME = {"prefix": "string50", "initials": "string35", "first": "string35",
         "middle": "string35", "last": "string35", "suffix": "string50"}
_ADDRESS = {"company": "string35", "kvkNummer": "string35", "vatNumber": "string35",
            "careOf": "string35", "street": "string100", "houseNumber": "string35",
            "houseNumberAddition": "string35", "state": "string35", "city": "string35"}
_INTEGRATION = ("webshopPlugin", "webshopPluginVersion", "integratorName",
                "programmingLanguage", "operatingSystem", "operatingSystemVersion",
                "ddpXsdVersion")

#: Every text field the client sends → its rule.
RULES: dict[str, Rule] = {
    "merchant.name": Rule("string50"),
    "merchant.password": Rule("string35", secret=True),
    "subjectMerchant.name": Rule("string50"),
    "subjectMerchant.token": Rule("securityToken", secret=True, normalise=str.strip),
    "subjectFee.moment": Rule("feeMoment", normalise=lambda v: v.strip().upper()),
    "subjectFee.description": Rule("string255", display=True),
    "create.merchantOrderReference": Rule("string255"),
    "create.description": Rule("string255", display=True),
    "create.receiptText": Rule("string50", display=True, ellipsis=False),
    "create.initialPaymentReference": Rule("string50"),
    "paymentPreferences.profile": Rule("string50"),
    **{f"name.{key}": Rule(xsd_type) for key, xsd_type in _NAME.items()},
    **{f"address.{key}": Rule(xsd_type) for key, xsd_type in _ADDRESS.items()},
    "address.postalCode": Rule("string50", normalise=normalise_postal_code),
    "address.country": Rule("countryCode", normalise=normalise_country),
    "customer.id": Rule("string50"),
    "customer.email": Rule("emailAddress"),
    "customer.language": Rule("languageCode", normalise=normalise_language),
    "customer.gender": Rule("gender", normalise=normalise_gender),
    "customer.dateOfBirth": Rule("plainDate"),
    "customer.phoneNumber": Rule("phoneNumber"),
    "customer.ipAddress": Rule("string35"),
    "company.name": Rule("string50"),
    "item.name": Rule("string50", display=True),
    "item.code": Rule("string50"),
    "item.description": Rule("string100", display=True),
    "item.image": Rule("string2048"),
    "invoice.additionalDescription": Rule("string100", display=True),
    "amount.currency": Rule("currency", normalise=normalise_country),
    **{f"integrationInfo.{key}": Rule("string35") for key in _INTEGRATION},
    "paymentOrderKey": Rule("paymentOrderKey", normalise=str.strip),
    "payment.paymentMethod": Rule("string50", normalise=str.strip),
    "payment.issuerId": Rule("iDealIssuerId"),
    "payment.cardHolderName": Rule("string35"),
    "payment.cardNumber": Rule("primaryAccountNumber", secret=True,
                               normalise=lambda v: re.sub(r"[\s-]", "", v)),
    "payment.securityCode": Rule("securityCode", secret=True),
    "payment.iban": Rule("iban", secret=True, normalise=lambda v: re.sub(r"\s", "", v).upper()),
    "payment.bic": Rule("bic", normalise=lambda v: v.strip().upper()),
    "payment.holderName": Rule("string35"),
    "payment.mandateNumber": Rule("string35"),
    "payment.emailAddress": Rule("emailAddress"),
    "payment.returnUrl": Rule("string2048"),
    "payment.tokenKey": Rule("string512", secret=True),
    "recurring.merchantReference": Rule("string50"),
    "recurring.linkId": Rule("uuid-type4"),
    "shopperInfo.shopperIp": Rule("string250"),
    "shopperInfo.browserAccept": Rule("string250"),
    "shopperInfo.browserUserAgent": Rule("string250", display=True, ellipsis=False),
    "proceed.md": Rule("string2048"),
    "proceed.paypalToken": Rule("string35"),
    "capture.merchantCaptureReference": Rule("string35"),
    "capture.itemCode": Rule("string50"),
    "capture.description": Rule("string250", display=True),
    "refund.merchantRefundReference": Rule("string35"),
    "refund.itemCode": Rule("string50"),
    "refund.description": Rule("string250", display=True),
    "refundBankAccount.holderName": Rule("string35"),
    "refundBankAccount.holderCity": Rule("string35"),
    "refundBankAccount.iban": Rule("string35", secret=True,
                                   normalise=lambda v: re.sub(r"\s", "", v).upper()),
    "refundBankAccount.bic": Rule("string35", normalise=lambda v: v.strip().upper()),
    "menu.default_pm": Rule("string50"),
}


def _collapse(value: str, whitespace: str | None) -> str:
    if whitespace == "collapse":
        return _WHITESPACE_RUN.sub(" ", value).strip()
    if whitespace == "replace":
        value = value.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return value.strip()


@overload
def text(rule_key: str, value: Any, *, field: str | None = None,
         required: Literal[True]) -> str: ...


@overload
def text(rule_key: str, value: Any, *, field: str | None = None,
         required: bool = False) -> str | None: ...


def text(rule_key: str, value: Any, *, field: str | None = None,
         required: bool = False) -> str | None:
    """The value of ``rule_key``'s field ready to send, or None when empty and optional.

    Raises DocdataValidationError naming ``field`` (default: ``rule_key``).
    """
    field = field or rule_key
    rule = RULES[rule_key]
    if value is not None and not isinstance(value, str):
        if isinstance(value, bool | float) or not isinstance(value, int | Decimal):
            raise DocdataValidationError(field, f"expected text, got {type(value).__name__}")
        value = str(value)
    if value is None or not value.strip():
        if required:
            raise DocdataValidationError(field, "is required")
        return None
    value = unicodedata.normalize("NFC", value)
    if rule.normalise:
        value = rule.normalise(value)
    spec = schema.facets(rule.xsd_type)
    value = _collapse(value, spec.whitespace)
    if rule.display and spec.max_length is not None:
        value = shorten(value, spec.max_length, ellipsis=rule.ellipsis)
    return check(field, value, spec, secret=rule.secret)


def check(field: str, value: str, spec: schema.Facets, *, secret: bool = False) -> str:
    """Check ``value`` against ``spec``; the error names length and limit, never a secret."""
    shown = "the value" if secret else repr(value)
    length = len(value)
    if spec.max_length is not None and length > spec.max_length:
        raise DocdataValidationError(
            field, f"{length} characters, at most {spec.max_length} allowed",
            length=length, limit=spec.max_length)
    if spec.min_length is not None and length < spec.min_length:
        raise DocdataValidationError(
            field, f"{length} characters, at least {spec.min_length} required",
            length=length, limit=spec.min_length)
    if spec.enumeration and value not in spec.enumeration:
        raise DocdataValidationError(
            field, f"{shown} is not one of {', '.join(spec.enumeration)}", length=length)
    if not spec.matches_patterns(value):
        raise DocdataValidationError(
            field, f"{shown} does not match the pattern {' and '.join(spec.patterns)}",
            length=length)
    return value


def plain_date(value: Any, *, field: str) -> str | None:
    """A date or ``"yyyy-mm-dd"`` as the schema's plainDate, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise DocdataValidationError(field, f"expected a date, got {type(value).__name__}")
    return text("customer.dateOfBirth", value, field=field)


def xsd_date(value: Any, *, field: str) -> str | None:
    """An xs:date (``yyyy-mm-dd``) from a date or ISO text, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise DocdataValidationError(field, f"{value!r} is not a yyyy-mm-dd date") from None
    if not isinstance(value, date):
        raise DocdataValidationError(field, f"expected a date, got {type(value).__name__}")
    return value.isoformat()


def integer(value: Any, *, field: str, minimum: int | None = None,
            maximum: int | None = _INT_MAX) -> int:
    """An integer (ints or digit strings; bool and float refused) within bounds."""
    if isinstance(value, bool | float) or value is None:
        raise DocdataValidationError(field, f"expected an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DocdataValidationError(field, f"{value!r} is not an integer") from None
    if isinstance(value, Decimal) and number != value:
        raise DocdataValidationError(field, f"{value!r} is not an integer")
    if minimum is not None and number < minimum:
        raise DocdataValidationError(field, f"{number} is less than {minimum}")
    if maximum is not None and number > maximum:
        raise DocdataValidationError(field, f"{number} is more than {maximum}")
    return number


def payment_id(value: Any, *, field: str = "paymentId") -> int:
    """A payment id: a positive integer (sent as xs:positiveInteger)."""
    return integer(value, field=field, minimum=1, maximum=None)


def vat_rate(value: Any, *, field: str) -> str:
    """A VAT rate percentage as xs:decimal text (``21``, ``7.7``), at least 0."""
    if isinstance(value, bool | float) or value is None:
        raise DocdataValidationError(field, f"VAT rates must be Decimal, not {value!r}")
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise DocdataValidationError(field, f"{value!r} is not a VAT rate") from None
    minimum = schema.facets("vatRate").min_inclusive
    if not rate.is_finite() or (minimum is not None and rate < minimum):
        raise DocdataValidationError(field, f"{value} is below {minimum}")
    return format(rate.normalize(), "f")
