"""Reading Docdata's replies with lxml into the typed results of :mod:`.results`.

Replies are parsed leniently on purpose: newer minor versions add elements in the
schema's ``any`` extension points (which a strict schema check rejects), add values
to open enumerations, and some live replies omit elements the schema calls required
(``apiInformation``, ``totalReversed``). Only the elements this module reads matter;
everything else is ignored. Elements are looked up in the types namespace; extension
elements (such as iDEAL ``issuers``) are accepted with or without it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, TypeVar

import requests
from lxml import etree

from oscar_docdata.exceptions import REQUEST_ERRORS, DocdataGatewayError

from . import results, schema
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
        return _text(self.success, "success") or ""


def _q(local: str) -> str:
    return schema.qname(local)


def _find(parent: etree._Element, local: str) -> etree._Element | None:
    return parent.find(_q(local))


def _find_lenient(parent: etree._Element, local: str) -> etree._Element | None:
    found = parent.find(_q(local))
    return found if found is not None else parent.find(local)


def _text(parent: etree._Element, local: str) -> str | None:
    element = _find(parent, local)
    if element is None or element.text is None:
        return None
    return element.text.strip()


class _Unusable(Exception):
    """A reply that parsed as XML but lacks what the operation needs."""


def _required(parent: etree._Element, local: str) -> str:
    value = _text(parent, local)
    if value is None:
        raise _Unusable(f"the reply lacks {etree.QName(parent).localname}/{local}")
    return value


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _Unusable(f"{what} is not an integer") from None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("true", "1")


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
    element = soap_body.find(_q(names.response))
    if element is None:
        found = [etree.QName(child).localname for child in soap_body
                 if isinstance(child.tag, str)]
        raise DocdataGatewayError(
            operation, f"expected {names.response}, got {', '.join(found) or 'an empty body'}")
    errors = _find(element, names.errors)
    if errors is not None:
        pairs = [
            ((error.get("code") or "UNKNOWN_ERROR").strip(),
             redact_text((error.text or "").strip(), secrets))
            for error in errors.iterfind(_q("error"))
        ]
        raise REQUEST_ERRORS[operation](pairs, operation)
    success = _find(element, names.success)
    if success is None:
        raise DocdataGatewayError(
            operation, f"{names.response} holds neither {names.success} nor {names.errors}")
    return Reply(operation, success, element.get("ddpXsdVersion"))


def parse(operation: str, reader, reply: Reply):
    """Run ``reader(reply)``; a reply lacking what it needs becomes DocdataGatewayError."""
    try:
        return reader(reply)
    except _Unusable as error:
        raise DocdataGatewayError(operation, f"unusable reply: {error}") from None


# --- payment responses (create, start, proceed) -------------------------------------


def _payment_response(element: etree._Element | None) -> results.PaymentResponse | None:
    if element is None:
        return None
    success = _find(element, "paymentSuccess")
    if success is not None:
        return results.PaymentResponse(
            status=_required(success, "status"),
            payment_id=_int(_required(success, "id"), "paymentSuccess/id"))
    if _find(element, "paymentInsufficientData") is not None:
        return results.PaymentResponse(insufficient_data=True)
    error = _find(element, "paymentError")
    if error is not None:
        detail = _find(error, "error")
        code = (detail.get("code") or "UNKNOWN_ERROR") if detail is not None else "UNKNOWN_ERROR"
        text = (detail.text or "").strip() if detail is not None else ""
        payment_id = _text(error, "id")
        return results.PaymentResponse(
            status=_text(error, "status"),
            payment_id=_int(payment_id, "paymentError/id") if payment_id else None,
            error=(code, text))
    raise _Unusable("paymentResponse holds no known outcome")


def create_result(order_id: str):
    def reader(reply: Reply) -> results.CreateResult:
        return results.CreateResult(
            order_id=order_id,
            order_key=_required(reply.success, "key"),
            payment_response=_payment_response(_find(reply.success, "paymentResponse")))
    return reader


def _redirect(element: etree._Element | None) -> results.Redirect | None:
    if element is None:
        return None
    parameters = {}
    container = _find(element, "parameters")
    if container is not None:
        for parameter in container.iterfind(_q("parameter")):
            parameters[parameter.get("name", "")] = (parameter.text or "").strip()
    return results.Redirect(method=(_text(element, "method") or "GET").upper(),
                            url=_required(element, "url"), parameters=parameters)


def _required_payment_response(reply: Reply) -> results.PaymentResponse:
    response = _payment_response(_find(reply.success, "paymentResponse"))
    if response is None:
        raise _Unusable(f"{reply.operation}Success lacks paymentResponse")
    return response


def start_result(reply: Reply) -> results.StartResult:
    return results.StartResult(payment_response=_required_payment_response(reply),
                               redirect=_redirect(_find(reply.success, "redirect")))


def proceed_result(reply: Reply) -> results.ProceedResult:
    return results.ProceedResult(payment_response=_required_payment_response(reply))


def cancel_result(reply: Reply) -> results.CancelResult:
    return results.CancelResult(result=_required(reply.success, "result"),
                                message=reply.message)


def capture_result(reply: Reply) -> results.CaptureResult:
    return results.CaptureResult(message=reply.message)


def refund_result(reply: Reply) -> results.RefundResult:
    return results.RefundResult(message=reply.message)


# --- status report -------------------------------------------------------------------

# What a status report may hold: the schema's types, and what the plugin's tables
# store. A value beyond them makes the report unusable (DocdataGatewayError, so the
# notification answers 503 and nothing is written) instead of failing in the database.
_INT_RANGE = (-(2**31), 2**31 - 1)  # xs:int: every total and amount
_PAYMENT_ID_RANGE = (1, 2**63 - 1)  # xs:positiveInteger, stored in a bigint
_CURRENCY = re.compile(r"[A-Z]{3}")
_MAX_LENGTHS = {"paymentMethod": 50, "confidenceLevel": 35, "status": 100}


def _bounded(value: int, what: str, bounds: tuple[int, int] = _INT_RANGE) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise _Unusable(f"{what} is out of range")
    return value


_Text = TypeVar("_Text", bound=str | None)


def _short(value: _Text, what: str) -> _Text:
    if value is not None and len(value) > _MAX_LENGTHS[what]:
        raise _Unusable(f"{what} is longer than {_MAX_LENGTHS[what]} characters")
    return value


_TOTALS = (
    ("registered", "totalRegistered"),
    ("shopper_pending", "totalShopperPending"),
    ("acquirer_pending", "totalAcquirerPending"),
    ("acquirer_approved", "totalAcquirerApproved"),
    ("captured", "totalCaptured"),
    ("refunded", "totalRefunded"),
    ("charged_back", "totalChargedback"),
)


def _amount(parent: etree._Element, local: str) -> tuple[int, str]:
    element = _find(parent, local)
    if element is None or element.text is None:
        raise _Unusable(f"the reply lacks {etree.QName(parent).localname}/{local}")
    currency = (element.get("currency") or "").strip()
    if currency and not _CURRENCY.fullmatch(currency):
        raise _Unusable(f"{local} has an invalid currency")
    return _bounded(_int(element.text.strip(), local), local), currency


def _amount_lines(authorization: etree._Element, local: str,
                  reference: str) -> tuple[results.AmountLine, ...]:
    lines = []
    for element in authorization.iterfind(_q(local)):
        amount, currency = _amount(element, "amount")
        lines.append(results.AmountLine(
            status=_required(element, "status"), amount=amount, currency=currency,
            reason=_text(element, "reason"), reference=_text(element, reference)))
    return tuple(lines)


def _authorization(element: etree._Element) -> results.Authorization:
    amount, currency = _amount(element, "amount")
    reversal = None
    reversal_element = _find(element, "reversal")
    if reversal_element is not None:
        reversed_amount, reversed_currency = _amount(reversal_element, "amount")
        reversal = results.Reversal(amount=reversed_amount, currency=reversed_currency,
                                    reason=_text(reversal_element, "reason") or "")
    return results.Authorization(
        status=_short(_required(element, "status"), "status"),
        amount=amount,
        currency=currency,
        confidence_level=_short(_text(element, "confidenceLevel"), "confidenceLevel") or "",
        reason=_text(element, "reason"),
        captures=_amount_lines(element, "capture", "merchantCaptureId"),
        refunds=_amount_lines(element, "refund", "merchantRefundId"),
        chargebacks=_amount_lines(element, "chargeback", "chargebackId"),
        reversal=reversal,
    )


def _plain(element: etree._Element) -> Any:
    """An element as a plain value: text, a dict of its children/attributes, or a list."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        if element.attrib:
            attributes: dict[str, Any] = {str(key): value for key, value in element.attrib.items()}
            if element.text and element.text.strip():
                attributes["value"] = element.text.strip()
            return attributes
        return (element.text or "").strip()
    values: dict[str, Any] = {}
    for child in children:
        name = etree.QName(child).localname
        value = _plain(child)
        if name in values:
            if not isinstance(values[name], list):
                values[name] = [values[name]]
            values[name].append(value)
        else:
            values[name] = value
    return values


