"""Reading Docdata's replies with lxml into the typed results of :mod:`.results`.

Replies are parsed leniently on purpose: newer minor versions add elements in the
schema's ``any`` extension points (which a strict schema check rejects), add values
to open enumerations, and some live replies omit elements the schema calls required
(``apiInformation``, ``totalReversed``). Only the elements this module reads matter;
everything else is ignored. Elements are looked up in the types namespace; extension
elements (such as iDEAL ``issuers``) are accepted with or without it.
"""

from __future__ import annotations

import requests
from lxml import etree

from oscar_docdata.exceptions import REQUEST_ERRORS, DocdataGatewayError

from . import results, schema
from .elements import Unusable, find, find_lenient, qualified, required, text_of, to_int
from .redaction import redact_text

_SOAP_BODY = f"{{{schema.SOAP_ENV_NS}}}Body"
_SOAP_FAULT = f"{{{schema.SOAP_ENV_NS}}}Fault"


class Reply:
    """The ``<op>Success`` element of a reply and the reply's ``ddpXsdVersion``."""

    def __init__(self, operation: str, success: etree._Element, ddp_xsd_version: str | None):
        self.operation = operation
        self.success = success
        self.ddp_xsd_version = ddp_xsd_version

    @property
    def message(self) -> str:
        return text_of(self.success, "success") or ""


def _fault_text(fault: etree._Element) -> str:
    code = (fault.findtext("faultcode") or "").strip()
    text = (fault.findtext("faultstring") or "").strip()
    return f"SOAP fault {code}: {text}".strip().rstrip(":")


