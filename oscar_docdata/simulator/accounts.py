"""Merchants and payment-method profiles of the simulator.

Configured merchants (the plugin's ``DOCDATA_MERCHANT_*`` settings) and configured
profiles (``DOCDATA_SIMULATOR_PROFILES`` plus "standard") are copied into the tables
lazily, whenever they are needed, so the settings always win; tests may add more
with :func:`add_merchant` and :func:`add_profile`.
"""

from __future__ import annotations

import hashlib
import hmac

from oscar_docdata.appsettings import docdata_settings

from .conf import sim_settings
from .models import Merchant, PaymentProfile


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def add_merchant(name: str, password: str) -> Merchant:
    """Create a merchant (or set its password)."""
    merchant, created = Merchant.objects.get_or_create(
        name=name, defaults={"password_digest": _digest(password)}
    )
    if not created and merchant.password_digest != _digest(password):
        merchant.password_digest = _digest(password)
        merchant.save(update_fields=["password_digest"])
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
                       or not hmac.compare_digest(merchant.password_digest,
                                                  _digest(configured))):
        merchant = add_merchant(name, configured)
    if merchant is None:
        return None
    if not hmac.compare_digest(merchant.password_digest, _digest(password)):
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
