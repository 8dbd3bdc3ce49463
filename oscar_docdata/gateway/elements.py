"""Looking up elements of Docdata's replies (lxml), shared by the reply readers.

Elements are looked up in the types namespace; :func:`find_lenient` also accepts an
extension element without it (such as iDEAL ``issuers``).
"""

from __future__ import annotations

from lxml import etree

from . import schema


def qualified(local: str) -> str:
    """``{types namespace}local``."""
    return schema.qname(local)


def find(parent: etree._Element, local: str) -> etree._Element | None:
    return parent.find(qualified(local))


def find_lenient(parent: etree._Element, local: str) -> etree._Element | None:
    found = parent.find(qualified(local))
    return found if found is not None else parent.find(local)


def text_of(parent: etree._Element, local: str) -> str | None:
    element = find(parent, local)
    if element is None or element.text is None:
        return None
    return element.text.strip()


class Unusable(Exception):
    """A reply that parsed as XML but lacks what the operation needs."""


def required(parent: etree._Element, local: str) -> str:
    value = text_of(parent, local)
    if value is None:
        raise Unusable(f"the reply lacks {etree.QName(parent).localname}/{local}")
    return value


def to_int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Unusable(f"{what} is not an integer") from None


def to_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("true", "1")