def _describe_status(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type", "no content type")
    return f"HTTP {response.status_code} {response.reason or ''}".strip() + f" ({content_type})"


def read_reply(operation: str, response: requests.Response,
               secrets: tuple[str, ...] = ()) -> Reply:
    """The success part of ``response`` to ``operation``.

    Raises the operation's DocdataRequestError for an ``…Errors`` reply and
    DocdataGatewayError for anything else that is not a success: HTTP errors, SOAP
    faults, an empty body, unparsable XML, or an unexpected document.
    """
    names = schema.OPERATIONS[operation]
    body = response.content or b""
    if not body.strip():
        raise DocdataGatewayError(operation, f"empty reply ({_describe_status(response)})")
    try:
        root = etree.fromstring(body, schema.hardened_parser())
    except etree.XMLSyntaxError as error:
        if response.status_code != 200:
            raise DocdataGatewayError(operation, _describe_status(response)) from None
        reason = redact_text(str(error), secrets)
        raise DocdataGatewayError(operation, f"unparsable XML reply: {reason}") from None
    soap_body = root.find(_SOAP_BODY)
    fault = soap_body.find(_SOAP_FAULT) if soap_body is not None else None
    if fault is not None:
        reason = redact_text(_fault_text(fault), secrets)
        raise DocdataGatewayError(operation, f"{reason} ({_describe_status(response)})")
    if response.status_code != 200:
        raise DocdataGatewayError(operation, _describe_status(response))
    if soap_body is None:
        raise DocdataGatewayError(operation, "the reply is not a SOAP envelope")
    element = soap_body.find(qualified(names.response))
    if element is None:
        found = [etree.QName(child).localname for child in soap_body
                 if isinstance(child.tag, str)]
        raise DocdataGatewayError(
            operation, f"expected {names.response}, got {', '.join(found) or 'an empty body'}")
    errors = find(element, names.errors)
    if errors is not None:
        pairs = [
            ((error.get("code") or "UNKNOWN_ERROR").strip(),
             redact_text((error.text or "").strip(), secrets))
            for error in errors.iterfind(qualified("error"))
        ]
        raise REQUEST_ERRORS[operation](pairs, operation)
    success = find(element, names.success)
    if success is None:
        raise DocdataGatewayError(
            operation, f"{names.response} holds neither {names.success} nor {names.errors}")
    return Reply(operation, success, element.get("ddpXsdVersion"))


def parse(operation: str, reader, reply: Reply):
    """Run ``reader(reply)``; a reply lacking what it needs becomes DocdataGatewayError."""
    try:
        return reader(reply)
    except Unusable as error:
        raise DocdataGatewayError(operation, f"unusable reply: {error}") from None


# --- payment responses (create, start, proceed) -------------------------------------


def _payment_response(element: etree._Element | None) -> results.PaymentResponse | None:
    if element is None:
        return None
    success = find(element, "paymentSuccess")
    if success is not None:
        return results.PaymentResponse(
            status=required(success, "status"),
            payment_id=to_int(required(success, "id"), "paymentSuccess/id"))
    if find(element, "paymentInsufficientData") is not None:
        return results.PaymentResponse(insufficient_data=True)
    error = find(element, "paymentError")
    if error is not None:
        detail = find(error, "error")
        code = (detail.get("code") or "UNKNOWN_ERROR") if detail is not None else "UNKNOWN_ERROR"
        text = (detail.text or "").strip() if detail is not None else ""
        payment_id = text_of(error, "id")
        return results.PaymentResponse(
            status=text_of(error, "status"),
            payment_id=to_int(payment_id, "paymentError/id") if payment_id else None,
            error=(code, text))
    raise Unusable("paymentResponse holds no known outcome")


def create_result(order_id: str):
    def reader(reply: Reply) -> results.CreateResult:
        return results.CreateResult(
            order_id=order_id,
            order_key=required(reply.success, "key"),
            payment_response=_payment_response(find(reply.success, "paymentResponse")))
    return reader


def _redirect(element: etree._Element | None) -> results.Redirect | None:
    if element is None:
        return None
    parameters = {}
    container = find(element, "parameters")
    if container is not None:
        for parameter in container.iterfind(qualified("parameter")):
            parameters[parameter.get("name", "")] = (parameter.text or "").strip()
    return results.Redirect(method=(text_of(element, "method") or "GET").upper(),
                            url=required(element, "url"), parameters=parameters)


def _required_payment_response(reply: Reply) -> results.PaymentResponse:
    response = _payment_response(find(reply.success, "paymentResponse"))
    if response is None:
        raise Unusable(f"{reply.operation}Success lacks paymentResponse")
    return response


def start_result(reply: Reply) -> results.StartResult:
    return results.StartResult(payment_response=_required_payment_response(reply),
                               redirect=_redirect(find(reply.success, "redirect")))


def proceed_result(reply: Reply) -> results.ProceedResult:
    return results.ProceedResult(payment_response=_required_payment_response(reply))


def cancel_result(reply: Reply) -> results.CancelResult:
    return results.CancelResult(result=required(reply.success, "result"),
                                message=reply.message)


def capture_result(reply: Reply) -> results.CaptureResult:
    return results.CaptureResult(message=reply.message)


def refund_result(reply: Reply) -> results.RefundResult:
    return results.RefundResult(message=reply.message)


# --- payment methods -----------------------------------------------------------------


def payment_methods(reply: Reply) -> list[results.PaymentMethod]:
    methods = []
    for element in reply.success.iterfind(qualified("paymentMethod")):
        issuers = []
        container = find_lenient(element, "issuers")
        if container is not None:
            for issuer in [*container.iterfind(qualified("issuer")), *container.iterfind("issuer")]:
                issuers.append(results.IdealIssuer(id=(issuer.get("id") or "").strip(),
                                                   name=(issuer.text or "").strip()))
        mandates = tuple(
            results.Mandate(id=required(mandate, "id"),
                            scheme=text_of(mandate, "scheme") or "",
                            type=text_of(mandate, "type") or "",
                            state=text_of(mandate, "state") or "")
            for mandate in element.iterfind(qualified("mandate")))
        methods.append(results.PaymentMethod(name=required(element, "name"),
                                             issuers=tuple(issuers), mandates=mandates))
    return methods
