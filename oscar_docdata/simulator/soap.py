"""SOAP 1.1 on the wire: parse requests safely, build replies and faults.

Replies are built with lxml in the types namespace (prefix ``ddp``), one envelope per
reply; the HTTP handling that ties this together is :func:`handle`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from lxml import etree
from lxml.builder import ElementMaker

from oscar_docdata.gateway.schema import SOAP_ENV_NS, TYPES_NS

from . import accounts, description, faults
from .conf import sim_settings
from .models import Merchant

logger = logging.getLogger("oscar_docdata.simulator")

E = ElementMaker(namespace=TYPES_NS, nsmap={"ddp": TYPES_NS})
NS = {"d": TYPES_NS}
FAULT_TEXT = "Fault occurred while processing."
CONTENT_TYPE = "text/xml; charset=UTF-8"

#: Request element → operation.
OPERATIONS = {
    "createRequest": "create",
    "startRequest": "start",
    "proceedRequest": "proceed",
    "cancelRequest": "cancel",
    "captureRequest": "capture",
    "refundRequest": "refund",
    "statusRequest": "status",
    "extendedStatusRequest": "statusExtended",
    "listPaymentMethodsRequest": "listPaymentMethods",
}

#: Operation → (response element, success element, errors element).
REPLIES = {
    operation: (f"{operation}Response", f"{operation}Success", f"{operation}Errors")
    for operation in OPERATIONS.values()
}
REPLIES["statusExtended"] = ("extendedStatusResponse", "statusSuccess", "statusErrors")

# No entities, no DTDs, no network, no huge trees: a request is untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)


class MalformedRequest(Exception):
    """The request is not a SOAP envelope with one known request element."""


class RequestErrors(Exception):
    """Answer with an ``…Errors`` reply holding ``(code, text)`` pairs."""

    def __init__(self, code: str, text: str):
        super().__init__(f"{code}: {text}")
        self.errors = [(code, text)]


def incorrect(text: str) -> RequestErrors:
    return RequestErrors("REQUEST_DATA_INCORRECT", text)


@dataclass
class Call:
    """One SOAP call being answered."""

    operation: str
    element: etree._Element
    merchant: Merchant
    request: HttpRequest
    extensible: bool

    def text(self, path: str, element: etree._Element | None = None) -> str | None:
        """Text of ``a/b`` (names in the types namespace) below the request or ``element``."""
        value = (self.element if element is None else element).findtext(xpath(path),
                                                                        namespaces=NS)
        return value.strip() if value is not None else None

    def find(self, path: str, element: etree._Element | None = None) -> etree._Element | None:
        return (self.element if element is None else element).find(xpath(path), namespaces=NS)

    def required_text(self, path: str, element: etree._Element | None = None) -> str:
        """:meth:`text` of an element the XSD requires (requests are validated first)."""
        value = self.text(path, element)
        if value is None:
            raise RequestErrors("REQUEST_DATA_MISSING", f"{path} is missing.")
        return value

    def required(self, path: str, element: etree._Element | None = None) -> etree._Element:
        """:meth:`find` of an element the XSD requires (requests are validated first)."""
        found = self.find(path, element)
        if found is None:
            raise RequestErrors("REQUEST_DATA_MISSING", f"{path} is missing.")
        return found

    @property
    def origin(self) -> str:
        return f"{self.request.scheme}://{self.request.get_host()}"


def xpath(path: str) -> str:
    return "/".join(f"d:{step}" for step in path.split("/"))


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname


def child_elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


# --- parsing ----------------------------------------------------------------------------


def parse(body: bytes) -> tuple[str, etree._Element]:
    """``(operation, request element)`` of a SOAP request, or MalformedRequest."""
    if not body or not body.strip():
        raise MalformedRequest("empty request")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise MalformedRequest(f"not XML: {error}") from None
    # lxml-stubs leave DocInfo.doctype out; lxml has it.
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise MalformedRequest("document type declarations are not accepted")
    if root.tag != f"{{{SOAP_ENV_NS}}}Envelope":
        raise MalformedRequest("not a SOAP 1.1 envelope")
    body_element = root.find(f"{{{SOAP_ENV_NS}}}Body")
    if body_element is None:
        raise MalformedRequest("no SOAP body")
    children = child_elements(body_element)
    if len(children) != 1:
        raise MalformedRequest("the SOAP body must hold exactly one element")
    element = children[0]
    qname = etree.QName(element)
    if qname.namespace != TYPES_NS or qname.localname not in OPERATIONS:
        raise MalformedRequest(f"unknown request element {element.tag}")
    return OPERATIONS[qname.localname], element


def operation_hint(request: HttpRequest) -> str | None:
    """The operation named by the SOAPAction header, or by the body's element."""
    action = request.headers.get("SOAPAction", "").strip().strip('"')
    if action in REPLIES:
        return action
    try:
        return parse(request.body)[0]
    except MalformedRequest:
        return None


