"""The ``statusSuccess/report`` of status and statusExtended, built from the database."""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from . import engine, methods
from .models import PaymentAttempt, SimulatedOrder
from .soap import E, extension
from .totals import compute, considered_safe


def amount(value: int, currency: str, tag: str = "amount") -> etree._Element:
    return E(tag, str(value), currency=currency)


def _optional(tag: str, value: str | None) -> list[etree._Element]:
    return [E(tag, value)] if value else []


def report(order: SimulatedOrder, *, extended: bool, extensible: bool = False
           ) -> etree._Element:
    """The report; ``extensible`` adds unknown elements in its extension points."""
    attempts = engine.attempts_of(order)
    totals = compute(order, attempts)
    attributes = {}
    if totals.exchanged_to:
        attributes["exchangedTo"] = totals.exchanged_to
        attributes["exchangeRateDate"] = totals.exchange_rate_date.strftime("%Y-%m-%d %H:%M:%S")
    children = [E.approximateTotals(
        E.totalRegistered(str(totals.registered)),
        E.totalShopperPending(str(totals.shopper_pending)),
        E.totalAcquirerPending(str(totals.acquirer_pending)),
        E.totalAcquirerApproved(str(totals.acquirer_approved)),
        E.totalCaptured(str(totals.captured)),
        E.totalRefunded(str(totals.refunded)),
        E.totalChargedback(str(totals.charged_back)),
        E.totalReversed(str(totals.reversed)),
        **attributes,
    )]
    children += [payment(attempt, extended=extended) for attempt in attempts]
    if extensible:
        children[0].append(extension())
        for element in children[1:]:
            element.append(extension())
    if attempts:
        value, level, reason = considered_safe(totals)
        children.append(E.consideredSafe(
            E.value("true" if value else "false"),
            E.level(level),
            E.date(timezone.now().isoformat(timespec="seconds")),
            *_optional("reason", reason),
        ))
    children.append(E.apiInformation(E.originalVersion("1.3"),
                                     conversionApplied="false"))
    if extensible:
        children.append(extension())
    return E.report(*children)


def payment(attempt: PaymentAttempt, *, extended: bool) -> etree._Element:
    currency = attempt.currency
    authorization = E.authorization(
        E.status(attempt.status),
        *_optional("reason", attempt.reason),
        amount(attempt.amount, currency),
        E.confidenceLevel(attempt.confidence),
    )
    for capture in attempt.captures.all():
        authorization.append(E.capture(
            *_optional("merchantCaptureId", capture.reference),
            E.status(capture.status),
            amount(capture.amount, capture.currency),
            *_optional("reason", capture.reason),
        ))
    for refund in attempt.refunds.all():
        authorization.append(E.refund(
            *_optional("merchantRefundId", refund.reference),
            E.status(refund.status),
            amount(refund.amount, refund.currency),
            *_optional("reason", refund.reason),
        ))
    for chargeback in attempt.chargebacks.all():
        authorization.append(E.chargeback(
            *_optional("chargebackId", chargeback.reference),
            E.status(chargeback.status),
            amount(chargeback.amount, chargeback.currency),
            *_optional("reason", chargeback.reason),
        ))
    if attempt.reversal_amount is not None:
        authorization.append(E.reversal(amount(attempt.reversal_amount, currency),
                                        E.reason(attempt.reversal_reason or "Reversed")))
    element = E.payment(E.id(str(attempt.payment_id)), E.paymentMethod(attempt.method),
                        authorization)
    if extended:
        element.append(extended_info(attempt))
    return element


def extended_info(attempt: PaymentAttempt) -> etree._Element:
    """``payment/extended``: risk checks and the method's details."""
    risk = E.riskChecks(
        E.check("IP_ADDRESS_COUNTRY", score="0"),
        E.check("VELOCITY", score="0"),
        score="0",
    )
    info = method_info(attempt)
    return E.extended(risk, *([info] if info is not None else []))


def _bank_account(details: dict) -> list[etree._Element]:
    if not details.get("iban"):
        return []
    return [E.shopperBankAccount(E.iban(details["iban"]),
                                 *_optional("bic", details.get("bic")))]


def method_info(attempt: PaymentAttempt) -> etree._Element | None:
    tag = methods.INFO_ELEMENTS.get(attempt.method)
    details = attempt.details or {}
    if tag is None:
        return None
    if attempt.method in methods.CARD_METHODS:
        fields = [E.cardHolder(details.get("card_holder") or "Card holder"),
                  *_optional("cardCountry", details.get("card_country")),
                  *_optional("panLast4", details.get("pan_last4"))]
        if attempt.status == "AUTHENTICATION_FAILED":
            fields.append(E.refusalReason("3-D Secure authentication failed"))
        if details.get("mandate_number") and attempt.method not in ("MAESTRO", "MISTERCASH"):
            fields.append(E.mandateNumber(details["mandate_number"]))
        return E(tag, *fields)
    if attempt.method == "IDEAL":
        return E(tag, *_optional("issuerId", details.get("issuer_id")),
                 *_optional("holderName", details.get("holder_name")),
                 *_bank_account(details))
    if attempt.method == "SEPA_DIRECT_DEBIT":
        country = [E.country(code=details["country"])] if details.get("country") else []
        return E(tag, *_optional("bic", details.get("bic")),
                 *_optional("iban", details.get("iban")), *country,
                 *_optional("mandateNumber", details.get("mandate_number")))
    if attempt.method == "BANK_TRANSFER":
        beneficiary = methods.BENEFICIARY
        return E(tag, *(E(name, beneficiary[name]) for name in (
            "beneficiaryName", "beneficiaryCity", "beneficiaryCountry", "bankName", "bankCity",
            "bic", "iban")))
    return None
