"""Recurring charges: a new order charged, without a shopper, on a series' first payment.

The first order of a series is created with ``initial_payment_reference`` and paid by
card or SEPA direct debit; ``Interface.charge_recurring`` creates each later order,
starts it with ``recurringPaymentRequest`` naming that reference and pulls its status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from oscar_docdata import order_creation
from oscar_docdata.amounts import checked_amount
from oscar_docdata.exceptions import (
    DocdataError,
    DocdataGatewayError,
    DocdataRecurringCreateError,
    DocdataRecurringDuplicate,
    DocdataRecurringOutcomeUnknown,
    DocdataRecurringReferenceMissing,
    DocdataRecurringRefused,
    DocdataRequestError,
)
from oscar_docdata.gateway.results import CancelResult, StartResult
from oscar_docdata.gateway.values import Amount, RecurringPayment
from oscar_docdata.models import DocdataOrder
from oscar_docdata.order_creation import Creating
from oscar_docdata.updater import StatusUpdate

if TYPE_CHECKING:  # the gateway loads zeep: imported on the first Docdata call only
    from oscar_docdata.gateway.client import DocdataClient

logger = logging.getLogger("oscar_docdata")


@dataclass
class RecurringCharge:
    """What ``Interface.charge_recurring`` did: the stored order, the start's answer and
    the status update pulled after it."""

    order: DocdataOrder
    start: StartResult
    #: The status update pulled after the start (None if that pull failed).
    update: StatusUpdate | None = None
    #: Why that status pull failed; the charge itself went through.
    status_error: Exception | None = None

    @property
    def payment_id(self) -> int | None:
        return self.start.payment_response.payment_id


class Charging(Creating, Protocol):
    """What a charge needs of the Interface (so a shop's overrides take part)."""

    def client_for_order(self, order: DocdataOrder) -> DocdataClient: ...

    def update_order(self, order: DocdataOrder, *, trigger: str = ..., user: Any = ...,
                     note: str = ...) -> StatusUpdate: ...

    def cancel_order(self, order: DocdataOrder, *, trigger: str = ..., user: Any = ...,
                     note: str = ...) -> CancelResult: ...


def charge(
    shop: Charging, initial_order: DocdataOrder, order_number: str,
    amount: Decimal | Amount, description: str | None, *, user: Any,
    language: str | None, profile: str | None, trigger: str, kwargs: dict[str, Any],
) -> RecurringCharge:
    """Charge ``amount`` on ``initial_order``'s series (see ``Interface.charge_recurring``).

    The new order of ``order_number`` is created as ``create_payment`` creates one
    (``kwargs`` go to ``get_create_payment_args``), for the initial order's merchant.
    """
    reference = series_reference(initial_order, order_number)
    total = amount if isinstance(amount, Amount) else Amount(
        checked_amount(amount, initial_order.currency), initial_order.currency)
    try:
        order = order_creation.create(
            shop, order_number, total, user, language or initial_order.language or None,
            description, profile, initial_order.merchant_name,
            subject_merchant=initial_order.subject_merchant_name or None, subject_fee=None,
            kwargs=kwargs, fields={"recurring_initial_order": initial_order},
        )
    except DocdataError as error:
        raise DocdataRecurringCreateError(
            f"the order of the recurring charge {order_number} could not be created: "
            f"{error}"
        ) from error

    def refused() -> None:
        cancel_refused(shop, order, trigger, user)

    result = start(shop.client_for_order(order), order, reference, order_number, refused)
    response = result.payment_response
    logger.info(
        "Docdata order %s: recurring charge of %s %s on %s started (payment %s %s)",
        order.order_key, total.value, total.currency, reference, response.payment_id,
        response.status,
    )
    charged = RecurringCharge(order=order, start=result)
    try:
        charged.update = shop.update_order(
            order, trigger=trigger, user=user, note=f"recurring charge of {reference}"
        )
    except DocdataError as error:
        # The charge went through; the next pull (notification, reconcile) applies it.
        logger.warning("Docdata order %s: status after the recurring charge failed: %s",
                       order.order_key, error)
        charged.status_error = error
    return charged


def series_reference(initial_order: DocdataOrder, order_number: str) -> str:
    """The series' initial payment reference, checked before anything is sent.

    Raises ``DocdataRecurringReferenceMissing`` when there is none and
    ``DocdataRecurringDuplicate`` when ``order_number`` is already charged (or being
    charged) on the series; a cancelled or expired charge may be retried.
    """
    reference = initial_order.initial_payment_reference
    if not reference:
        raise DocdataRecurringReferenceMissing(
            f"Docdata order {initial_order.order_key} has no initial payment reference: "
            "create the first order of a series with initial_payment_reference"
        )
    existing = (
        DocdataOrder.objects.filter(recurring_initial_order=initial_order,
                                    order_number=str(order_number))
        .exclude(status__in=(DocdataOrder.STATUS_CANCELLED, DocdataOrder.STATUS_EXPIRED))
        .order_by("created", "id").first()
    )
    if existing is not None:
        raise DocdataRecurringDuplicate(
            f"order {order_number} was already charged on this series "
            f"(Docdata order {existing.order_key}, {existing.status})",
            order=existing,
        )
    return reference


def start(client: DocdataClient, order: DocdataOrder, reference: str, order_number: str,
          refused: Callable[[], None]) -> StartResult:
    """Start ``order`` as a recurring payment of ``reference``; return Docdata's answer.

    On a refusal (or a start never sent) ``refused()`` runs before
    ``DocdataRecurringRefused`` is raised; when the answer never came
    ``DocdataRecurringOutcomeUnknown`` is raised and the order stays as it is.
    """
    try:
        result = client.start(order.order_key, recurring=RecurringPayment(
            merchant_reference=reference))
    except DocdataRequestError as error:
        refused()
        first = error.errors[0] if error.errors else None
        raise DocdataRecurringRefused(
            f"the recurring charge of order {order_number} was refused: {error}",
            order=order, error=first,
        ) from error
    except DocdataGatewayError as error:
        if error.request_sent:
            raise DocdataRecurringOutcomeUnknown(
                f"the recurring charge of order {order_number} was sent, its answer "
                f"never came ({error.reason}): pull the status before charging again",
                order=order,
            ) from error
        refused()
        raise DocdataRecurringRefused(
            f"the recurring charge of order {order_number} could not be sent: "
            f"{error.reason}", order=order,
        ) from error
    response = result.payment_response
    if response.error is not None or response.insufficient_data:
        refused()
        code, text = response.error or ("INSUFFICIENT_DATA", "insufficient data")
        raise DocdataRecurringRefused(
            f"the recurring charge of order {order_number} was refused: {code}: {text}",
            order=order, error=(code, text),
        )
    return result


def cancel_refused(shop: Charging, order: DocdataOrder, trigger: str, user: Any) -> None:
    """A refused recurring start: cancel the order it was for (and apply its status)."""
    try:
        shop.cancel_order(order, trigger=trigger, user=user, note="recurring charge refused")
    except DocdataError as error:  # the refusal matters more: log it, don't raise
        logger.warning("Docdata order %s: cancelling the refused recurring charge "
                       "failed: %s", order.order_key, error)
