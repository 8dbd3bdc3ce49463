"""Capture and refund in the dashboard: of a given amount or of everything available,
split over the order's payments, each part's outcome told to staff."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from oscar_docdata.dashboard import forms
from oscar_docdata.dashboard.action_views import (
    TRIGGER,
    OrderActionView,
    Outcome,
    docdata_reason,
)
from oscar_docdata.exceptions import (
    DocdataAmountError,
    DocdataDuplicateRequest,
    DocdataGatewayError,
    DocdataMoneyBlocked,
    DocdataOutcomeUnknown,
    DocdataPartialFailure,
    DocdataRequestError,
)
from oscar_docdata.labels import label, money
from oscar_docdata.models import DocdataMoneyRequest

if TYPE_CHECKING:  # a type of django-stubs, not needed at run time
    from django_stubs_ext import StrOrPromise


class AmountActionView(OrderActionView):
    """Capture or refund, of a given amount or of everything available."""

    operation = ""
    #: "Refund of %(amount)s", the start of every message.
    what: StrOrPromise = ""
    unreachable: StrOrPromise = _(
        "Docdata could not be reached; nothing was sent. Try again later.")

    @property
    def action(self) -> str:  # type: ignore[override]
        return self.operation

    def perform(self, facade: Any, form: forms.ConfirmForm) -> Outcome:
        payment = form.cleaned_data.get("payment")
        result = getattr(facade, self.operation)(
            self.order, amount=form.cleaned_data.get("amount"), payment=payment,
            trigger=TRIGGER, user=self.request.user,
            request_key=form.cleaned_data["request_key"],
        )
        what = self.what_of(result.requests)
        states = {request.state for request in result.requests}
        values = {"what": what, "status": self.status_label()}
        if result.status_error is not None:
            level, message = messages.WARNING, _(
                "%(what)s accepted by Docdata, but the status could not be refreshed "
                "afterwards: refresh it before doing more."
            )
        elif states == {DocdataMoneyRequest.STATE_DONE}:
            level, message = messages.SUCCESS, _("%(what)s done; the order is now %(status)s.")
        elif DocdataMoneyRequest.STATE_FAILED in states:
            level, message = messages.ERROR, _(
                "%(what)s requested, but Docdata reports it failed: %(parts)s. The order "
                "is %(status)s."
            )
            values["parts"] = parts(result.requests)
        elif DocdataMoneyRequest.STATE_ACCEPTED in states:
            level, message = messages.SUCCESS, _(
                "%(what)s requested; Docdata accepted it and has not reported it yet. The "
                "order is %(status)s."
            )
        else:
            level, message = messages.SUCCESS, _(
                "%(what)s requested; Docdata reports it in progress. The order is %(status)s."
            )
        note = self.note(result.requests) + (f" on payment {payment}" if payment else "")
        return Outcome(level, message % values, note)

    def failed(self, error: Exception, form: forms.ConfirmForm) -> Outcome:
        if isinstance(error, DocdataDuplicateRequest):
            return Outcome(messages.WARNING, str(_(
                "This form was already submitted; nothing was sent again. The capture "
                "and refund requests below show how the first submission went."
            )), None)
        if isinstance(error, DocdataMoneyBlocked):
            return Outcome(messages.ERROR, str(_(
                "Nothing was sent: an earlier capture or refund of this order is still "
                "being sent or its outcome is unknown. Refresh the status before trying "
                "again."
            )), None)
        if isinstance(error, DocdataOutcomeUnknown):
            message = _(
                "%(what)s requested, outcome unknown: Docdata did not answer. Refresh the "
                "status before trying again."
            )
            return Outcome(messages.ERROR, message % {"what": self.what_of(error.requests)},
                           f"{self.note(error.requests)}: outcome unknown")
        if isinstance(error, DocdataPartialFailure):
            message = _("%(what)s went through in part: %(parts)s. %(reason)s")
            reason = rest_failed(error.error)
            values = {"what": self.what_of(error.requests), "parts": parts(error.requests),
                      "reason": reason}
            return Outcome(messages.ERROR, message % values,
                           f"{self.note(error.requests)}: in part")
        if isinstance(error, DocdataAmountError):
            return Outcome(messages.ERROR, str(_(
                "Nothing was sent: the amount is no longer available. Open the form again "
                "to see what is."
            )), None)
        return super().failed(error, form)

    def what_of(self, requests: list[DocdataMoneyRequest]) -> str:
        """E.g. "Refund of €4.00" for the total of ``requests``."""
        return str(self.what % {"amount": total_of(requests)})

    def note(self, requests: list[DocdataMoneyRequest]) -> str:
        """The history note, e.g. "refund €4.00"."""
        return f"{self.operation} {total_of(requests)}"


def rest_failed(error: Exception) -> str:
    """Why the parts after the first failing one did not go through."""
    if isinstance(error, DocdataRequestError):
        return str(_("Docdata refused the rest: %(reason)s.") % {"reason": docdata_reason(error)})
    if isinstance(error, DocdataGatewayError) and error.request_sent:
        return str(_("Docdata did not answer for the rest: refresh the status before trying "
                     "again."))
    return str(_("The rest was not sent: Docdata could not be reached."))


def total_of(requests: list[DocdataMoneyRequest]) -> str:
    """The formatted total of ``requests``."""
    total = sum((request.amount for request in requests), Decimal(0))
    return money(total, requests[0].currency) if requests else money(total, "EUR")


def parts(requests: list[DocdataMoneyRequest]) -> str:
    """Each part's payment, amount and readable state, e.g. "payment 1: €4.00 done"."""
    return "; ".join(
        str(_("payment %(payment)s: %(amount)s %(state)s") % {
            "payment": request.payment.display_id,
            "amount": money(request.amount, request.currency),
            "state": lower_first(label("request", request.state)),
        })
        for request in requests
    )


def lower_first(text: str) -> str:
    """A label inside a sentence: "Refused by Docdata" → "refused by Docdata"."""
    return text[:1].lower() + text[1:]


class CaptureView(AmountActionView):
    form_class = forms.CaptureForm
    operation = "capture"
    title = _("Capture")
    explanation = _("Capture an authorized amount: Docdata collects it from the shopper.")
    failure = _("Docdata could not capture: %(error)s")
    refused = _("Docdata refused the capture: %(reason)s. Nothing was captured.")
    what = _("Capture of %(amount)s")


class RefundView(AmountActionView):
    form_class = forms.RefundForm
    operation = "refund"
    title = _("Refund")
    explanation = _(
        "Refund a captured amount to the shopper. Several partial refunds may add up "
        "to the captured amount."
    )
    failure = _("Docdata could not refund: %(error)s")
    refused = _("Docdata refused the refund: %(reason)s. Nothing was refunded.")
    what = _("Refund of %(amount)s")

