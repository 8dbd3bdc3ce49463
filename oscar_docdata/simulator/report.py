"""The ``statusSuccess/report`` of status and statusExtended, built from the database.

Built with ``etree.SubElement`` under precomputed qualified names: the report is the
biggest reply the simulator sends on every status call, and lxml's ElementMaker costs
about three times as much per element. The bytes on the wire are the same (the
envelope declares the namespace once, see ``soap.envelope``).
"""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from oscar_docdata.gateway.schema import TYPES_NS

from . import engine, methods
from .models import AmountLine, PaymentAttempt, SimulatedOrder
from .soap import extension
from .totals import compute, considered_safe

_NSMAP = {"ddp": TYPES_NS}
_PREFIX = f"{{{TYPES_NS}}}"


def _add(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    """A child ``tag`` (types namespace) of ``parent`` with ``text`` and ``attributes``."""
    element = etree.SubElement(parent, _PREFIX + tag, attributes)
    if text is not None:
        element.text = text
    return element


def _optional(parent: etree._Element, tag: str, value: str | None) -> None:
    if value:
        _add(parent, tag, value)


def amount(parent: etree._Element, value: int, currency: str, tag: str = "amount") -> None:
    _add(parent, tag, str(value), currency=currency)


def report(order: SimulatedOrder, *, extended: bool, extensible: bool = False,
           attempts: list[PaymentAttempt] | None = None) -> etree._Element:
    """The report; ``extensible`` adds unknown elements in its extension points.

    ``attempts``: the order's attempts, lines prefetched, when the caller read them.
    """
    if attempts is None:
        attempts = engine.attempts_of(order)
    totals = compute(order, attempts)
    element = etree.Element(_PREFIX + "report", nsmap=_NSMAP)
    attributes = {}
    if totals.exchanged_to and totals.exchange_rate_date:
        attributes["exchangedTo"] = totals.exchanged_to
        attributes["exchangeRateDate"] = totals.exchange_rate_date.strftime("%Y-%m-%d %H:%M:%S")
    approximate = _add(element, "approximateTotals", **attributes)
    for tag, value in (("totalRegistered", totals.registered),
                       ("totalShopperPending", totals.shopper_pending),
                       ("totalAcquirerPending", totals.acquirer_pending),
                       ("totalAcquirerApproved", totals.acquirer_approved),
                       ("totalCaptured", totals.captured),
                       ("totalRefunded", totals.refunded),
                       ("totalChargedback", totals.charged_back),
                       ("totalReversed", totals.reversed)):
        _add(approximate, tag, str(value))
    if extensible:
        approximate.append(extension())
    for attempt in attempts:
        line = payment(attempt, extended=extended)
        if extensible:
            line.append(extension())
        element.append(line)
    if attempts:
        value, level, reason = considered_safe(totals)
        safe = _add(element, "consideredSafe")
        _add(safe, "value", "true" if value else "false")
        _add(safe, "level", level)
        _add(safe, "date", timezone.now().isoformat(timespec="seconds"))
        _optional(safe, "reason", reason)
    api = _add(element, "apiInformation", conversionApplied="false")
    _add(api, "originalVersion", "1.3")
    if extensible:
        element.append(extension())
    return element


def _amount_line(parent: etree._Element, tag: str, reference_tag: str,
                 line: AmountLine) -> None:
    """A capture, refund or chargeback of an authorization."""
    element = _add(parent, tag)
    _optional(element, reference_tag, line.reference)
    _add(element, "status", line.status)
    amount(element, line.amount, line.currency)
    _optional(element, "reason", line.reason)


def payment(attempt: PaymentAttempt, *, extended: bool) -> etree._Element:
    element = etree.Element(_PREFIX + "payment", nsmap=_NSMAP)
    _add(element, "id", str(attempt.payment_id))
    _add(element, "paymentMethod", attempt.method)
    authorization = _add(element, "authorization")
    _add(authorization, "status", attempt.status)
    _optional(authorization, "reason", attempt.reason)
    amount(authorization, attempt.amount, attempt.currency)
    _add(authorization, "confidenceLevel", attempt.confidence)
    for capture in attempt.captures.all():
        _amount_line(authorization, "capture", "merchantCaptureId", capture)
    for refund in attempt.refunds.all():
        _amount_line(authorization, "refund", "merchantRefundId", refund)
    for chargeback in attempt.chargebacks.all():
        _amount_line(authorization, "chargeback", "chargebackId", chargeback)
    if attempt.reversal_amount is not None:
        reversal = _add(authorization, "reversal")
        amount(reversal, attempt.reversal_amount, attempt.currency)
        _add(reversal, "reason", attempt.reversal_reason or "Reversed")
    if extended:
        element.append(extended_info(attempt))
    return element


def extended_info(attempt: PaymentAttempt) -> etree._Element:
    """``payment/extended``: risk checks and the method's details."""
    element = etree.Element(_PREFIX + "extended", nsmap=_NSMAP)
    risk = _add(element, "riskChecks", score="0")
    _add(risk, "check", "IP_ADDRESS_COUNTRY", score="0")
    _add(risk, "check", "VELOCITY", score="0")
    info = method_info(attempt)
    if info is not None:
        element.append(info)
    return element


def _bank_account(parent: etree._Element, details: dict) -> None:
    if details.get("iban"):
        account = _add(parent, "shopperBankAccount")
        _add(account, "iban", details["iban"])
        _optional(account, "bic", details.get("bic"))


def method_info(attempt: PaymentAttempt) -> etree._Element | None:
    tag = methods.INFO_ELEMENTS.get(attempt.method)
    details = attempt.details or {}
    if tag is None:
        return None
    element = etree.Element(_PREFIX + tag, nsmap=_NSMAP)
    if attempt.method in methods.CARD_METHODS:
        _add(element, "cardHolder", details.get("card_holder") or "Card holder")
        _optional(element, "cardCountry", details.get("card_country"))
        _optional(element, "panLast4", details.get("pan_last4"))
        if attempt.status == "AUTHENTICATION_FAILED":
            _add(element, "refusalReason", "3-D Secure authentication failed")
        if details.get("mandate_number") and attempt.method not in ("MAESTRO", "MISTERCASH"):
            _add(element, "mandateNumber", details["mandate_number"])
    elif attempt.method == "IDEAL":
        _optional(element, "issuerId", details.get("issuer_id"))
        _optional(element, "holderName", details.get("holder_name"))
        _bank_account(element, details)
    elif attempt.method == "SEPA_DIRECT_DEBIT":
        _optional(element, "bic", details.get("bic"))
        _optional(element, "iban", details.get("iban"))
        if details.get("country"):
            _add(element, "country", code=details["country"])
        _optional(element, "mandateNumber", details.get("mandate_number"))
    elif attempt.method == "BANK_TRANSFER":
        for name in ("beneficiaryName", "beneficiaryCity", "beneficiaryCountry", "bankName",
                     "bankCity", "bic", "iban"):
            _add(element, name, methods.BENEFICIARY[name])
    else:
        return None
    return element
