"""The payload of every request, built from the value classes and checked by :mod:`..fields`.

Each function returns the keyword arguments zeep serialises into the operation's
request element (element names as in the schema; ``_value_1`` is the text of an
element with attributes, such as an amount). Optional values that are empty are
left out. Everything raises DocdataValidationError before anything is sent.

One module per concept: :mod:`.merchant` (what every request carries), :mod:`.common`
(amounts, the order key, names and addresses), :mod:`.create` and :mod:`.invoice`
(create), :mod:`.payment` (start and proceed) and :mod:`.capture_refund`; the builders
are importable from here (``builders.create(…)``).
"""

from __future__ import annotations

from .capture_refund import capture, refund
from .common import address, amount, destination, name, order_key, order_key_only
from .create import company, create, shopper
from .invoice import UNITS_OF_MEASURE, invoice, item, vat
from .merchant import (
    PLUGIN_NAME,
    base_request,
    default_integration_info,
    integration_info,
    merchant,
    subject_fee,
    subject_merchant,
)
from .payment import CARD_INPUTS, payment_input, proceed, start

__all__ = [
    "CARD_INPUTS",
    "PLUGIN_NAME",
    "UNITS_OF_MEASURE",
    "address",
    "amount",
    "base_request",
    "capture",
    "company",
    "create",
    "default_integration_info",
    "destination",
    "integration_info",
    "invoice",
    "item",
    "merchant",
    "name",
    "order_key",
    "order_key_only",
    "payment_input",
    "proceed",
    "refund",
    "shopper",
    "start",
    "subject_fee",
    "subject_merchant",
    "vat",
]
