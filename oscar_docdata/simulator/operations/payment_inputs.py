"""start with a payment input: one starter per method, each creating the payment and
saying where the shopper goes next (a bank page, 3-D Secure, or nowhere)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from lxml import etree

from .. import engine, flows, methods
from ..models import PaymentAttempt, SimulatedOrder
from ..soap import Call, RequestErrors, incorrect
from .reading import shopper_mandates
from .replies import redirect

#: The payment and the shopper's redirect (None: the shopper goes nowhere).
Started = tuple[PaymentAttempt, etree._Element | None]
#: (call, order, method, payment input element, amount, currency, return URL) → Started.
Starter = Callable[[Call, SimulatedOrder, str, etree._Element, int, str, str], Started]


def absolute_url(call: Call, name: str, *args: Any) -> str:
    """The absolute URL of simulator page ``name`` in the namespace the call came in."""
    match = call.request.resolver_match
    namespace = (match.namespace if match is not None else "") or "docdata_simulator"
    return call.request.build_absolute_uri(
        reverse(f"{namespace}:{name}", args=args, current_app=namespace))


def start_ideal(call: Call, order: SimulatedOrder, method: str, method_input: etree._Element,
                value: int, currency: str, return_url: str) -> Started:
    """iDEAL 2.0: without an issuer the shopper chooses the bank on the iDEAL page; an
    (old) issuer goes straight to that bank's page."""
    given = call.text("issuerId", method_input)
    details = {}
    if given:
        bic = methods.issuer_bic(given)
        if bic is None:
            raise incorrect(f"Unknown iDEAL issuer {given}.")
        details["issuer_id"] = bic
    attempt = engine.create_attempt(order, method, flows.AWAITING, amount=value,
                                    currency=currency, confidence="SHOPPER_PENDING",
                                    details=details, return_url=return_url)
    page = "bank_ideal" if details else "ideal_choose"
    return attempt, redirect("GET", absolute_url(call, page, attempt.payment_id))


def start_card(call: Call, order: SimulatedOrder, method: str, method_input: etree._Element,
               value: int, currency: str, return_url: str) -> Started:
    if not return_url:
        raise RequestErrors("REQUEST_DATA_MISSING", "returnUrl is needed for 3-D Secure.")
    number = call.text("cardNumber", method_input)
    holder = call.text("cardHolderName", method_input)
    if holder is None:  # encryptedData: only the shop's own records know the holder
        name = order.bill_to.get("name", {})
        holder = " ".join(filter(None, (name.get("first"), name.get("last"))))
    details = {"card_holder": holder, "card_country": "NL", "md": flows.new_md()}
    if number:
        details["pan_last4"] = number[-4:]
    attempt = engine.create_attempt(order, method, flows.AWAITING, amount=value,
                                    currency=currency, confidence="SHOPPER_PENDING",
                                    details=details, return_url=return_url)
    return attempt, redirect("POST", absolute_url(call, "acs"), {
        "MD": details["md"], "PaReq": flows.pareq(attempt), "TermUrl": return_url})


def start_direct_debit(call: Call, order: SimulatedOrder, method: str,
                       method_input: etree._Element, value: int, currency: str,
                       return_url: str) -> Started:
    mandate = call.text("mandateNumber", method_input)
    if mandate:
        known = [a for a in shopper_mandates(order) if a.details["mandate_number"] == mandate]
        if not known:
            raise incorrect(f"Unknown mandate {mandate} for this shopper.")
        details = {key: known[-1].details[key] for key in ("iban", "bic", "holder_name",
                                                           "country", "mandate_number")
                   if key in known[-1].details}
    else:
        iban = call.required_text("iban", method_input)
        details = {"iban": iban, "country": iban[:2].upper(),
                   "holder_name": call.text("holderName", method_input) or ""}
        bic = call.text("bic", method_input)
        if bic:
            details["bic"] = bic
    attempt = engine.create_attempt(order, method, "AUTHORIZED", amount=value,
                                    currency=currency, details=details, return_url=return_url)
    if not mandate:
        attempt.details = {**details, "mandate_number": f"SIM-MANDATE-{attempt.payment_id}"}
        attempt.save(update_fields=["details"])
    return attempt, None


def start_bank_transfer(call: Call, order: SimulatedOrder, method: str,
                        method_input: etree._Element, value: int, currency: str,
                        return_url: str) -> Started:
    attempt = engine.create_attempt(
        order, method, "AUTHORIZATION_REQUESTED", amount=value, currency=currency,
        confidence="SHOPPER_PENDING",
        details={"email": call.text("emailAddress", method_input)}, return_url=return_url)
    return attempt, None


def start_paypal(call: Call, order: SimulatedOrder, method: str, method_input: etree._Element,
                 value: int, currency: str, return_url: str) -> Started:
    attempt = engine.create_attempt(
        order, method, flows.AWAITING, amount=value, currency=currency,
        confidence="SHOPPER_PENDING",
        details={"paypal_token": f"EC-{secrets.token_hex(8).upper()}"}, return_url=return_url)
    return attempt, redirect("GET", absolute_url(call, "bank_paypal", attempt.payment_id))


#: Payment input element → (the paymentMethod it must come with, its starter).
STARTERS: dict[str, tuple[str, Starter]] = {
    "iDealPaymentInput": ("IDEAL", start_ideal),
    "directDebitPaymentInput": ("SEPA_DIRECT_DEBIT", start_direct_debit),
    "bankTransferPaymentInput": ("BANK_TRANSFER", start_bank_transfer),
    "paypalPaymentInput": ("PAYPAL_EXPRESS_CHECKOUT", start_paypal),
    **{card_input: (card_method, start_card)
       for card_input, card_method in methods.CARD_INPUTS.items()},
}
