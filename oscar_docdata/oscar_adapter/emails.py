"""The order confirmation e-mail, sent without a request (from Docdata's notification)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sites.models import Site
from django.urls import NoReverseMatch, reverse
from oscar.core.loading import get_class

OrderDispatcher = get_class("order.utils", "OrderDispatcher")

logger = logging.getLogger("oscar.checkout")


def confirmation_context(order: Any) -> dict[str, Any]:
    """The context Oscar's checkout gives the ORDER_PLACED message, minus the request."""
    context = {"user": order.user, "order": order, "lines": order.lines.all()}
    try:
        if order.user_id:
            path = reverse("customer:order", kwargs={"order_number": order.number})
        else:
            path = reverse(
                "customer:anon-order",
                kwargs={"order_number": order.number, "hash": order.verification_hash()},
            )
    except NoReverseMatch:
        return context
    site = Site.objects.get_current()
    context.update(site=site, status_path=path, status_url=f"http://{site.domain}{path}")
    return context


def send_confirmation_email(order: Any) -> None:
    """Send Oscar's ORDER_PLACED message for ``order`` to its customer.

    An order without any e-mail address (e.g. created by a shop's own code) gets none.
    """
    if not order.email:
        logger.info("Order #%s has no e-mail address: no confirmation sent", order.number)
        return
    dispatcher = OrderDispatcher(logger=logger)
    dispatcher.send_order_placed_email_for_user(order, confirmation_context(order))
