"""The bundled service description: where it is, its names, and its simple-type facets.

The XSD is the one contract shared by the client (validation before sending), the
simulator and the tests. Facets (lengths, patterns, enumerations, bounds) are read from
it once per process instead of being repeated as numbers in Python code, so that a
length can never disagree between what we check and what we declare.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml import etree  # on first use: see the note at the imports

# lxml is imported inside the functions that parse: this module's names are read at
# start-up (through the menu URL helpers the interface imports), the XSD only when a
# value is first checked or a call made; lxml.etree costs some 6 MiB and 10-30 ms.

WSDL_DIR = Path(__file__).resolve().parent.parent / "wsdl"
WSDL_PATH = WSDL_DIR / "paymentservice-1_3.wsdl"
XSD_PATH = WSDL_DIR / "paymentservice-1_3.xsd"

#: Namespace of the request and reply elements.
TYPES_NS = "http://www.docdatapayments.com/services/paymentservice/1_3/"
#: Target namespace of the WSDL (binding and service names live here).
WSDL_NS = "http://www.docdatapayments.com/services/paymentservice/1_3/paymentservice.wsdl"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XS_NS = "http://www.w3.org/2001/XMLSchema"

API_VERSION = "1.3"
BINDING_QNAME = f"{{{WSDL_NS}}}PaymentServiceBinding"
ENDPOINT_PATH = "/services/paymentservice/1_3"


@dataclass(frozen=True)
class OperationNames:
    """Element names of one SOAP operation (the SOAPAction is ``operation``)."""

    operation: str
    request: str
    response: str
    success: str
    errors: str


def _names(operation: str, request: str | None = None, response: str | None = None,
           reply_prefix: str | None = None) -> OperationNames:
    prefix = reply_prefix or operation
    return OperationNames(operation, request or f"{operation}Request",
                          response or f"{operation}Response",
                          f"{prefix}Success", f"{prefix}Errors")


#: The nine operations; statusExtended has its own element names but status's replies.
OPERATIONS: dict[str, OperationNames] = {
    names.operation: names
    for names in (
        _names("create"),
        _names("start"),
        _names("proceed"),
        _names("cancel"),
        _names("capture"),
        _names("refund"),
        _names("status"),
        _names("statusExtended", "extendedStatusRequest", "extendedStatusResponse", "status"),
        _names("listPaymentMethods"),
    )
}


def qname(local: str) -> str:
    """Clark notation of an element in the types namespace."""
    return f"{{{TYPES_NS}}}{local}"


# --- the XSD ---------------------------------------------------------------------

_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


def hardened_parser() -> etree.XMLParser:
    """An XML parser that resolves no entities and never touches the network."""
    from lxml import etree  # on first use: see the note at the imports

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False)


def xml_schema() -> etree.XMLSchema:
    """The bundled XSD compiled by lxml (once per process)."""
    from lxml import etree  # on first use: see the note at the imports

    global _schema
    with _schema_lock:
        if _schema is None:
            document = etree.parse(str(XSD_PATH), hardened_parser())
            _schema = etree.XMLSchema(document)
        return _schema


@dataclass(frozen=True)
class Facets:
    """The restrictions of one XSD simple type, its base types' included."""

    name: str
    base: str
    min_length: int | None = None
    max_length: int | None = None
    patterns: tuple[str, ...] = ()
    enumeration: tuple[str, ...] = ()
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None
    whitespace: str | None = None  # preserve | replace | collapse
    _compiled: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)

    def matches_patterns(self, value: str) -> bool:
        """XSD patterns are anchored; every pattern of the derivation chain must match."""
        return all(pattern.fullmatch(value) for pattern in self._compiled)


_BUILTIN_WHITESPACE = {
    "normalizedString": "replace",
    "token": "collapse",
    "NMTOKEN": "collapse",
    "language": "collapse",
    "decimal": "collapse",
    "int": "collapse",
    "positiveInteger": "collapse",
}


#: Lexical constraints of built-in base types, as patterns (NMTOKEN: name characters).
_BUILTIN_PATTERNS = {"NMTOKEN": r"[\w.:\-]+"}


#: Facets that set one field of :class:`Facets`: XSD name → (field, conversion).
_FACET_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "minLength": ("min_length", int),
    "maxLength": ("max_length", int),
    "minInclusive": ("min_inclusive", Decimal),
    "maxInclusive": ("max_inclusive", Decimal),
    "whiteSpace": ("whitespace", str),
}


def _local(qualified: str) -> str:
    return qualified.split(":", 1)[-1]


@cache
def _simple_type_elements() -> dict[str, etree._Element]:
    from lxml import etree  # on first use: see the note at the imports

    document = etree.parse(str(XSD_PATH), hardened_parser())
    return {
        element.get("name", ""): element
        for element in document.getroot().iterfind(f"{{{XS_NS}}}simpleType")
    }


@cache
def facets(type_name: str) -> Facets:
    """Facets of the named simple type of the bundled XSD (KeyError if it has none)."""
    element = _simple_type_elements()[type_name]
    restriction = element.find(f"{{{XS_NS}}}restriction")
    if restriction is None:
        raise KeyError(f"simple type {type_name} is not a restriction")
    base_name = _local(restriction.get("base", ""))
    if base_name in _simple_type_elements():
        inherited = replace(facets(base_name), name=type_name)
    else:
        builtin = _BUILTIN_PATTERNS.get(base_name)
        inherited = Facets(name=type_name, base=base_name,
                           patterns=(builtin,) if builtin else (),
                           whitespace=_BUILTIN_WHITESPACE.get(base_name))
    from lxml import etree  # on first use: see the note at the imports

    changes: dict[str, Any] = {}
    patterns = list(inherited.patterns)
    enumeration = []
    for facet in restriction:
        if not isinstance(facet.tag, str):
            continue
        kind, value = etree.QName(facet).localname, facet.get("value", "")
        if kind == "length":
            changes["min_length"] = changes["max_length"] = int(value)
        elif kind in _FACET_FIELDS:
            name, convert = _FACET_FIELDS[kind]
            changes[name] = convert(value)
        elif kind == "pattern":
            patterns.append(value)
        elif kind == "enumeration":
            enumeration.append(value)
    if enumeration:
        changes["enumeration"] = tuple(enumeration)
    return replace(inherited, patterns=tuple(patterns),
                   _compiled=tuple(re.compile(p) for p in patterns), **changes)
