"""Docdata's payment method codes and the names people see for them.

One table for the checkout, the dashboard, Oscar's Source/Transaction labels and the
simulator. Brand names are the same in every language; the others are translated.
Shops override any name with ``DOCDATA_PAYMENT_METHOD_LABELS`` (code → label). A code
without a name (Docdata adds methods over time) is shown as it is.

Pure: no models, so the gateway and the simulator may use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from oscar_docdata.appsettings import docdata_settings

#: Every method code Docdata documents, with its name.
METHOD_NAMES: dict[str, str | Promise] = {
    "IDEAL": "iDEAL",
    "MASTERCARD": "Mastercard",
    "VISA": "Visa",
    "AMEX": "American Express",
    "MAESTRO": "Maestro",
    "MISTERCASH": "Bancontact",
    "PAYPAL_EXPRESS_CHECKOUT": "PayPal",
    "SEPA_DIRECT_DEBIT": _("SEPA direct debit"),
    "BANK_TRANSFER": _("Bank transfer"),
    "EPS": "eps",
    "PODIUM_GIFTCARD": _("Podium gift card"),
    "POINT_OF_SALE": _("Payment at the point of sale"),
    "OFFLINE": _("Offline payment"),
    # Discontinued; still in the reports of old orders.
    "ELV": _("German direct debit (ELV)"),
    "SOFORT_UEBERWEISUNG": "Sofort",
    "EBANKING": "Sofort",
    "GIROPAY": "giropay",
}

#: Methods whose schemes are discontinued: they keep their names for old orders, but
#: the sandbox and the simulator's default profile no longer offer them.
RETIRED_METHODS = frozenset({"ELV", "SOFORT_UEBERWEISUNG", "EBANKING", "GIROPAY"})


def method_name(code: object) -> str:
    """The name of method ``code`` in the active language (the shop's label first)."""
    if code in (None, ""):
        return ""
    text = str(code)
    overrides = docdata_settings.DOCDATA_PAYMENT_METHOD_LABELS or {}
    key = text.upper()
    found = overrides.get(text, overrides.get(key)) or METHOD_NAMES.get(key)
    return str(found) if found else text


def method_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a form's choices, in the order given."""
    return [(code, method_name(code)) for code in codes]
