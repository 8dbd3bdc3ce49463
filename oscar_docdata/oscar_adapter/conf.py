"""Settings of the Oscar checkout integration (defaults in ``oscar_docdata.appsettings``).

``DOCDATA_OSCAR_RECEIVERS`` (default True) switches the receivers that keep Oscar's
order, Source, Transactions and PaymentEvents in step with Docdata.
``DOCDATA_CONFIRMATION_EMAIL`` (default ``"paid"``) says when the order confirmation
e-mail goes out: ``"paid"`` (when Docdata reports the order paid) or ``"placed"`` (at
placement, Oscar's own behaviour).
"""

from __future__ import annotations

from oscar_docdata.appsettings import docdata_settings

EMAIL_WHEN_PAID = "paid"
EMAIL_WHEN_PLACED = "placed"


def receivers_enabled() -> bool:
    return bool(docdata_settings.DOCDATA_OSCAR_RECEIVERS)


def confirmation_email_when() -> str:
    """``"paid"`` or ``"placed"`` (other values are reported by a system check)."""
    return docdata_settings.DOCDATA_CONFIRMATION_EMAIL
