"""Query helpers for Docdata orders (also importable as ``oscar_docdata.managers``).

The old package's lookups keep their meaning: ``for_reference(order_key)`` and
``for_order(order_number)`` return one DocdataOrder (or raise ``DoesNotExist``). The
lookups that return querysets have their own names: ``for_merchant_reference``,
``for_key`` and ``for_oscar_order``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from oscar_docdata.appsettings import docdata_settings

if TYPE_CHECKING:
    from oscar_docdata.models import DocdataOrder


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

    def for_merchant_reference(self, reference: str) -> DocdataOrderQuerySet:
        """Orders by ``merchantOrderReference``: what Docdata's notification sends back.

        A queryset: the reference is unique per merchant only.
        """
        return self.filter(merchant_order_id=reference)

    def for_key(self, order_key: str) -> DocdataOrderQuerySet:
        """Orders by Docdata's order key (the payment cluster key)."""
        return self.filter(order_key=order_key)

    def for_oscar_order(self, order: Any) -> DocdataOrderQuerySet:
        """Every Docdata order of an Oscar order (retries included), given as its number
        or the order itself."""
        number = getattr(order, "number", order)
        return self.filter(order_number=str(number))

    def for_reference(self, order_key: str) -> DocdataOrder:
        """The order with this order key (what ``create_payment()`` returns).

        The old package's lookup: one order, or ``DoesNotExist``.
        """
        return self.get(order_key=order_key)

    def for_order(self, order: Any) -> DocdataOrder:
        """The latest Docdata order of an Oscar order (given as its number or the order).

        The old package's lookup returned the one Docdata order of an order number; an
        order may now have several (a new one per retry), and this returns the most
        recently created, the one the shopper was sent to last. Raises ``DoesNotExist``
        when there is none. Every one of them: :meth:`for_oscar_order`.
        """
        return self.for_oscar_order(order).latest("created", "pk")


class DocdataOrderManager(models.Manager.from_queryset(DocdataOrderQuerySet)):  # type: ignore[misc]
    """The manager of DocdataOrder: every queryset method above, on ``objects``."""

    #: The old package's attribute naming the queryset class.
    queryset_class = DocdataOrderQuerySet
