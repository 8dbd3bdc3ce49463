"""Reply elements about one payment: its paymentResponse and the shopper's redirect."""

from __future__ import annotations

from lxml import etree

from ..models import PaymentAttempt
from ..soap import E

#: Statuses of a payment that ended badly: answered with paymentError.
FAILED_STATUSES = {"AUTHENTICATION_FAILED", "AUTHORIZATION_FAILED", "CANCELED",
                   "AUTHORIZATION_ERROR", "AUTHENTICATION_ERROR"}


def payment_response(attempt: PaymentAttempt) -> etree._Element:
    """paymentSuccess for a payment that goes on, paymentError for one that ended badly."""
    if attempt.status in FAILED_STATUSES:
        return E.paymentResponse(E.paymentError(
            E.error(attempt.reason or attempt.status, code=attempt.status),
            E.status(attempt.status), E.id(str(attempt.payment_id))))
    return E.paymentResponse(E.paymentSuccess(E.status(attempt.status),
                                              E.id(str(attempt.payment_id))))


def redirect(method: str, url: str, parameters: dict[str, str] | None = None
             ) -> etree._Element:
    """Where start sends the shopper next (a bank page, 3-D Secure)."""
    return E.redirect(E.method(method), E.url(url), E.parameters(
        *(E.parameter(value, name=name) for name, value in (parameters or {}).items())))
