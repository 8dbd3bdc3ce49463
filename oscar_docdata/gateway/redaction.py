"""Redaction of secrets from SOAP envelopes and free text before anything is logged.

Used for both directions (requests and replies) and for texts the service sends back
(error messages, fault strings), which may echo what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from .schema import hardened_parser

MASK = "***"

#: Elements whose text is a secret wherever they appear (requests and replies).
SECRET_ELEMENTS = frozenset({
    "cardNumber", "securityCode", "encryptedData", "iban", "accountNumber",
    "bankAccountNumber", "PARes", "MD",
})
#: Attributes that are secrets (merchant password, sub-merchant token, card token key).
SECRET_ATTRIBUTES = {"merchant": {"password"}, "subjectMerchant": {"token"}, "token": {"key"}}

_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
_IBAN_LIKE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _iban_valid(candidate: str) -> bool:
    rearranged = candidate[4:] + candidate[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return MASK if _luhn_valid(digits) else match.group()


def _mask_iban(match: re.Match[str]) -> str:
    candidate = match.group().replace(" ", "")
    return MASK if _iban_valid(candidate) else match.group()


#: Keys of a request payload whose values are secrets (see ``secrets_in``).
SECRET_KEYS = SECRET_ELEMENTS | {"password", "token", "key"}


def secrets_in(payload: Any) -> tuple[str, ...]:
    """Every secret value of a request payload, to be masked wherever it is echoed."""
    found: list[str] = []

    def walk(value: Any, secret: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, secret or key in SECRET_KEYS)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, secret)
        elif secret and isinstance(value, str) and value:
            found.append(value)

    walk(payload, False)
    # Longest first, so that a secret containing another one is masked whole.
    return tuple(sorted(set(found), key=len, reverse=True))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask card numbers (Luhn-valid), IBANs (checksum-valid) and the given secrets."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    text = _DIGIT_RUN.sub(_mask_card, text)
    return _IBAN_LIKE.sub(_mask_iban, text)


def redact_tree(root: etree._Element) -> etree._Element:
    """Mask secret elements and attributes of a parsed envelope, in place."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in SECRET_ELEMENTS and (element.text or len(element)):
            for child in list(element):
                element.remove(child)
            element.text = MASK
        for attribute in SECRET_ATTRIBUTES.get(local, ()):
            if element.get(attribute) is not None:
                element.set(attribute, MASK)
    return root


def redact_xml(content: bytes | str, secrets: Iterable[str] = ()) -> str:
    """A printable, redacted copy of an XML document (or of any text that isn't XML)."""
    secrets = tuple(secrets)
    raw = content.encode("utf-8") if isinstance(content, str) else content
    try:
        root = etree.fromstring(raw, hardened_parser())
    except etree.XMLSyntaxError:
        text = raw.decode("utf-8", errors="replace")
        return redact_text(text, secrets)
    redact_tree(root)
    return redact_text(etree.tostring(root, encoding="unicode"), secrets)