def _extended(element: etree._Element | None) -> results.ExtendedInfo | None:
    if element is None:
        return None
    risk_score: int | None = None
    risk_checks: tuple[tuple[str, int], ...] = ()
    risk = _find(element, "riskChecks")
    if risk is not None:
        score = risk.get("score")
        risk_score = _int(score, "riskChecks/@score") if score else None
        risk_checks = tuple(
            ((check.text or "").strip(), _int(check.get("score") or "0", "check/@score"))
            for check in risk.iterfind(_q("check")))
    method_info: str | None = None
    details: dict[str, Any] = {}
    for child in element:
        if not isinstance(child.tag, str) or child is risk:
            continue
        if etree.QName(child).namespace == schema.TYPES_NS:
            method_info = etree.QName(child).localname
            plain = _plain(child)
            details = plain if isinstance(plain, dict) else {"value": plain}
            break
    return results.ExtendedInfo(risk_score=risk_score, risk_checks=risk_checks,
                                method_info=method_info, details=details)


def _payment_line(element: etree._Element) -> results.PaymentLine:
    authorization = _find(element, "authorization")
    if authorization is None:
        raise _Unusable("a payment lacks its authorization")
    return results.PaymentLine(
        payment_id=_bounded(_int(_required(element, "id"), "payment/id"), "payment/id",
                            _PAYMENT_ID_RANGE),
        payment_method=_short(_required(element, "paymentMethod"), "paymentMethod"),
        authorization=_authorization(authorization),
        extended=_extended(_find(element, "extended")),
    )


