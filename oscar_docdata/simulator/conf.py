"""The simulator's settings (``DOCDATA_SIMULATOR_*``), read at call time.

The merchants themselves come from the plugin's own settings
(``DOCDATA_MERCHANT_NAME``/``DOCDATA_MERCHANT_PASSWORD``/``DOCDATA_MERCHANT_PASSWORDS``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

#: Methods of the "standard" profile when no setting says otherwise.
STANDARD_METHODS = [
    "IDEAL",
    "MASTERCARD",
    "VISA",
    "AMEX",
    "MISTERCASH",
    "PAYPAL_EXPRESS_CHECKOUT",
    "SEPA_DIRECT_DEBIT",
    "BANK_TRANSFER",
]

DEFAULTS: dict[str, Any] = {
    # The simulator answers only with DEBUG on or this on; otherwise every URL is a 404
    # (and a system check, docdata_simulator.E001, says it is installed for nothing).
    "DOCDATA_SIMULATOR_ENABLED": False,
    # The overview and its event buttons need a staff user. Off only for a simulator
    # process of its own without users or sessions (the sandbox's simulator).
    "DOCDATA_SIMULATOR_STAFF_ONLY": True,
    # {"profile name": ["IDEAL", "VISA", ...]}; "standard" exists unless overridden.
    "DOCDATA_SIMULATOR_PROFILES": {},
    # {merchant name: "https://shop/api/docdata/update_order/?order_id="}
    "DOCDATA_SIMULATOR_UPDATE_URLS": {},
    # {merchant name: {"success": url, "pending": url, "canceled": url, "error": url}}:
    # the Back Office defaults used when the menu URL carries no return URL.
    "DOCDATA_SIMULATOR_RETURN_URLS": {},
    # "thread" (a background worker), "sync" (in the request, after commit) or "off".
    "DOCDATA_SIMULATOR_NOTIFY": "thread",
    "DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS": 10,
    # Seconds before the 2nd attempt; doubles for each further one, capped by MAX_DELAY.
    "DOCDATA_SIMULATOR_NOTIFY_BACKOFF": 1.0,
    "DOCDATA_SIMULATOR_NOTIFY_MAX_DELAY": 300.0,
    "DOCDATA_SIMULATOR_NOTIFY_TIMEOUT": 10.0,
    # {operation or "*": {"mode": ..., "seconds": ..., "code": ...}} (see faults.py)
    "DOCDATA_SIMULATOR_FAULTS": {},
    "DOCDATA_SIMULATOR_XSD_VERSION": "1.3.14",
    # Check every reply against the XSD before sending it (a fault if it fails): for tests.
    "DOCDATA_SIMULATOR_CHECK_REPLIES": False,
    # Seconds a capture or refund requested over SOAP takes to move the money: booked NEW,
    # STARTED after half of them, CAPTURED (and in the totals) after all of them, as the
    # live service reports them. 0: CAPTURED at once; None: only by an explicit action
    # (settle-pending, fail-pending, cancel-pending).
    "DOCDATA_SIMULATOR_SETTLE_SECONDS": 10.0,
    # The first payment id handed out (ids then grow by one across all orders).
    "DOCDATA_SIMULATOR_FIRST_PAYMENT_ID": 4000000001,
}


class SimulatorSettings:
    """Attribute access to the ``DOCDATA_SIMULATOR_*`` settings with defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, name, DEFAULTS[name])

    def profiles(self) -> dict[str, list[str]]:
        """Every configured profile; "standard" is always there."""
        profiles = {"standard": list(STANDARD_METHODS)}
        profiles.update(
            {name: list(methods) for name, methods in self.DOCDATA_SIMULATOR_PROFILES.items()}
        )
        return profiles


sim_settings = SimulatorSettings()


def simulator_enabled() -> bool:
    """Whether the simulator answers: with DEBUG on, or DOCDATA_SIMULATOR_ENABLED on."""
    return bool(settings.DEBUG or sim_settings.DOCDATA_SIMULATOR_ENABLED)
