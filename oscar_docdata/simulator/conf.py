"""The simulator's settings (``DOCDATA_SIMULATOR_*``), read at call time.

The merchants themselves come from the plugin's own settings
(``DOCDATA_MERCHANT_NAME``/``DOCDATA_MERCHANT_PASSWORD``/``DOCDATA_MERCHANT_PASSWORDS``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from oscar_docdata.appsettings import Setting

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

#: Every ``DOCDATA_SIMULATOR_*`` setting (see ``oscar_docdata.appsettings.Setting``); the
#: documentation's table of the simulator's settings is rendered from it.
SETTINGS: tuple[Setting, ...] = (
    # The simulator answers only with DEBUG on or this on; otherwise every URL is a 404
    # (and a system check, docdata_simulator.E001, says it is installed for nothing).
    Setting(
        "DOCDATA_SIMULATOR_ENABLED", False,
        "Answer with ``DEBUG`` off (otherwise every simulator URL is a 404).",
    ),
    Setting(
        "DOCDATA_SIMULATOR_STAFF_ONLY", True,
        "The overview and its event buttons need a staff user; ``False`` only for a "
        "simulator process of its own without users (the sandbox's).",
    ),
    Setting(
        "DOCDATA_SIMULATOR_PROFILES", {},
        "Extra payment-method profiles ``{\"name\": [methods]}``; ``\"standard\"`` has "
        + ", ".join(STANDARD_METHODS) + " unless overridden.",
    ),
    Setting(
        "DOCDATA_SIMULATOR_UPDATE_URLS", {},
        "``{merchant: \"https://shop/api/docdata/update_order/?order_id=\"}``; default: the "
        "plugin's ``order_status_update`` URL on the host the order was created through.",
    ),
    Setting(
        "DOCDATA_SIMULATOR_RETURN_URLS", {},
        "Per merchant ``{\"success\"|\"pending\"|\"canceled\"|\"error\": url}``: the "
        "Back Office defaults used when the menu URL carries no return URL.",
    ),
    Setting(
        "DOCDATA_SIMULATOR_NOTIFY", "thread",
        "``\"thread\"`` (a background worker, off the request path), ``\"sync\"`` (in the "
        "request, after commit) or ``\"off\"``.",
    ),
    Setting("DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS", 10, "Attempts per notification."),
    Setting(
        "DOCDATA_SIMULATOR_NOTIFY_BACKOFF", 1.0,
        "Seconds before the second attempt; doubles for each further one, capped by "
        "``DOCDATA_SIMULATOR_NOTIFY_MAX_DELAY``.",
    ),
    Setting("DOCDATA_SIMULATOR_NOTIFY_MAX_DELAY", 300.0, "Cap on the backoff, in seconds."),
    Setting("DOCDATA_SIMULATOR_NOTIFY_TIMEOUT", 10.0, "Seconds per notification request."),
    Setting(
        "DOCDATA_SIMULATOR_FAULTS", {},
        "Faults from settings, ``{operation or \"*\": {\"mode\": ..., \"seconds\": ..., "
        "\"code\": ...}}``, e.g. ``{\"status\": {\"mode\": \"latency\", \"seconds\": 2}}`` "
        "(see ``oscar_docdata.simulator.faults``).",
    ),
    Setting("DOCDATA_SIMULATOR_XSD_VERSION", "1.3.14", "``ddpXsdVersion`` of its replies."),
    Setting(
        "DOCDATA_SIMULATOR_CHECK_REPLIES", False,
        "Check every reply against the XSD before sending it (a fault if it fails): for "
        "tests.",
    ),
    Setting(
        "DOCDATA_SIMULATOR_SETTLE_SECONDS", 10.0,
        "Seconds until a capture or refund requested over SOAP is ``CAPTURED`` (booked "
        "``NEW``, ``STARTED`` after half, then in the totals, as the live service reports "
        "them); ``0``: at once; ``None``: only by an explicit action (``settle-pending``, "
        "``fail-pending``, ``cancel-pending``).",
    ),
    Setting(
        "DOCDATA_SIMULATOR_FIRST_PAYMENT_ID", 4000000001,
        "First payment id handed out (ids then grow by one across all orders).",
    ),
)

DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}


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
