"""Captures and refunds the shop asked for: what stays available, and how they end.

Docdata lists a requested capture or refund in its status report as ``NEW`` or
``STARTED`` first and counts it in the totals only once ``CAPTURED``; until then the
totals still show the same money as available. Each request is therefore recorded
(``DocdataMoneyRequest``) before it is sent, and what is available subtracts

- the report's own ``NEW``/``STARTED`` captures or refunds, and
- every recorded request the report does not show yet (being sent, accepted, or
  sent with an unknown outcome).

``reconcile()`` matches each status report's lines to the recorded requests, by the
merchant reference we sent (``merchantCaptureId``/``merchantRefundId`` in the report)
or, for reports without references, by amount in the order they were made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.models import DocdataMoneyRequest as Request
from oscar_docdata.models import DocdataOrder, DocdataPayment

#: Requests whose outcome is not known yet: no new capture or refund until settled.
UNSETTLED = (Request.STATE_SENDING, Request.STATE_UNKNOWN)
#: Requests that hold money the report does not show yet.
NOT_YET_REPORTED = (*UNSETTLED, Request.STATE_ACCEPTED)
#: Requests Docdata took: accepted, or reported in progress or done.
ACCEPTED = (Request.STATE_ACCEPTED, Request.STATE_PENDING, Request.STATE_DONE)
#: Requests a report line can still tell us more about.
OPEN = (*NOT_YET_REPORTED, Request.STATE_PENDING)
#: Requests that never left the shop or were refused: nothing to match.
NOTHING_MOVED = (Request.STATE_REFUSED, Request.STATE_NOT_SENT, Request.STATE_NOT_RECEIVED)

#: Statuses of a capture or refund line that still count as pending.
PENDING_LINE_STATUSES = frozenset({"NEW", "STARTED"})
_LINE_STATES = {
    "CAPTURED": Request.STATE_DONE,
    "CANCELED": Request.STATE_FAILED,
    "CANCELLED": Request.STATE_FAILED,
    "FAILED": Request.STATE_FAILED,
    "ERROR": Request.STATE_FAILED,
}
_LINES_KEY = {Request.KIND_CAPTURE: "captures", Request.KIND_REFUND: "refunds"}


def line_state(status: str) -> str:
    """The request state a report line's status means (an unknown status: pending)."""
    return _LINE_STATES.get(status.upper(), Request.STATE_PENDING)


def available(payment: DocdataPayment, kind: str) -> Decimal:
    """What can still be captured (``kind`` "capture") or refunded on ``payment``.

    Nothing on a payment without a payment id (an unusable id kept by the upgrade
    from django-oscar-docdata): Docdata could not be asked to move its money.
    """
    if payment.payment_id is None:
        return Decimal(0)
    if kind == Request.KIND_CAPTURE:
        if payment.status.upper() != "AUTHORIZED":
            return Decimal(0)
        left = payment.amount_allocated - payment.amount_debited
    else:
        left = payment.amount_debited - payment.amount_refunded
    left -= pending_in_report(payment, kind) + not_yet_reported(payment, kind)
    return max(left, Decimal(0))


def pending_in_report(payment: DocdataPayment, kind: str) -> Decimal:
    """The ``NEW``/``STARTED`` captures or refunds of ``payment``'s last report."""
    lines = (payment.lines or {}).get(_LINES_KEY[kind]) or []
    return sum(
        (Decimal(line["amount"]) for line in lines
         if str(line.get("status", "")).upper() in PENDING_LINE_STATUSES),
        Decimal(0),
    )


def not_yet_reported(payment: DocdataPayment, kind: str) -> Decimal:
    """The recorded requests of ``payment`` that its report does not show yet."""
    total = (
        Request.objects.filter(payment=payment, kind=kind, state__in=NOT_YET_REPORTED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal(0)


def unsettled(order: DocdataOrder) -> QuerySet[Request]:
    """The order's requests being sent or with an unknown outcome."""
    return Request.objects.filter(docdata_order=order, state__in=UNSETTLED)


def reconcile(
    order: DocdataOrder, payments: Iterable[Any], *, now: dt.datetime | None = None
) -> list[Request]:
    """Give the order's open requests the state their report lines show; return those
    that changed.

    ``payments`` are the report's payment values (``payment_id`` and ``lines``). A
    request still unsettled and absent from a report pulled at least
    ``DOCDATA_UNKNOWN_OUTCOME_GRACE`` seconds after it was sent never reached Docdata.
    Runs inside the order's row lock (the updater's transaction).
    """
    requests = list(
        Request.objects.filter(docdata_order=order)
        .exclude(state__in=NOTHING_MOVED)
        .select_related("payment")
        .order_by("created", "id")
    )
    if not any(request.state in OPEN for request in requests):
        return []
    now = now or timezone.now()
    grace = dt.timedelta(seconds=docdata_settings.DOCDATA_UNKNOWN_OUTCOME_GRACE)
    lines_by_payment = {values.payment_id: values.lines or {} for values in payments}
    claimed: set[tuple[int, str, int]] = set()
    changed = []
    for request in requests:
        line = _matching_line(request, lines_by_payment, claimed)
        if line is not None:
            state, status = line_state(line["status"]), str(line["status"])
            reason = (line.get("reason") or request.reason)[:250]
        elif request.state in UNSETTLED and now - request.updated >= grace:
            state, status, reason = Request.STATE_NOT_RECEIVED, "", request.reason
        else:
            continue
        if (state, status) != (request.state, request.docdata_status):
            request.state, request.docdata_status, request.reason = state, status, reason
            request.save(update_fields=["state", "docdata_status", "reason", "updated"])
            changed.append(request)
    return changed


def _matching_line(
    request: Request, lines_by_payment: dict[int, dict], claimed: set[tuple[int, str, int]]
) -> dict | None:
    """The report line of ``request``: by its reference, else the first unclaimed line
    of the same amount without a reference (a report that does not echo references)."""
    payment_id = request.payment.payment_id
    if payment_id is None:  # an old package's payment without a numeric id: never sent
        return None
    lines = lines_by_payment.get(payment_id, {}).get(_LINES_KEY[request.kind]) or []
    candidates = [
        (index, line) for index, line in enumerate(lines)
        if (payment_id, request.kind, index) not in claimed
    ]
    found = next(
        ((index, line) for index, line in candidates if line.get("reference") == request.reference),
        None,
    ) or next(
        ((index, line) for index, line in candidates
         if not line.get("reference") and Decimal(line["amount"]) == request.amount),
        None,
    )
    if found is None:
        return None
    claimed.add((payment_id, request.kind, found[0]))
    return found[1]
