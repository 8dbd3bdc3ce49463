"""Creating a Docdata order: its merchant order reference, and the row stored after.

The merchant order reference is ``<number>``, and ``<number>-<n>`` for a further
Docdata order of the same number (Docdata references are unique forever), unless the
create arguments name an ``order_id`` of their own. The ``DocdataOrder`` row is stored
only after Docdata accepted the order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q
from django.utils.translation import get_language

from oscar_docdata.amounts import to_amount
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataCreateError, DocdataValidationError
from oscar_docdata.gateway.results import CreateResult
from oscar_docdata.gateway.values import Amount, SubjectFee
from oscar_docdata.models import DocdataOrder

if TYPE_CHECKING:  # the gateway loads zeep: imported on the first Docdata call only
    from oscar_docdata.gateway.client import DocdataClient

logger = logging.getLogger("oscar_docdata")

# How many fresh merchant order references a create tries when Docdata says a
# reference is taken (e.g. a create() that timed out after Docdata stored it).
REFERENCE_ATTEMPTS = 5

#: ``Interface.next_merchant_order_id``: (order number, merchant, taken=…) -> reference.
NextReference = Callable[..., str]


class Creating(Protocol):
    """What a create needs of the Interface (so a shop's overrides take part)."""

    merchant_name: str

    def client_for(self, merchant_name: str,
                   subject_merchant_name: str | None = ...) -> DocdataClient: ...

    def get_create_payment_args(self, order_number: str, total: Any, user: Any,
                                language: str | None = ..., description: str | None = ...,
                                profile: str | None = ..., merchant_name: str | None = ...,
                                **kwargs: Any) -> dict[str, Any]: ...

    def next_merchant_order_id(self, order_number: str, merchant_name: str, *,
                               taken: Iterable[str] = ...) -> str: ...


def create(
    shop: Creating, order_number: str, total: Any, user: Any, language: str | None,
    description: str | None, profile: str | None, merchant_name: str | None, *,
    subject_merchant: str | None, subject_fee: SubjectFee | None,
    kwargs: dict[str, Any], fields: dict[str, Any] | None = None,
) -> DocdataOrder:
    """``Interface.create_payment``'s work; returns the stored order (with ``fields``)."""
    language = language or get_language() or "en"
    merchant = merchant_name or shop.merchant_name
    client = shop.client_for(merchant, subject_merchant or None)
    if subject_fee is not None and not subject_merchant:
        raise DocdataValidationError(
            "merchant.subjectMerchant.fee", "a fee needs a subject merchant")
    # Every argument by name, as the old package passed them: overrides written as
    # ``get_create_payment_args(self, *args, **kwargs)`` read them from kwargs.
    args = shop.get_create_payment_args(
        order_number=order_number, total=total, user=user, language=language,
        description=description, profile=profile, merchant_name=merchant, **kwargs,
    )
    if subject_fee is not None:
        args["subject_fee"] = subject_fee
    reference, result = create_at_docdata(
        client, args, str(order_number), merchant, shop.next_merchant_order_id)
    return store_order(
        result, args, order_number=str(order_number), reference=reference, merchant=merchant,
        subject_merchant=subject_merchant, language=language, fields=fields,
    )


def default_args(order_number: str, total: Any, description: str | None,
                 profile: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``Interface.get_create_payment_args``'s own arguments (``kwargs`` is used up)."""
    args: dict[str, Any] = {
        "order_id": str(order_number),
        "total_gross_amount": to_amount(total),
        "shopper": kwargs.pop("shopper", None),
        "bill_to": kwargs.pop("bill_to", None),
        "description": description or str(order_number),
        "profile": profile or docdata_settings.DOCDATA_PROFILE,
        "days_to_pay": kwargs.pop("days_to_pay", None) or docdata_settings.DOCDATA_DAYS_TO_PAY,
    }
    if args["bill_to"] is None:
        raise DocdataValidationError("billTo", "a bill-to name and address is required")
    if args["shopper"] is None and kwargs.get("company") is None:
        raise DocdataValidationError("shopper", "a shopper or a company is required")
    args.update(kwargs)
    return args


def next_free_reference(order_number: str, merchant_name: str, *,
                        taken: Iterable[str] = ()) -> str:
    """The first free merchant order reference for ``order_number``.

    ``<number>`` for the first Docdata order, then ``<number>-2``, ``<number>-3``…
    References of stored orders and those in ``taken`` are skipped.
    """
    number = str(order_number)
    skipped = set(taken)
    # Exact candidates, ten per query, found through indexes: a prefix match
    # (startswith) reads every reference of the merchant. The unique (merchant,
    # reference) index covers the references not shared; a shared one (an old
    # package's order, see migration 0003) has its reference as its order number,
    # so the order number's index finds it.
    first = 1
    while True:
        batch = [number if n == 1 else f"{number}-{n}" for n in range(first, first + 10)]
        used = skipped | set(
            DocdataOrder.objects.filter(
                Q(reference_shared=False) | Q(order_number__in=batch),
                merchant_name=merchant_name,
                merchant_order_id__in=batch,
            )
            .order_by()
            .values_list("merchant_order_id", flat=True)
        )
        free = next((candidate for candidate in batch if candidate not in used), None)
        if free is not None:
            return free
        first += 10


def create_at_docdata(client: DocdataClient, args: dict[str, Any], order_number: str,
                      merchant: str, next_reference: NextReference) -> tuple[str, CreateResult]:
    """Create the order at Docdata; return its merchant order reference and the result.

    An ``order_id`` of the arguments' own (not the order number) is sent as it is;
    else the first free reference is used (see :func:`create_with_free_reference`).
    """
    chosen = args.get("order_id")
    if chosen not in (None, "") and str(chosen) != str(order_number):
        return str(chosen), client.create(**args)
    return create_with_free_reference(client, args, str(order_number), merchant, next_reference)


def create_with_free_reference(
    client: DocdataClient, args: dict[str, Any], order_number: str, merchant: str,
    next_reference: NextReference,
) -> tuple[str, CreateResult]:
    """Create with the first free ``<number>``/``<number>-<n>`` reference."""
    taken: set[str] = set()
    for attempt in range(REFERENCE_ATTEMPTS):
        reference = next_reference(order_number, merchant, taken=taken)
        try:
            return reference, client.create(**{**args, "order_id": reference})
        except DocdataCreateError as error:
            is_taken = any("not unique" in text.lower() for _code, text in error.errors)
            if not is_taken or attempt == REFERENCE_ATTEMPTS - 1:
                raise
            logger.warning(
                "Docdata merchant order reference %s is taken; trying the next", reference
            )
            taken.add(reference)
    raise AssertionError("unreachable")  # the last attempt returns or raises


def store_order(
    result: CreateResult, args: dict[str, Any], *, order_number: str, reference: str,
    merchant: str, subject_merchant: str | None, language: str,
    fields: dict[str, Any] | None = None,
) -> DocdataOrder:
    """Store the order Docdata created from ``args`` (with ``fields`` set on it)."""
    amount: Amount = args["total_gross_amount"]
    bill_to = args.get("bill_to")
    country = getattr(getattr(bill_to, "address", None), "country_code", None)
    order = DocdataOrder.objects.create(
        merchant_name=merchant,
        subject_merchant_name=subject_merchant or "",
        merchant_order_id=reference,
        order_number=str(order_number),
        order_key=result.order_key,
        total_gross_amount=amount.value,
        currency=amount.currency.upper(),
        language=(language or "")[:2].lower(),
        country=country.upper()[:2] if country else None,
        initial_payment_reference=str(args.get("initial_payment_reference") or ""),
        **(fields or {}),
    )
    logger.info(
        "Docdata order %s created for order %s (merchant %s%s)",
        result.order_key, reference, merchant,
        f", subject merchant {subject_merchant}" if subject_merchant else "",
    )
    return order
