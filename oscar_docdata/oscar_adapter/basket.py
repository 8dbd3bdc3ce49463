"""Giving a placed order's basket back to its shopper after a cancelled payment."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from oscar.core.loading import get_model

logger = logging.getLogger("oscar_docdata")

Basket = get_model("basket", "Basket")


def is_shoppers_own(request: HttpRequest, order: Any) -> bool:
    """Whether ``order`` belongs to the person making ``request``.

    A signed-in customer owns the orders of their account; a guest owns the order the
    checkout placed in their session. Knowing an order key proves nothing.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return order.user_id == user.pk
    session = getattr(request, "session", None)
    return (
        order.user_id is None
        and session is not None
        and session.get("checkout_order_id") == order.pk
    )


def give_basket_back(request: HttpRequest, order: Any) -> bool:
    """Put the lines (and vouchers) of ``order``'s basket into the request's basket.

    Happens once per order: the submitted basket is marked merged in the same
    transaction, so a reloaded return page adds nothing twice. Lines whose product is
    gone or no longer priced are left out (and logged). Returns whether lines were
    given back.
    """
    if order.basket_id is None:
        return False
    with transaction.atomic():
        claimed = Basket.objects.filter(pk=order.basket_id, status=Basket.SUBMITTED).update(
            status=Basket.MERGED, date_merged=timezone.now()
        )
        if not claimed:
            return False
        old_basket = Basket.objects.get(pk=order.basket_id)
        basket = request.basket  # type: ignore[attr-defined]  # set by Oscar's middleware
        for line in old_basket.all_lines():
            if line.product is None:
                continue
            options = [
                {"option": attribute.option, "value": attribute.value}
                for attribute in line.attributes.all()
            ]
            try:
                basket.add_product(line.product, line.quantity, options)
            except ValueError as error:  # Oscar's "no price for this product"
                logger.warning(
                    "Order %s: %s not given back to the basket: %s",
                    order.number, line.product, error,
                )
        for voucher in old_basket.vouchers.all():
            basket.vouchers.add(voucher)
    return True
