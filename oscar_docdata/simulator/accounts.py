"""Merchants and payment-method profiles of the simulator.

Configured merchants (the plugin's ``DOCDATA_MERCHANT_*`` settings) and configured
profiles (``DOCDATA_SIMULATOR_PROFILES`` plus "standard") are copied into the tables
lazily, whenever they are needed, so the settings always win; tests may add more
with :func:`add_merchant` and :func:`add_profile`.

Passwords are stored as Django password hashes (``make_password``, PASSWORD_HASHERS)
and checked with ``check_password``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

from django.contrib.auth.hashers import check_password, make_password

from oscar_docdata.appsettings import docdata_settings

from .conf import sim_settings
from .models import Merchant, PaymentProfile

# Every SOAP call carries the merchant's password, and a Django hasher is slow on
# purpose (PBKDF2: tens of milliseconds), too slow to run on every call. So a verified
# (stored hash, password) pair is remembered in this process: the key is the stored
# hash (salted; a changed password has another) and an HMAC of the given password with
# a key drawn at start-up, so the plain password is not kept and the key is no unsalted
# digest of it. Only matches are remembered (a wrong password costs a full check each
# time), and the memo is emptied when it grows past _VERIFIED_MAX entries.
_VERIFIED_MAX = 256
_verified: dict[tuple[str, bytes], bool] = {}
_verified_lock = threading.Lock()
_MEMO_KEY = os.urandom(32)


def _memo_key(encoded: str, password: str) -> tuple[str, bytes]:
    return encoded, hmac.new(_MEMO_KEY, password.encode("utf-8"), hashlib.sha256).digest()


def _remember(encoded: str, password: str) -> None:
    with _verified_lock:
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[_memo_key(encoded, password)] = True


def password_matches(password: str, encoded: str) -> bool:
    """``check_password(password, encoded)``, remembered per (hash, password) when true."""
    if not password or not encoded:
        return False
    if _memo_key(encoded, password) in _verified:
        return True
    if not check_password(password, encoded):
        return False
    _remember(encoded, password)
    return True


def add_merchant(name: str, password: str) -> Merchant:
    """Create a merchant (or set its password)."""
    merchant = Merchant.objects.filter(name=name).first()
    if merchant is not None and password_matches(password, merchant.password_digest):
        return merchant
    encoded = make_password(password)
    if merchant is None:
        merchant, created = Merchant.objects.get_or_create(
            name=name, defaults={"password_digest": encoded})
        if not created and password_matches(password, merchant.password_digest):
            return merchant  # another thread created it with this password
    if merchant.password_digest != encoded:
        merchant.password_digest = encoded
        merchant.save(update_fields=["password_digest"])
    _remember(encoded, password)
    return merchant


def sync_configured_merchants() -> None:
    """Copy the merchants of the settings into the table (writes only on change)."""
    for name, password in docdata_settings.merchant_passwords().items():
        if name and password:
            add_merchant(name, password)


def authenticate(name: str, password: str) -> Merchant | None:
    """The merchant when ``name`` and ``password`` match, else None.

    One query in the usual case: a configured merchant's row is written only when it
    is missing or its password differs from the setting's (the settings win).
    """
    configured = docdata_settings.merchant_passwords().get(name) if name else None
    merchant = Merchant.objects.filter(name=name).first()
    if configured and (merchant is None
                       or not password_matches(configured, merchant.password_digest)):
        merchant = add_merchant(name, configured)
    if merchant is None:
        return None
    if not password_matches(password, merchant.password_digest):
        return None
    return merchant


def get_merchant(name: str) -> Merchant | None:
    sync_configured_merchants()
    return Merchant.objects.filter(name=name).first()


def add_profile(name: str, methods: list[str]) -> PaymentProfile:
    """Create or change a payment-method profile."""
    profile, created = PaymentProfile.objects.get_or_create(
        name=name, defaults={"methods": list(methods)}
    )
    if not created and profile.methods != list(methods):
        profile.methods = list(methods)
        profile.save(update_fields=["methods"])
    return profile


def profile_methods(name: str) -> list[str] | None:
    """The methods of profile ``name``, or None when there is no such profile."""
    configured = sim_settings.profiles()
    if name in configured:
        return add_profile(name, configured[name]).methods
    profile = PaymentProfile.objects.filter(name=name).first()
    return list(profile.methods) if profile else None
