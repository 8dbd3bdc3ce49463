"""Captures and refunds: money moves once.

Each part of a capture or refund (one per payment) is recorded as a
``DocdataMoneyRequest`` with a unique merchant reference and committed before it is
sent; after a failed part the rest are not sent. What a part may take is what
:mod:`oscar_docdata.money_requests` says is still available. ``Interface.capture`` and
``Interface.refund`` use these steps under the order's row lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from oscar_docdata import money_requests
from oscar_docdata.amounts import checked_amount
from oscar_docdata.exceptions import (
    DocdataAmountError,
    DocdataDuplicateRequest,
    DocdataError,
    DocdataGatewayError,
    DocdataMoneyBlocked,
    DocdataOutcomeUnknown,
    DocdataPartialFailure,
    DocdataRequestError,
)
from oscar_docdata.gateway.values import Amount
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder, DocdataPayment
from oscar_docdata.money import from_minor_units, to_minor_units
from oscar_docdata.updater import StatusUpdate

if TYPE_CHECKING:  # the gateway loads zeep: imported on the first Docdata call only
    from oscar_docdata.gateway.client import DocdataClient

logger = logging.getLogger("oscar_docdata")

#: What is available on a payment for an operation (``Interface.available``).
Available = Callable[[DocdataPayment, str], Decimal]


@dataclass
class MoneyResult:
    """What one capture or refund call did: its recorded parts and the status after."""

    operation: str
    requests: list[DocdataMoneyRequest]
    #: The status update pulled after Docdata accepted the parts (None if it failed).
    update: StatusUpdate | None = None
    #: Why that status pull failed; the accepted parts stay recorded.
    status_error: Exception | None = None

    @property
    def amount(self) -> Decimal:
        """The total of the parts Docdata accepted (or already reported)."""
        return sum((r.amount for r in self.requests if r.state in money_requests.ACCEPTED),
                   Decimal(0))

    @property
    def new_status(self) -> str:
        """The order's status after the call (the StatusUpdate's, for older callers)."""
        return self.update.new_status if self.update else self.requests[0].docdata_order.status


def money_note(operation: str, requests: list[DocdataMoneyRequest]) -> str:
    """The history note of a capture or refund: what and how much, e.g. "refund EUR 4.00"."""
    total = sum((request.amount for request in requests), Decimal(0))
    currency = requests[0].currency if requests else ""
    return f"{operation} {currency} {total}".strip()


@dataclass(frozen=True)
class Portion:
    """The part of a capture or refund that goes to one payment."""

    payment: DocdataPayment
    amount: Decimal


# --- recording ---------------------------------------------------------------------------

def record(
    operation: str, locked: DocdataOrder, amount: Decimal | None,
    payment: DocdataPayment | int | None, *, user: Any, request_key: str,
    given_reference: Any, available: Available,
) -> list[DocdataMoneyRequest]:
    """Record the parts of one capture or refund of ``locked``, before any is sent.

    ``locked`` is held under its row lock: that serialises this with every other
    request and report of the order, so two submissions never both see the same money
    available. The caller's transaction commits the parts.
    """
    # A reference of the caller's names one request too (references are unique).
    same = Q(docdata_order=locked, request_key=request_key)
    if given_reference:
        same |= Q(reference=str(given_reference)[:35])
    earlier = list(DocdataMoneyRequest.objects.filter(same))
    if earlier:
        raise DocdataDuplicateRequest(request_key, earlier)
    if money_requests.unsettled(locked).exists():
        raise DocdataMoneyBlocked(
            f"an earlier capture or refund of order {locked.order_key} is being "
            "sent or its outcome is unknown: refresh the status first"
        )
    parts = portions(operation, locked, amount, payment, available)
    requests = []
    for index, portion in enumerate(parts):
        reference = (
            str(given_reference)[:35] if given_reference and len(parts) == 1
            else part_reference(operation, request_key, index)
        )
        currency = (portion.payment.currency or locked.currency).upper()
        requests.append(DocdataMoneyRequest.objects.create(
            docdata_order=locked, payment=portion.payment, kind=operation,
            amount=from_minor_units(to_minor_units(portion.amount, currency), currency),
            currency=currency,
            reference=reference, request_key=request_key,
            user=user if getattr(user, "is_authenticated", False) else None,
        ))
    return requests


def part_reference(operation: str, request_key: str, index: int) -> str:
    """A merchant reference of at most 35 characters, unique per request and part."""
    return f"{operation[0].upper()}{request_key[:30]}-{index}"


def portions(
    operation: str, order: DocdataOrder, amount: Decimal | None,
    payment: DocdataPayment | int | None, available: Available,
) -> list[Portion]:
    """How ``amount`` (None: all that is available) is taken from the order's payments.

    With ``payment`` only that payment, else the payments in payment id order.
    """
    payments = _payments(order, payment)
    open_payments = [(p, available(p, operation)) for p in payments]
    open_payments = [(p, left) for p, left in open_payments if left > 0]
    total_left = sum((left for _p, left in open_payments), Decimal(0))
    if not open_payments:
        raise DocdataAmountError("amount", f"nothing left to {operation}")
    if amount is None:
        return [Portion(p, left) for p, left in open_payments]

    currency = open_payments[0][0].currency or order.currency
    amount = checked_amount(amount, currency)
    if amount > total_left:
        raise DocdataAmountError(
            "amount",
            f"{amount} {currency} is more than the {total_left} available to {operation}",
        )
    parts: list[Portion] = []
    remaining = amount
    for p, left in open_payments:
        part = min(left, remaining)
        parts.append(Portion(p, part))
        remaining -= part
        if not remaining:
            break
    return parts


def _payments(order: DocdataOrder, payment: DocdataPayment | int | None) -> list[DocdataPayment]:
    """``payment`` (which must be the order's) or all of the order's payments."""
    if payment is None:
        return list(order.payments.order_by("payment_id"))
    # Whatever the caller passed: int() refuses what is no payment id.
    payment_id: Any = payment.payment_id if isinstance(payment, DocdataPayment) else payment
    try:
        return [order.payments.get(payment_id=int(payment_id))]
    except (DocdataPayment.DoesNotExist, TypeError, ValueError):
        raise DocdataAmountError(
            "payment", f"payment {payment_id} does not belong to order {order.order_key}"
        ) from None


# --- sending -----------------------------------------------------------------------------

@sensitive_variables("args")
def send_all(client: DocdataClient, operation: str, requests: list[DocdataMoneyRequest],
             args: dict[str, Any], order: DocdataOrder) -> Exception | None:
    """Send the recorded parts in turn; after a failure the rest are not sent.

    Returns the failure (None when every part was accepted). ``args`` are the
    client call's other keyword arguments.
    """
    reference_arg = f"merchant_{operation}_reference"
    args = {key: val for key, val in args.items() if key != reference_arg}
    call = client.capture if operation == DocdataMoneyRequest.KIND_CAPTURE else client.refund
    failure: Exception | None = None
    for request in requests:
        if failure is not None:
            set_state(request, DocdataMoneyRequest.STATE_NOT_SENT, "an earlier part failed")
            continue
        failure = send(call, request, args, order)
    return failure


@sensitive_variables("args")
def send(call: Callable[..., Any], request: DocdataMoneyRequest, args: dict[str, Any],
         order: DocdataOrder) -> Exception | None:
    """Send one recorded request and record what came back; return its failure."""
    reference = {f"merchant_{request.kind}_reference": request.reference}
    try:
        call(request.payment.payment_id, Amount(request.amount, request.currency),
             **args, **reference)
    except DocdataRequestError as error:
        set_state(request, DocdataMoneyRequest.STATE_REFUSED, str(error))
        return error
    except DocdataGatewayError as error:
        state = (DocdataMoneyRequest.STATE_UNKNOWN if error.request_sent
                 else DocdataMoneyRequest.STATE_NOT_SENT)
        set_state(request, state, error.reason)
        return error
    except BaseException as error:
        # Anything else after the call began (a bug, an interrupt): the money
        # may have moved, so the request stays "outcome unknown".
        set_state(request, DocdataMoneyRequest.STATE_UNKNOWN, type(error).__name__)
        raise
    set_state(request, DocdataMoneyRequest.STATE_ACCEPTED, "")
    logger.info(
        "Docdata order %s: %s of %s %s on payment %s accepted (reference %s)",
        order.order_key, request.kind, request.amount, request.currency,
        request.payment.payment_id, request.reference,
    )
    return None


def set_state(request: DocdataMoneyRequest, state: str, reason: str) -> None:
    """Record a request's state at once (autocommit: it must survive what follows)."""
    request.state, request.reason = state, reason[:250]
    request.save(update_fields=["state", "reason", "updated"])


# --- after sending -----------------------------------------------------------------------

def finish(result: MoneyResult, failure: Exception | None, order: DocdataOrder,
           pull_status: Callable[[str], StatusUpdate]) -> MoneyResult:
    """Pull the status when a part went through, then return ``result`` or raise.

    ``pull_status(note)`` pulls and applies the order's status. Raises the operation's
    ``DocdataRequestError`` when Docdata refused (nothing moved),
    ``DocdataOutcomeUnknown`` when the answer never came, and ``DocdataPartialFailure``
    when only some parts went through.
    """
    moved = [r for r in result.requests if r.state == DocdataMoneyRequest.STATE_ACCEPTED]
    if moved:
        try:
            result.update = pull_status(money_note(result.operation, moved))
        except DocdataError as error:
            # What Docdata accepted stays recorded; the next pull settles it.
            logger.warning("Docdata order %s: status after %s failed: %s",
                           order.order_key, result.operation, error)
            result.status_error = error
        for request in result.requests:
            request.refresh_from_db(fields=["state", "docdata_status", "reason", "updated"])
    if failure is None:
        return result
    if not moved:
        if isinstance(failure, DocdataGatewayError) and failure.request_sent:
            raise DocdataOutcomeUnknown(failure.operation, failure.reason, result.requests)
        raise failure
    raise DocdataPartialFailure(result.operation, result.requests, failure)
