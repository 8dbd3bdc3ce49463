"""Readable labels for Docdata's codes, and the one money format, for staff pages and messages.

Docdata adds statuses over time, so every table is open: a code without a label is
shown as it is (:func:`label`). Templates use them through ``{% load docdata_labels %}``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.templatetags.currency_filters import currency

from oscar_docdata.methods import method_name
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder

#: A payment's (authorization) status as Docdata reports it.
PAYMENT_STATUSES = {
    "NEW": _("New"),
    "STARTED": _("Started"),
    "REDIRECTED_FOR_AUTHENTICATION": _("Waiting for the shopper to authenticate"),
    "AUTHENTICATED": _("Authenticated"),
    "AUTHENTICATION_FAILED": _("Authentication failed"),
    "AUTHENTICATION_ERROR": _("Authentication error"),
    "REDIRECTED_FOR_AUTHORIZATION": _("Waiting for the shopper to authorize"),
    "AUTHORIZATION_REQUESTED": _("Authorization requested"),
    "AUTHORIZED": _("Authorized"),
    "AUTHORIZATION_FAILED": _("Authorization failed"),
    "AUTHORIZATION_ERROR": _("Authorization error"),
    "RISK_CHECK_OK": _("Risk check passed"),
    "RISK_CHECK_FAILED": _("Risk check failed"),
    "PAID": _("Paid"),
    "CONFIRMED_PAID": _("Paid (confirmed)"),
    "CHARGED-BACK": _("Charged back"),
    "CONFIRMED_CHARGEDBACK": _("Charged back (confirmed)"),
    "CANCEL_REQUESTED": _("Cancellation requested"),
    "CANCELED": _("Cancelled"),
    "CANCELLED": _("Cancelled"),
    "CANCEL_FAILED": _("Cancellation failed"),
    "CANCEL_ERROR": _("Cancellation error"),
    "CLOSED_SUCCESS": _("Closed, paid"),
    "CLOSED_CANCELED": _("Closed, cancelled"),
    "CLOSED_CANCELLED": _("Closed, cancelled"),
    "START_ERROR": _("Could not be started"),
}

#: A capture, refund or chargeback line of a payment.
LINE_STATUSES = {
    "NEW": _("requested"),
    "STARTED": _("in progress"),
    "CAPTURED": _("done"),
    "CANCELED": _("cancelled"),
    "CANCELLED": _("cancelled"),
    "FAILED": _("failed"),
    "ERROR": _("error"),
    "CHARGED": _("charged back"),
}

#: How sure Docdata is that the money will come.
CONFIDENCE_LEVELS = {
    "SHOPPER_PENDING": _("Waiting for the shopper"),
    "ACQUIRER_PENDING": _("Waiting for the bank"),
    "ACQUIRER_APPROVED": _("Approved by the bank"),
    "RISK_CHECK_OK": _("Risk check passed"),
    "AUTHORIZED": _("Authorized"),
}

ORDER_STATUSES = dict(DocdataOrder.STATUS_CHOICES)
REQUEST_STATES = dict(DocdataMoneyRequest.STATE_CHOICES)
REQUEST_KINDS = dict(DocdataMoneyRequest.KIND_CHOICES)

TABLES = {
    "payment": PAYMENT_STATUSES,
    "line": LINE_STATUSES,
    "confidence": CONFIDENCE_LEVELS,
    "order": ORDER_STATUSES,
    "request": REQUEST_STATES,
    "kind": REQUEST_KINDS,
}


#: Tables answered by a function: "method" is a payment method's name
#: (:func:`oscar_docdata.methods.method_name`, the shop's DOCDATA_PAYMENT_METHOD_LABELS
#: first).
NAMERS = {
    "method": method_name,
}


def label(table: str, code: object) -> str:
    """The label of ``code`` in ``table`` (one of :data:`TABLES` or :data:`NAMERS`), else
    the code itself."""
    if code in (None, ""):
        return ""
    if table in NAMERS:
        return NAMERS[table](code)
    code = str(code)
    labels = TABLES[table]
    found = labels.get(code)
    if found is None and table in ("payment", "line", "confidence"):
        found = labels.get(code.upper())
    return str(found) if found is not None else code


def money(amount: Decimal | str | int, currency_code: str) -> str:
    """``amount`` as Oscar's ``currency`` filter shows it (e.g. "€4.00"): pages and
    messages use this one format."""
    return currency(amount, currency_code)