def _considered_safe(element: etree._Element | None) -> results.ConsideredSafe | None:
    if element is None:
        return None
    date = None
    text = _text(element, "date")
    if text:
        try:
            date = datetime.fromisoformat(text)
        except ValueError:
            date = None  # an unusual format must not make the whole report unusable
    return results.ConsideredSafe(value=bool(_bool(_text(element, "value"))),
                                  level=_text(element, "level") or "",
                                  date=date, reason=_text(element, "reason"))


def status_report(order_key: str):
    def reader(reply: Reply) -> results.StatusReport:
        report = _find(reply.success, "report")
        if report is None:
            raise _Unusable("statusSuccess lacks report")
        totals_element = _find(report, "approximateTotals")
        if totals_element is None:
            raise _Unusable("report lacks approximateTotals")
        payments = tuple(sorted((_payment_line(e) for e in report.iterfind(_q("payment"))),
                                key=lambda line: line.payment_id))
        if len({line.payment_id for line in payments}) != len(payments):
            raise _Unusable("the report holds a payment id twice")
        reversed_text = _text(totals_element, "totalReversed")
        exchanged_to = (totals_element.get("exchangedTo") or "").strip() or None
        currencies = {line.authorization.currency for line in payments
                      if line.authorization.currency}
        totals = results.Totals(
            **{name: _bounded(_int(_required(totals_element, local), local), local)
               for name, local in _TOTALS},
            reversed=(_bounded(_int(reversed_text, "totalReversed"), "totalReversed")
                      if reversed_text else None),
            exchanged_to=exchanged_to,
            exchange_rate_date=(totals_element.get("exchangeRateDate") or "").strip() or None,
            currency=exchanged_to or (currencies.pop() if len(currencies) == 1 else None),
        )
        api = _find(report, "apiInformation")
        return results.StatusReport(
            order_key=order_key,
            totals=totals,
            payments=payments,
            considered_safe=_considered_safe(_find(report, "consideredSafe")),
            original_version=_text(api, "originalVersion") if api is not None else None,
            conversion_applied=_bool(api.get("conversionApplied")) if api is not None else None,
            ddp_xsd_version=reply.ddp_xsd_version,
        )
    return reader


# --- payment methods -----------------------------------------------------------------


def payment_methods(reply: Reply) -> list[results.PaymentMethod]:
    methods = []
    for element in reply.success.iterfind(_q("paymentMethod")):
        issuers = []
        container = _find_lenient(element, "issuers")
        if container is not None:
            for issuer in [*container.iterfind(_q("issuer")), *container.iterfind("issuer")]:
                issuers.append(results.IdealIssuer(id=(issuer.get("id") or "").strip(),
                                                   name=(issuer.text or "").strip()))
        mandates = tuple(
            results.Mandate(id=_required(mandate, "id"), scheme=_text(mandate, "scheme") or "",
                            type=_text(mandate, "type") or "", state=_text(mandate, "state") or "")
            for mandate in element.iterfind(_q("mandate")))
        methods.append(results.PaymentMethod(name=_required(element, "name"),
                                             issuers=tuple(issuers), mandates=mandates))
    return methods
