"""Query helpers for Docdata orders (also importable as ``oscar_docdata.managers``).

The old package's lookups keep their meaning: ``for_reference(order_key)`` and
``for_order(order_number)`` return one DocdataOrder (or raise ``DoesNotExist``). The
lookups that return querysets have their own names: ``for_merchant_reference``,
``for_key`` and ``for_oscar_order``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import connections, models
from django.db.models import Q

from oscar_docdata.appsettings import docdata_settings

if TYPE_CHECKING:
    from oscar_docdata.models import DocdataOrder


def configured_merchants() -> list[str]:
    """Names of the merchants whose credentials are configured (with a non-empty password)."""
    return [name for name, password in docdata_settings.merchant_passwords().items() if password]


def configured_subject_merchants() -> list[str]:
    """Names of the subject merchants with a token (DOCDATA_SUBJECT_MERCHANT_TOKENS)."""
    return list(docdata_settings.subject_merchant_tokens())


#: Docdata's order keys: 32 hexadecimal digits (Docdata writes them upper-case).
ORDER_KEY = re.compile(r"[0-9A-Fa-f]{32}")

#: The pg_trgm indexes migration 0009 creates where the database allows it.
TRIGRAM_INDEXES = {
    "order_number": "oscar_docdata_order_number_trgm",
    "merchant_order_id": "oscar_docdata_order_reference_trgm",
    "order_key": "oscar_docdata_order_key_trgm",
}

#: A trigram index only narrows a substring of three characters or more.
SUBSTRING_MIN_LENGTH = 3

#: Per database: whether the trigram indexes exist (asked once per process).
_substring_search: dict[tuple[str, str], bool] = {}


def substring_search_available(using: str = "default") -> bool:
    """Whether the staff search may look for substrings: on PostgreSQL with the
    trigram indexes of migration 0009 only, so that no search reads the whole table."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    key = (using, connection.settings_dict["NAME"])
    if key not in _substring_search:
        from oscar_docdata.models import DocdataOrder  # here: models imports this module

        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(
                cursor, DocdataOrder._meta.db_table
            )
        _substring_search[key] = set(TRIGRAM_INDEXES.values()) <= set(found)
    return _substring_search[key]


def payment_id_of(query: str) -> int | None:
    """``query`` as a payment id (a whole number that fits the column), else None."""
    if query.isascii() and query.isdigit() and int(query) < 2**63:
        return int(query)
    return None


def payment_search(query: str) -> Q:
    """Payments whose payment id is ``query`` (or, for rows of the old package, whose
    unusable id was ``query``): exact matches, each served by an index."""
    condition = Q(legacy_payment_id=query)
    payment_id = payment_id_of(query)
    if payment_id is not None:
        condition |= Q(payment_id=payment_id)
    return condition


def order_search(query: str, *, by_payment: bool = True) -> Q:
    """The staff search for Docdata orders, for ``DocdataOrder.objects.filter()``.

    Exact matches on order number, merchant reference, order key (an order-key-shaped
    query also upper-cased) and payment id. When none match, on PostgreSQL with the
    trigram indexes, a query of three characters or more matches a part of the order
    number, reference or key, ignoring case. Every branch is served by an index.
    ``by_payment=False``: not by payment id (the payment list searches those itself).
    """
    query = query.strip()
    condition = Q(order_number=query) | Q(merchant_order_id=query) | Q(order_key=query)
    if ORDER_KEY.fullmatch(query):
        # A whole key needs no substring search; keys are stored upper-case.
        return condition | Q(order_key=query.upper())
    if by_payment:
        payment_model = apps.get_model("oscar_docdata", "DocdataPayment")
        # Resolved first: an IN (subquery) inside an OR would make the database read
        # every order to test it.
        order_ids = list(
            payment_model.objects.filter(payment_search(query)).order_by()
            .values_list("docdata_order_id", flat=True)
        )
        if order_ids:
            condition |= Q(pk__in=order_ids)
    if len(query) >= SUBSTRING_MIN_LENGTH and substring_search_available():
        order_model = apps.get_model("oscar_docdata", "DocdataOrder")
        # An exact match wins: a whole order number shares its trigrams with many
        # others, so looking for it as a part costs more and finds neighbours.
        if not order_model.objects.filter(condition).exists():
            condition = Q()
            for field in TRIGRAM_INDEXES:
                condition |= Q(**{f"{field}__icontains": query})
    return condition


class DocdataOrderQuerySet(models.QuerySet["DocdataOrder"]):
    def search(self, query: str) -> DocdataOrderQuerySet:
        """Orders found by the staff search for ``query`` (see :func:`order_search`)."""
        return self.filter(order_search(query)) if query.strip() else self


    def current_merchant(self) -> DocdataOrderQuerySet:
        """Orders of the default merchant (``DOCDATA_MERCHANT_NAME``)."""
        return self.filter(merchant_name=docdata_settings.DOCDATA_MERCHANT_NAME)

    def active_merchants(self) -> DocdataOrderQuerySet:
        """Orders of every merchant (and subject merchant) this shop holds credentials for.

        Orders of other merchants (e.g. an account that was removed from the settings),
        or of a subject merchant whose token is not configured, cannot be queried at
        Docdata, so the views treat them as unknown.
        """
        return self.filter(
            Q(subject_merchant_name="")
            | Q(subject_merchant_name__in=configured_subject_merchants()),
            merchant_name__in=configured_merchants(),
        )

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
