"""Which dashboard actions an order's state allows, decided in one place.

The detail page shows a button only for an allowed action, and the action views refuse
(GET and POST) what is not allowed, so a stale page or a typed URL sends nothing.
Docdata and the Interface still check again when the action is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from oscar_docdata import money_requests, status
from oscar_docdata.labels import label, money
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder

ACTIONS = ("refresh", "cancel", "capture", "refund")


@dataclass(frozen=True)
class Allowed:
    """Whether an action is allowed, and why not (a sentence for staff)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Allowed(True)


def unsettled_notice(order: DocdataOrder) -> str:
    """Why captures and refunds wait, or "" when no request of the order is unsettled."""
    request = money_requests.unsettled(order).order_by("created", "id").first()
    return unsettled_text(request) if request is not None else ""


def unsettled_text(request: DocdataMoneyRequest) -> str:
    """A sentence on one unsettled request, e.g. "Refund of €4.00 requested, outcome unknown…"."""
    values = {"kind": label("kind", request.kind),
              "amount": money(request.amount, request.currency)}
    if request.state == DocdataMoneyRequest.STATE_SENDING:
        text = _("%(kind)s of %(amount)s is being sent to Docdata: refresh the status "
                 "before trying again.")
    else:
        text = _("%(kind)s of %(amount)s requested, outcome unknown: Docdata did not answer. "
                 "Refresh the status before trying again. If Docdata never reports it, it "
                 "is released by a refresh a few minutes after it was sent.")
    return str(text % values)


def _captured(order: DocdataOrder) -> bool:
    """Whether any money was captured, is being captured or may have been."""
    for payment in order.payments.all():
        if payment.amount_debited > 0:
            return True
        if money_requests.pending_in_report(payment, DocdataMoneyRequest.KIND_CAPTURE) > 0:
            return True
    return DocdataMoneyRequest.objects.filter(
        docdata_order=order, kind=DocdataMoneyRequest.KIND_CAPTURE,
        state__in=(*money_requests.NOT_YET_REPORTED, DocdataMoneyRequest.STATE_PENDING,
                   DocdataMoneyRequest.STATE_DONE),
    ).exists()


def available(order: DocdataOrder, kind: str) -> Decimal:
    """What can be captured or refunded on all the order's payments together."""
    return sum((money_requests.available(payment, kind) for payment in order.payments.all()),
               Decimal(0))


def may_cancel(order: DocdataOrder) -> Allowed:
    if order.status not in status.CANCELLABLE_AT_DOCDATA:
        return Allowed(False, str(
            _("The order is %(status)s: only new, in-progress or pending orders can be "
              "cancelled.") % {"status": label("order", order.status)}
        ))
    notice = unsettled_notice(order)
    if notice:
        return Allowed(False, notice)
    if _captured(order):
        return Allowed(False, str(_("Money was captured on this order: refund it instead of "
                                    "cancelling.")))
    return YES


_NOTHING_LEFT = {
    DocdataMoneyRequest.KIND_CAPTURE: _("No authorized amount is left to capture."),
    DocdataMoneyRequest.KIND_REFUND: _("No captured amount is left to refund."),
}


def may_move(order: DocdataOrder, kind: str) -> Allowed:
    """Whether a capture or refund (``kind``) may be requested now."""
    notice = unsettled_notice(order)
    if notice:
        return Allowed(False, notice)
    if available(order, kind) <= 0:
        return Allowed(False, str(_NOTHING_LEFT[kind]))
    return YES


def may_capture(order: DocdataOrder) -> Allowed:
    return may_move(order, DocdataMoneyRequest.KIND_CAPTURE)


def may_refund(order: DocdataOrder) -> Allowed:
    return may_move(order, DocdataMoneyRequest.KIND_REFUND)


_CHECKS = {"cancel": may_cancel, "capture": may_capture, "refund": may_refund}


def allowed(action: str, order: DocdataOrder) -> Allowed:
    """Whether ``action`` (refresh, cancel, capture, refund) is allowed for ``order``."""
    check = _CHECKS.get(action)
    return check(order) if check is not None else YES


def allowed_actions(order: DocdataOrder) -> dict[str, Allowed]:
    """Every action's :class:`Allowed`, for the detail page's buttons."""
    return {action: allowed(action, order) for action in ACTIONS}
