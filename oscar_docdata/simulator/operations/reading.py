"""What the operations read from a call: plain element data, amounts, and the order,
payment or mandates it names (rows locked where the operation changes them)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .. import reads
from ..models import PaymentAttempt, SimulatedOrder
from ..soap import Call, child_elements, incorrect, localname

#: Elements that may repeat and are stored as lists.
REPEATED = {"item", "totalVatAmount"}


def element_data(element: etree._Element) -> Any:
    """Plain data of an element: text, or a dict of ``@attributes``, children, ``#text``."""
    children = child_elements(element)
    # lxml-stubs types attribute names as str | bytes; lxml gives str.
    attributes = {f"@{name}": value  # type: ignore[str-bytes-safe]
                  for name, value in element.attrib.items()}
    text = (element.text or "").strip()
    if not children and not attributes:
        return text
    data: dict[str, Any] = dict(attributes)
    if text:
        data["#text"] = text
    for child in children:
        name = localname(child)
        value = element_data(child)
        if name in REPEATED:
            data.setdefault(name, []).append(value)
        else:
            data[name] = value
    return data


def amount_of(element: etree._Element) -> tuple[int, str]:
    """``(value in minor units, currency)`` of an amount element."""
    return int((element.text or "").strip()), element.get("currency", "")


def optional_amount(call: Call, path: str) -> tuple[int, str] | None:
    element = call.find(path)
    return amount_of(element) if element is not None else None


def locked_order(call: Call) -> SimulatedOrder:
    """The caller's order named by paymentOrderKey, its row locked."""
    key = call.required_text("paymentOrderKey")
    order = reads.locked_of(call.merchant, key)
    if order is None:
        raise incorrect(f"Unknown payment order key {key}.")
    return order


def locked_attempt(call: Call) -> PaymentAttempt:
    """The caller's payment named by paymentId, its order's row locked."""
    payment_id = int(call.required_text("paymentId"))
    attempt = (PaymentAttempt.objects.select_related("order", "order__merchant")
               .filter(payment_id=payment_id, order__merchant=call.merchant).first())
    if attempt is None:
        raise incorrect(f"Unknown payment id {payment_id}.")
    reads.locked(attempt.order.order_key)
    attempt.refresh_from_db()
    return attempt


def shopper_mandates(order: SimulatedOrder) -> list[PaymentAttempt]:
    """Authorized SEPA payments of the same shopper of the same merchant with a mandate."""
    shopper_id = order.customer.get("@id")
    attempts = PaymentAttempt.objects.filter(
        order__merchant=order.merchant, method="SEPA_DIRECT_DEBIT", status="AUTHORIZED"
    ).select_related("order").order_by("id")
    return [a for a in attempts
            if a.order.customer.get("@id") == shopper_id and a.details.get("mandate_number")]