# --- replies ----------------------------------------------------------------------------


def success(text: str = "Operation successful.") -> etree._Element:
    return E.success(text, code="SUCCESS")


def extension() -> etree._Element:
    """An element this client cannot know (testExtensibility)."""
    element = etree.Element("simulatorExtension", version="1.3.99")
    element.text = "Added because the request said testExtensibility=true."
    return element


def envelope(payload: etree._Element) -> bytes:
    root = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV_NS})
    etree.SubElement(root, f"{{{SOAP_ENV_NS}}}Body").append(payload)
    etree.cleanup_namespaces(root, top_nsmap={"ddp": TYPES_NS})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def reply_element(operation: str, content: etree._Element) -> etree._Element:
    response = REPLIES[operation][0]
    return E(response, content, ddpXsdVersion=sim_settings.DOCDATA_SIMULATOR_XSD_VERSION)


def errors_element(operation: str, errors: Iterable[tuple[str, str]],
                   extensible: bool = False) -> etree._Element:
    element = E(REPLIES[operation][2], *(E.error(text, code=code) for code, text in errors))
    if extensible:
        element.append(extension())
    return element


def fault(text: str = FAULT_TEXT, code: str = "soap:Server") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV_NS}"><soap:Body><soap:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{text}</faultstring>"
        "</soap:Fault></soap:Body></soap:Envelope>"
    ).encode()


def _xml_response(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def _checked(payload: etree._Element) -> etree._Element:
    """With DOCDATA_SIMULATOR_CHECK_REPLIES, refuse to send a reply the XSD rejects."""
    if sim_settings.DOCDATA_SIMULATOR_CHECK_REPLIES:
        error = description.validation_error(payload)
        if error:
            raise AssertionError(f"simulator reply does not match the XSD: {error}")
    return payload


# --- faults -----------------------------------------------------------------------------

HTML_500 = (
    "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
    "<body><h1>Internal Server Error</h1><p>The server encountered an internal error."
    "</p></body></html>"
)


def injected(operation: str) -> HttpResponse | None:
    """The answer of an injected fault, None to go on (after any latency)."""
    active = faults.take(operation)
    if active is None:
        return None
    logger.info("Simulator: injected fault %s on %s", active.mode, operation)
    if active.mode == "latency":
        time.sleep(active.seconds)
        return None
    if active.mode == "http_500":
        return HttpResponse(HTML_500, status=500, content_type="text/html; charset=utf-8")
    if active.mode == "soap_fault":
        return _xml_response(fault(), status=500)
    if active.mode == "malformed_xml":
        body = envelope(reply_element(operation, E(REPLIES[operation][1], success())))
        return _xml_response(body[: len(body) // 2])
    if active.mode == "no_answer":
        time.sleep(active.seconds)
        return _xml_response(fault(), status=500)
    errors = [(active.code, "Simulated error.")]
    return _xml_response(envelope(reply_element(operation, errors_element(operation, errors))))


# --- the endpoint -----------------------------------------------------------------------

Handler = Callable[[Call], etree._Element]


def handle(request: HttpRequest, handlers: dict[str, Handler]) -> HttpResponse:
    """Answer one SOAP POST: fault injection, parsing, schema, credentials, operation."""
    hint = operation_hint(request)
    if hint is not None:
        answer = injected(hint)
        if answer is not None:
            return answer
    try:
        operation, element = parse(request.body)
    except MalformedRequest as error:
        logger.info("Simulator: unparsable request (%s)", error)
        return _xml_response(fault(code="soap:Client"), status=500)
    extensible = element.get("testExtensibility", "false").strip() in ("true", "1")
    try:
        content = _answer(operation, element, request, handlers, extensible)
        payload = _checked(reply_element(operation, content))
    except Exception:
        logger.exception("Simulator: %s crashed", operation)
        return _xml_response(fault(), status=500)
    return _xml_response(envelope(payload))


def _answer(operation: str, element: etree._Element, request: HttpRequest,
            handlers: dict[str, Handler], extensible: bool) -> etree._Element:
    problem = description.validation_error(element)
    if problem:
        return errors_element(operation, [(
            "REQUEST_DATA_INCORRECT", f"XML request does not match XSD. The data is: {problem}"
        )], extensible)
    merchant_element = element.find("d:merchant", namespaces=NS)
    merchant = None
    if merchant_element is not None:  # the XSD requires it
        merchant = accounts.authenticate(merchant_element.get("name", ""),
                                         merchant_element.get("password", ""))
    if merchant is None:
        return errors_element(operation, [(
            "SECURITY_ERROR", "Merchant name or password is incorrect."
        )], extensible)
    call = Call(operation, element, merchant, request, extensible)
    try:
        with transaction.atomic():
            content = handlers[operation](call)
    except RequestErrors as error:
        return errors_element(operation, error.errors, extensible)
    if extensible:
        content.append(extension())
    return content
