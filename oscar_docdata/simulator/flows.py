"""The shopper's detours of a started payment: bank page, PayPal page, 3-D Secure.

``start`` sends the shopper to one of the simulator's pages; the page records the
shopper's choice; ``proceed`` then reports (iDEAL) or applies (3-D Secure, PayPal) it:

- iDEAL: the bank page sets the attempt's status at once (the bank tells Docdata),
  then sends the shopper to the start's returnUrl;
- PayPal: the page only records approval; proceed with the token authorizes;
- cards: the simulated ACS receives MD/PaReq/TermUrl (POST), the shopper chooses,
  and the ACS posts MD and a signed PaRes back to TermUrl; proceed with them
  authorizes or ends in AUTHENTICATION_FAILED.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from . import engine, notifications
from .engine import SimulationError
from .models import PaymentAttempt

_PAREQ_SALT = "oscar_docdata.simulator.3ds.pareq"
_PARES_SALT = "oscar_docdata.simulator.3ds.pares"
AWAITING = "REDIRECTED_FOR_AUTHENTICATION"

#: Bank page choice → (status, reason).
BANK_OUTCOMES = {
    "success": ("AUTHORIZED", ""),
    "cancel": ("CANCELED", "Cancelled by the shopper at the bank"),
    "failure": ("AUTHORIZATION_FAILED", "Refused by the bank"),
}
PAYPAL_OUTCOMES = ("approved", "cancelled")


def new_md() -> str:
    return secrets.token_urlsafe(18)


def pareq(attempt: PaymentAttempt) -> str:
    return signing.dumps({"p": attempt.payment_id}, salt=_PAREQ_SALT)


def payment_id_from_pareq(value: str) -> int | None:
    try:
        return int(signing.loads(value, salt=_PAREQ_SALT)["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def pares(payment_id: int, md: str, authenticated: bool) -> str:
    return signing.dumps({"p": payment_id, "md": md, "ok": authenticated}, salt=_PARES_SALT)


def read_pares(value: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(value, salt=_PARES_SALT)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def awaiting_attempt(payment_id: int, method: str | None = None) -> PaymentAttempt:
    """The attempt still waiting for the shopper (row of its order locked)."""
    attempt = PaymentAttempt.objects.select_related("order", "order__merchant").filter(
        payment_id=payment_id).first()
    if attempt is None or (method and attempt.method != method):
        raise SimulationError(_("Unknown payment %(id)s.") % {"id": payment_id})
    engine.locked(attempt.order.order_key)
    attempt.refresh_from_db()
    if attempt.status != AWAITING:
        raise SimulationError(_("Payment %(id)s is not waiting for the shopper (status "
                                "%(status)s).") % {"id": payment_id, "status": attempt.status})
    return attempt


def finish_ideal(payment_id: int, outcome: str) -> PaymentAttempt:
    """The shopper chose ``outcome`` at the simulated bank."""
    status, reason = BANK_OUTCOMES[outcome]
    with transaction.atomic():
        attempt = awaiting_attempt(payment_id, "IDEAL")
        if status == "AUTHORIZED":
            filled = engine.default_details(attempt.order, "IDEAL",
                                            attempt.details.get("issuer_id"))
            # The bank tells who paid from which account.
            attempt.details = {**attempt.details,
                               **{key: filled[key] for key in ("holder_name", "iban", "bic")}}
            attempt.save(update_fields=["details", "updated"])
        engine.set_status(attempt, status, reason=reason)
        notifications.order_changed(attempt.order)
    return attempt


def record_paypal(payment_id: int, outcome: str) -> PaymentAttempt:
    """The shopper approved or cancelled at the simulated PayPal (proceed applies it)."""
    with transaction.atomic():
        attempt = awaiting_attempt(payment_id, "PAYPAL_EXPRESS_CHECKOUT")
        attempt.details = {**attempt.details, "paypal_outcome": outcome,
                           "payer_id": secrets.token_hex(6).upper()}
        attempt.save(update_fields=["details", "updated"])
    return attempt


def paypal_return_url(attempt: PaymentAttempt) -> str | None:
    if not attempt.return_url:
        return None
    separator = "&" if "?" in attempt.return_url else "?"
    query = urlencode({"token": attempt.details.get("paypal_token", ""),
                       "PayerID": attempt.details.get("payer_id", "")})
    return f"{attempt.return_url}{separator}{query}"
