"""Receivers that keep the Oscar order in step with its Docdata order.

Connected by ``connect()`` (from the app's ``ready()``); they act only while the setting
``DOCDATA_OSCAR_RECEIVERS`` is true (the default), checked on every call.

- ``order_updated`` (once per applied status report, whatever number of payment lines
  changed): the Oscar order's Source amounts, Transactions and PaymentEvents (see
  ``oscar_docdata.oscar_adapter.payments``); on a status change also the Oscar order status
  through DOCDATA_ORDER_STATUS_MAPPING when Oscar's pipeline allows it (moving into the
  cancelled status frees the order's stock, once: ``oscar_docdata.oscar_adapter.stock``), and the
  confirmation e-mail when the order became paid (``DOCDATA_CONFIRMATION_EMAIL = "paid"``,
  the default).
- ``return_view_called`` with CANCELLED or ERROR: when the order is the shopper's own, it
  is cancelled at Docdata (unless money is on its way) and its basket given back.

A failing receiver logs the error and returns: it never turns Docdata's notification
into an error, which would only make Docdata retry a change that is already stored.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oscar_docdata import signals, status
from oscar_docdata.configured_facade import get_facade
from oscar_docdata.exceptions import DocdataError
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.oscar_adapter.basket import give_basket_back, is_shoppers_own
from oscar_docdata.oscar_adapter.conf import (
    EMAIL_WHEN_PAID,
    confirmation_email_when,
    receivers_enabled,
)
from oscar_docdata.oscar_adapter.emails import send_confirmation_email
from oscar_docdata.oscar_adapter.payments import sync_payments
from oscar_docdata.oscar_adapter.sources import (
    locked_order_and_source,
    oscar_order_for,
    oscar_order_link,
)
from oscar_docdata.oscar_adapter.status import follow_docdata_status

logger = logging.getLogger("oscar_docdata")

BASKET_GIVEN_BACK = _(
    "Your payment was not completed and your order has been cancelled. Your basket is "
    "back, so you can try again."
)
NOT_CANCELLED = _(
    "Your payment was not completed. We could not cancel the order right now; it will "
    "be cancelled automatically if it stays unpaid."
)


def guarded_receiver(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` only while the receivers are enabled; log its errors, never raise."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not receivers_enabled():
            return None
        try:
            return func(*args, **kwargs)
        except Exception:
            order = kwargs.get("order")
            logger.exception(
                "oscar_docdata receiver %s failed for Docdata order %s",
                func.__name__, getattr(order, "order_key", order),
            )
            return None

    return guarded


@guarded_receiver
def order_updated(
    sender: Any, order: DocdataOrder, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """A report changed the Docdata order: payment records, and the status if it changed."""
    keep_in_step(order, statuses=(new_status,) if new_status != old_status else None)


def keep_in_step(docdata_order: DocdataOrder, statuses: Iterable[str] | None = None) -> None:
    """Bring the Oscar order of ``docdata_order`` in step with its committed state.

    With ``statuses`` (the new status of a status change signal) the Oscar order also
    follows the mapping: first the signalled status, then the current one, so that
    signals arriving out of order still leave the order where Docdata is.
    """
    link = oscar_order_link(docdata_order)
    if link is None:
        logger.info(
            "Docdata order %s: no Oscar order %s to keep in step",
            docdata_order.order_key, docdata_order.order_number,
        )
        return
    with transaction.atomic():
        # Lock the Oscar order first, then read the Docdata order's committed state: a
        # change committed meanwhile by another process is then seen here or waits.
        order, source = locked_order_and_source(*link)
        if order is None:
            return  # deleted meanwhile
        current = DocdataOrder.objects.get(pk=docdata_order.pk)
        sync = sync_payments(order, current, source=source)
        if statuses is not None:
            follow_docdata_status(order, [*statuses, current.status])
        if (
            sync.paid_event is not None
            and current.status in status.CONFIRMED
            and confirmation_email_when() == EMAIL_WHEN_PAID
        ):
            transaction.on_commit(partial(send_confirmation_email_logged, order))


def send_confirmation_email_logged(order: Any) -> None:
    """Send the confirmation; a mail failure is logged (the payment is recorded)."""
    try:
        send_confirmation_email(order)
    except Exception:
        logger.exception("Order %s: the confirmation e-mail could not be sent", order.number)


@guarded_receiver
def shopper_returned(
    sender: Any, request: HttpRequest, order: DocdataOrder, callback: str, **kwargs: Any
) -> None:
    """Cancelled or failed payment: cancel the shopper's own order, give the basket back."""
    if callback not in ("CANCELLED", "ERROR") or request.method != "GET":
        return None
    oscar_order = oscar_order_for(order)
    if oscar_order is None or not is_shoppers_own(request, oscar_order):
        return None
    if order.status in status.SHOPPER_CANCELLABLE:
        try:
            get_facade().cancel_order(order, trigger=DocdataStatusChange.TRIGGER_RETURN)
        except (DocdataError, ImproperlyConfigured) as error:
            logger.warning("Docdata order %s: cancel on return failed: %s", order.order_key, error)
            messages.warning(request, NOT_CANCELLED, fail_silently=True)
            return None
    order.refresh_from_db()
    if order.status == DocdataOrder.STATUS_CANCELLED and give_basket_back(request, oscar_order):
        messages.info(request, BASKET_GIVEN_BACK, fail_silently=True)
    return None


#: (signal, receiver, dispatch_uid) of every receiver of this module.
RECEIVERS: tuple[tuple[Signal, Callable[..., Any], str], ...] = (
    (signals.order_updated, order_updated, "oscar_docdata.receivers.order_updated"),
    (signals.return_view_called, shopper_returned, "oscar_docdata.receivers.shopper_returned"),
)


def connect() -> None:
    """Connect every receiver (idempotent: each has a dispatch_uid)."""
    for signal, func, uid in RECEIVERS:
        signal.connect(func, dispatch_uid=uid, weak=False)


def disconnect() -> None:
    for signal, func, uid in RECEIVERS:
        signal.disconnect(func, dispatch_uid=uid)


def is_connected() -> bool:
    """Whether the receivers are connected (all of them are connected together)."""
    signal, _func, uid = RECEIVERS[0]
    return any(key[0] == uid for key, *_rest in signal.receivers)
