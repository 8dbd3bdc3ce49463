"""proceed: the shopper's answer from iDEAL, 3-D Secure or PayPal applied to a payment."""

from __future__ import annotations

from lxml import etree

from .. import engine, flows, methods, notifications
from ..models import PaymentAttempt
from ..soap import Call, E, child_elements, incorrect, localname, success
from .reading import locked_attempt
from .replies import payment_response


def proceed(call: Call) -> etree._Element:
    attempt = locked_attempt(call)
    result = child_elements(call.element)[2]  # after merchant and paymentId
    name = localname(result)
    before = attempt.status
    if name == "iDealAuthorizationResult":
        _expect(attempt, {"IDEAL"}, name)
    elif name == "threeDomainSecureAuthenticationResult":
        _expect(attempt, methods.CARD_METHODS, name)
        _proceed_3ds(call, attempt, result)
    elif name == "paypalAuthenticationResult":
        _expect(attempt, {"PAYPAL_EXPRESS_CHECKOUT"}, name)
        _proceed_paypal(call, attempt, result)
    else:
        raise incorrect(f"{name} is not supported by the simulator.")
    if attempt.status != before:
        notifications.order_changed(attempt.order)
    return E.proceedSuccess(success(), payment_response(attempt))


def _expect(attempt: PaymentAttempt, allowed: set[str], name: str) -> None:
    if attempt.method not in allowed:
        raise incorrect(f"{name} does not fit payment {attempt.payment_id} ({attempt.method}).")


def _awaiting(attempt: PaymentAttempt) -> None:
    if attempt.status != flows.AWAITING:
        raise incorrect(f"Payment {attempt.payment_id} is not waiting for authentication "
                        f"(status {attempt.status}).")


def _proceed_3ds(call: Call, attempt: PaymentAttempt, result: etree._Element) -> None:
    _awaiting(attempt)
    md = call.text("MD", result)
    if md != attempt.details.get("md"):
        raise incorrect(f"MD does not belong to payment {attempt.payment_id}.")
    outcome = flows.read_pares(call.text("PARes", result) or "")
    if outcome and outcome.get("p") == attempt.payment_id and outcome.get("md") == md \
            and outcome.get("ok"):
        engine.set_status(attempt, "AUTHORIZED")
    else:
        engine.set_status(attempt, "AUTHENTICATION_FAILED",
                          reason="3-D Secure authentication failed")


def _proceed_paypal(call: Call, attempt: PaymentAttempt, result: etree._Element) -> None:
    _awaiting(attempt)
    if call.text("Token", result) != attempt.details.get("paypal_token"):
        raise incorrect(f"Token does not belong to payment {attempt.payment_id}.")
    cancelled = (call.text("ShopperCanceled", result) or "").lower() in ("true", "1", "yes")
    outcome = attempt.details.get("paypal_outcome")
    if cancelled or outcome == "cancelled":
        engine.set_status(attempt, "CANCELED", reason="Cancelled by the shopper at PayPal")
    elif outcome == "approved":
        engine.set_status(attempt, "AUTHORIZED")
    else:
        engine.set_status(attempt, "AUTHENTICATION_FAILED",
                          reason="The shopper did not approve the payment at PayPal")
