"""Query helpers for Docdata orders."""

from __future__ import annotations

from typing import Any

from django.db import models

from oscar_docdata.appsettings import docdata_settings


def configured_merchants() -> list[str]:
    """Names of the merchants whose credentials are configured (with a non-empty password)."""
    return [name for name, password in docdata_settings.merchant_passwords().items() if password]


class DocdataOrderQuerySet(models.QuerySet):
    def current_merchant(self) -> DocdataOrderQuerySet:
        """Orders of the default merchant (``DOCDATA_MERCHANT_NAME``)."""
        return self.filter(merchant_name=docdata_settings.DOCDATA_MERCHANT_NAME)

    def active_merchants(self) -> DocdataOrderQuerySet:
        """Orders of every merchant this shop holds credentials for.

        Orders of other merchants (e.g. an account that was removed from the settings)
        cannot be queried at Docdata, so the views treat them as unknown.
        """
        return self.filter(merchant_name__in=configured_merchants())

    def for_reference(self, reference: str) -> DocdataOrderQuerySet:
        """Orders by ``merchantOrderReference``: what Docdata's notification sends back."""
        return self.filter(merchant_order_id=reference)

    def for_key(self, order_key: str) -> DocdataOrderQuerySet:
        """Orders by Docdata's order key (the payment cluster key)."""
        return self.filter(order_key=order_key)

    def for_order(self, order: Any) -> DocdataOrderQuerySet:
        """Docdata orders of an Oscar order, given as its number or the order itself."""
        number = getattr(order, "number", order)
        return self.filter(order_number=str(number))


DocdataOrderManager = models.Manager.from_queryset(DocdataOrderQuerySet)
