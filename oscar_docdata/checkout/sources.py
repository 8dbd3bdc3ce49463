"""The link between a Docdata order and its Oscar order: a payment Source.

The checkout records a Source of type "Docdata" whose reference is the Docdata order
key. The receivers find the Oscar order through that Source, so a Docdata order only
ever touches the Oscar order it was created for. Orders without such a Source (placed
before this integration, or by a shop's own code) are found by their number.
"""

from __future__ import annotations

from typing import Any

from oscar.core.loading import get_model

from oscar_docdata.models import DocdataOrder

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

SOURCE_TYPE_CODE = "docdata"
SOURCE_TYPE_NAME = "Docdata"


def docdata_source_type() -> Any:
    """The "Docdata" SourceType, created when missing."""
    source_type, _created = SourceType.objects.get_or_create(
        code=SOURCE_TYPE_CODE, defaults={"name": SOURCE_TYPE_NAME}
    )
    return source_type


def oscar_order_id_for(docdata_order: DocdataOrder) -> int | None:
    """The id of the Oscar order ``docdata_order`` pays for, or None."""
    # Ids only: most Docdata orders without a Source have no Oscar order at all, and
    # selecting Order's many columns costs more than these lookups.
    order_id = (
        Source.objects.filter(
            reference=docdata_order.order_key, source_type__code=SOURCE_TYPE_CODE
        )
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        order_id = (
            Order.objects.filter(number=docdata_order.order_number)
            .values_list("pk", flat=True)
            .first()
        )
    return order_id


def oscar_order(order_id: int, *, lock: bool = False) -> Any | None:
    """The Oscar order ``order_id`` (None when deleted meanwhile).

    ``lock`` locks the order's row until the surrounding transaction ends.
    """
    orders = Order.objects.select_for_update() if lock else Order.objects.all()
    return orders.filter(pk=order_id).first()


def oscar_order_for(docdata_order: DocdataOrder) -> Any | None:
    """The Oscar order ``docdata_order`` pays for, or None."""
    order_id = oscar_order_id_for(docdata_order)
    return None if order_id is None else oscar_order(order_id)


def source_for(order: Any, docdata_order: DocdataOrder) -> Any:
    """The order's Source for ``docdata_order``, created when missing."""
    source = Source.objects.filter(
        order=order, reference=docdata_order.order_key, source_type__code=SOURCE_TYPE_CODE
    ).first()
    if source is None:
        source = Source.objects.create(
            order=order,
            source_type=docdata_source_type(),
            reference=docdata_order.order_key,
            currency=docdata_order.currency,
        )
    return source
