"""Reading a status report (``statusSuccess/report``) into :class:`.results.StatusReport`.

Lenient like every reader (see :mod:`.parsing`), but strict about what the status
engine relies on: every total present and an xs:int, payment ids unique and positive,
currencies of three letters, codes no longer than the schema allows.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, TypeVar

from lxml import etree

from . import results, schema
from .elements import Unusable, find, qualified, required, text_of, to_bool, to_int
from .parsing import Reply

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
        raise Unusable(f"{what} is out of range")
    return value


_Text = TypeVar("_Text", bound=str | None)


def _short(value: _Text, what: str) -> _Text:
    if value is not None and len(value) > _MAX_LENGTHS[what]:
        raise Unusable(f"{what} is longer than {_MAX_LENGTHS[what]} characters")
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
    element = find(parent, local)
    if element is None or element.text is None:
        raise Unusable(f"the reply lacks {etree.QName(parent).localname}/{local}")
    currency = (element.get("currency") or "").strip()
    if currency and not _CURRENCY.fullmatch(currency):
        raise Unusable(f"{local} has an invalid currency")
    return _bounded(to_int(element.text.strip(), local), local), currency


def _amount_lines(authorization: etree._Element, local: str,
                  reference: str) -> tuple[results.AmountLine, ...]:
    lines = []
    for element in authorization.iterfind(qualified(local)):
        amount, currency = _amount(element, "amount")
        lines.append(results.AmountLine(
            status=required(element, "status"), amount=amount, currency=currency,
            reason=text_of(element, "reason"), reference=text_of(element, reference)))
    return tuple(lines)


def _authorization(element: etree._Element) -> results.Authorization:
    amount, currency = _amount(element, "amount")
    reversal = None
    reversal_element = find(element, "reversal")
    if reversal_element is not None:
        reversed_amount, reversed_currency = _amount(reversal_element, "amount")
        reversal = results.Reversal(amount=reversed_amount, currency=reversed_currency,
                                    reason=text_of(reversal_element, "reason") or "")
    return results.Authorization(
        status=_short(required(element, "status"), "status"),
        amount=amount,
        currency=currency,
        confidence_level=_short(text_of(element, "confidenceLevel"), "confidenceLevel") or "",
        reason=text_of(element, "reason"),
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
    risk = find(element, "riskChecks")
    if risk is not None:
        score = risk.get("score")
        risk_score = to_int(score, "riskChecks/@score") if score else None
        risk_checks = tuple(
            ((check.text or "").strip(), to_int(check.get("score") or "0", "check/@score"))
            for check in risk.iterfind(qualified("check")))
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
    authorization = find(element, "authorization")
    if authorization is None:
        raise Unusable("a payment lacks its authorization")
    return results.PaymentLine(
        payment_id=_bounded(to_int(required(element, "id"), "payment/id"), "payment/id",
                            _PAYMENT_ID_RANGE),
        payment_method=_short(required(element, "paymentMethod"), "paymentMethod"),
        authorization=_authorization(authorization),
        extended=_extended(find(element, "extended")),
    )


def _considered_safe(element: etree._Element | None) -> results.ConsideredSafe | None:
    if element is None:
        return None
    date = None
    text = text_of(element, "date")
    if text:
        try:
            date = datetime.fromisoformat(text)
        except ValueError:
            date = None  # an unusual format must not make the whole report unusable
    return results.ConsideredSafe(value=bool(to_bool(text_of(element, "value"))),
                                  level=text_of(element, "level") or "",
                                  date=date, reason=text_of(element, "reason"))


def status_report(order_key: str):
    def reader(reply: Reply) -> results.StatusReport:
        report = find(reply.success, "report")
        if report is None:
            raise Unusable("statusSuccess lacks report")
        totals_element = find(report, "approximateTotals")
        if totals_element is None:
            raise Unusable("report lacks approximateTotals")
        payments = tuple(sorted((_payment_line(e) for e in report.iterfind(qualified("payment"))),
                                key=lambda line: line.payment_id))
        if len({line.payment_id for line in payments}) != len(payments):
            raise Unusable("the report holds a payment id twice")
        reversed_text = text_of(totals_element, "totalReversed")
        exchanged_to = (totals_element.get("exchangedTo") or "").strip() or None
        currencies = {line.authorization.currency for line in payments
                      if line.authorization.currency}
        totals = results.Totals(
            **{name: _bounded(to_int(required(totals_element, local), local), local)
               for name, local in _TOTALS},
            reversed=(_bounded(to_int(reversed_text, "totalReversed"), "totalReversed")
                      if reversed_text else None),
            exchanged_to=exchanged_to,
            exchange_rate_date=(totals_element.get("exchangeRateDate") or "").strip() or None,
            currency=exchanged_to or (currencies.pop() if len(currencies) == 1 else None),
        )
        api = find(report, "apiInformation")
        return results.StatusReport(
            order_key=order_key,
            totals=totals,
            payments=payments,
            considered_safe=_considered_safe(find(report, "consideredSafe")),
            original_version=text_of(api, "originalVersion") if api is not None else None,
            conversion_applied=to_bool(api.get("conversionApplied")) if api is not None else None,
            ddp_xsd_version=reply.ddp_xsd_version,
        )
    return reader


