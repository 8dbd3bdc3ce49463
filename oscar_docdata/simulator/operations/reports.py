"""status, statusExtended and listPaymentMethods: what the merchant may ask about an order."""

from __future__ import annotations

from lxml import etree

from .. import accounts, engine, ledger, methods
from ..report import report
from ..soap import Call, E, extension, success
from .reading import locked_order, shopper_mandates


def _report(call: Call, *, extended: bool) -> etree._Element:
    """The order's report, after promoting what is due (no extra queries when nothing is)."""
    order = locked_order(call)
    attempts = engine.attempts_of(order)
    ledger.advance_and_notify(order, attempts)
    return report(order, extended=extended, extensible=call.extensible, attempts=attempts)


def status(call: Call) -> etree._Element:
    return E.statusSuccess(success(), _report(call, extended=False))


def status_extended(call: Call) -> etree._Element:
    return E.statusSuccess(success(), _report(call, extended=True))


def list_payment_methods(call: Call) -> etree._Element:
    order = locked_order(call)
    content = E.listPaymentMethodsSuccess(success())
    for method in accounts.profile_methods(order.profile) or []:
        element = E.paymentMethod(E.name(method))
        if method == "SEPA_DIRECT_DEBIT":
            for attempt in shopper_mandates(order):
                element.append(E.mandate(E.id(attempt.details["mandate_number"]),
                                         E.scheme("CORE"), E.type("RCUR"), E.state("ACTIVE")))
        if method == "IDEAL":
            issuers = etree.SubElement(element, "issuers")
            for bic, name in methods.IDEAL_ISSUERS.items():
                etree.SubElement(issuers, "issuer", id=bic).text = name
        if call.extensible:
            element.append(extension())
        content.append(element)
    return content
