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

from . import engine, ledger, notifications, reads
from .conf import sim_settings
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
    reads.locked(attempt.order.order_key)
    attempt.refresh_from_db()
    if attempt.status != AWAITING:
        raise SimulationError(_("Payment %(id)s is not waiting for the shopper (status "
                                "%(status)s).") % {"id": payment_id, "status": attempt.status})
    return attempt


#: Bank page choice → the menu's return URL it leads to (iDEAL chosen in the menu).
BANK_RETURNS = {"success": "success", "cancel": "canceled", "failure": "error"}
#: ``details`` key of the menu's return URLs of an iDEAL payment chosen in the menu.
MENU_RETURNS = "menu_return_urls"
#: ``details`` key of the language the shopper chose in the menu (the pages keep it).
MENU_LANGUAGE = "menu_language"


def start_ideal_in_menu(order_key: str, issuer: str | None,
                        return_urls: dict[str, str], language: str = "") -> PaymentAttempt:
    """The shopper chose iDEAL in the menu: an attempt waiting at the iDEAL page.

    An attempt of the order already waiting for the shopper (a Webdirect start) is
    taken over; ``issuer`` (a BIC, from an old ``ideal_issuer_id``) skips the iDEAL
    page. ``return_urls`` (success/canceled/error) are where the bank page ends;
    ``language`` is the menu's, which the iDEAL and bank pages keep.
    """
    with transaction.atomic():
        order = reads.locked(order_key)
        engine.ensure_open(order)
        engine.ensure_method(order, "IDEAL")
        attempt = next((a for a in reversed(engine.attempts_of(order))
                        if a.method == "IDEAL" and a.status == AWAITING), None)
        details: dict[str, Any] = {MENU_RETURNS: return_urls, MENU_LANGUAGE: language}
        if issuer:
            details["issuer_id"] = issuer
        if attempt is None:
            amount = engine.remaining(order)
            if amount <= 0:
                raise SimulationError(_("The order is paid (or authorized) in full already."))
            # No notification yet: the shop hears of the payment when the bank has answered.
            attempt = engine.create_attempt(order, "IDEAL", AWAITING, amount=amount,
                                            confidence="SHOPPER_PENDING", details=details)
        else:
            attempt.details = {**attempt.details, **details}
            attempt.save(update_fields=["details", "updated"])
    return attempt


def choose_ideal_bank(payment_id: int, issuer: str) -> PaymentAttempt:
    """The shopper chose the bank ``issuer`` (a BIC) on the simulated iDEAL page."""
    with transaction.atomic():
        attempt = awaiting_attempt(payment_id, "IDEAL")
        attempt.details = {**attempt.details, "issuer_id": issuer}
        attempt.save(update_fields=["details", "updated"])
    return attempt


def finish_ideal(payment_id: int, outcome: str) -> PaymentAttempt:
    """The shopper chose ``outcome`` at the simulated bank (or cancelled on the iDEAL page).

    Chosen in the menu, an approved iDEAL payment is captured too (the money has moved:
    what the menu's "paid" does); after a Webdirect start the shop proceeds and captures.
    """
    status, reason = BANK_OUTCOMES[outcome]
    with transaction.atomic():
        attempt = awaiting_attempt(payment_id, "IDEAL")
        if status == "AUTHORIZED":
            filled = engine.default_details(attempt.order, "IDEAL",
                                            attempt.details.get("issuer_id"))
            # The bank tells who paid from which account (and, under iDEAL 2.0, which
            # bank it was).
            attempt.details = {**attempt.details, **{
                key: filled[key] for key in ("issuer_id", "holder_name", "iban", "bic")}}
            attempt.save(update_fields=["details", "updated"])
        engine.set_status(attempt, status, reason=reason)
        if status == "AUTHORIZED" and MENU_RETURNS in attempt.details:
            ledger.add_capture(attempt)
        notifications.order_changed(attempt.order)
    return attempt


def ideal_return_url(attempt: PaymentAttempt, outcome: str) -> str | None:
    """Where the shopper goes after the bank: the menu's return URL for ``outcome``
    (or the merchant's default), else the start's returnUrl."""
    returns = attempt.details.get(MENU_RETURNS)
    if returns is None:
        return attempt.return_url or None
    kind = BANK_RETURNS[outcome]
    return returns.get(kind) or sim_settings.DOCDATA_SIMULATOR_RETURN_URLS.get(
        attempt.order.merchant.name, {}).get(kind) or None


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
