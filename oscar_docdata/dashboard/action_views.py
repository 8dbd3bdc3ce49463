"""The dashboard's order actions: the confirmation page and action view they share,
refreshing the status and cancelling the order (capture and refund: :mod:`.money_views`).

Every action is a confirmation page on GET (which changes nothing) and the action on
POST (CSRF protected). Docdata's errors and missing credentials become error
messages on the order's page, never server errors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from oscar_docdata.configured_facade import get_facade
from oscar_docdata.dashboard import actions, forms
from oscar_docdata.dashboard.pages import DashboardPageMixin, docdata_orders_for_user
from oscar_docdata.exceptions import DocdataError, DocdataGatewayError, DocdataRequestError
from oscar_docdata.labels import label
from oscar_docdata.models import DocdataStatusChange
from oscar_docdata.operations.history import record_action

if TYPE_CHECKING:  # a type of django-stubs, not needed at run time
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger("oscar_docdata")

TRIGGER = DocdataStatusChange.TRIGGER_DASHBOARD


@dataclass(frozen=True)
class Outcome:
    """What an action did: the message for staff (level and text) and the history note
    (None: nothing to record, e.g. when nothing was sent)."""

    level: int
    message: str
    note: str | None


class OrderActionView(DashboardPageMixin, FormView):
    """Confirmation page (GET) and the action itself (POST) for one Docdata order.

    An action the order's state does not allow (see :mod:`.actions`) is refused on GET
    and POST alike: back to the order's page with the reason, nothing sent.
    """

    template_name = "oscar_docdata/dashboard/docdataorder_action.html"
    form_class: type[forms.ConfirmForm] = forms.ConfirmForm
    #: The name :func:`actions.allowed` knows the action by.
    action = "refresh"
    #: Shown as the page title and on the button.
    title: StrOrPromise = ""
    #: What the action does, shown above the button.
    explanation: StrOrPromise = ""
    #: The message of any other failure, with ``%(error)s``.
    failure: StrOrPromise = ""
    #: Docdata answered with errors (``%(reason)s``: Docdata's texts, without codes).
    refused: StrOrPromise = _("Docdata refused: %(reason)s. Nothing changed.")
    #: Docdata could not be reached: nothing was sent.
    unreachable: StrOrPromise = _(
        "Docdata could not be reached; nothing was sent. Try again later.")
    #: The request was sent but the answer never came or could not be used.
    no_answer: StrOrPromise = _(
        "Docdata did not answer usably, so the outcome is unknown. Refresh the status "
        "before trying again."
    )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.order = get_object_or_404(docdata_orders_for_user(request.user), pk=kwargs["pk"])
        allowed = actions.allowed(self.action, self.order)
        if not allowed:
            messages.error(request, allowed.reason)
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "order": self.order}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            docdata_order=self.order, object=self.order, title=self.title,
            explanation=self.explanation,
        )
        return context

    def get_success_url(self) -> str:
        match = self.request.resolver_match
        return reverse(
            self.url_name("docdata-order-detail"), kwargs={"pk": self.order.pk},
            current_app=match.namespace if match is not None else None,
        )

    def form_valid(self, form: forms.ConfirmForm) -> HttpResponse:
        old_status = self.order.status
        try:
            outcome = self.perform(get_facade(), form)
        except (DocdataError, ImproperlyConfigured) as error:
            logger.warning(
                "Dashboard: %s of Docdata order %s failed: %s",
                self.__class__.__name__, self.order.order_key, error,
            )
            # A failure after Docdata took part of it may have changed the status.
            self.order.refresh_from_db()
            outcome = self.failed(error, form)
        if outcome.note is not None:
            record_action(
                self.order, old_status=old_status, trigger=TRIGGER, user=self.request.user,
                note=outcome.note,
            )
        messages.add_message(self.request, outcome.level, outcome.message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, facade: Any, form: forms.ConfirmForm) -> Outcome:
        """Do the action; return what it did."""
        raise NotImplementedError

    def failed(self, error: Exception, form: forms.ConfirmForm) -> Outcome:
        """The outcome of an action that raised ``error``."""
        if isinstance(error, DocdataRequestError):
            return Outcome(messages.ERROR, self.refused % {"reason": docdata_reason(error)}, None)
        if isinstance(error, DocdataGatewayError):
            text = self.no_answer if error.request_sent else self.unreachable
            return Outcome(messages.ERROR, str(text), None)
        return Outcome(messages.ERROR, self.failure % {"error": error}, None)

    def status_label(self) -> str:
        return label("order", self.order.status)


def docdata_reason(error: DocdataRequestError) -> str:
    """Docdata's error texts, without its codes (a code alone when it gave no text)."""
    # Without the final full stop: the texts end up inside a sentence of ours.
    texts = [text.strip().rstrip(".") for _code, text in error.errors if text and text.strip()]
    return "; ".join(texts) or str(_("Docdata gave no reason"))


class RefreshStatusView(OrderActionView):
    title = _("Refresh status")
    explanation = _(
        "Ask Docdata for the current status of this order and apply it. This changes "
        "nothing at Docdata."
    )
    failure = _("Docdata could not be asked for the status: %(error)s")
    refused = _("Docdata could not be asked for the status: %(reason)s. Nothing changed.")
    unreachable = _(
        "Docdata could not be asked for the status: it could not be reached. Nothing "
        "changed; try again later."
    )
    no_answer = _(
        "Docdata could not be asked for the status: its answer was missing or unusable. "
        "Nothing changed; try again later."
    )

    def perform(self, facade: Any, form: forms.ConfirmForm) -> Outcome:
        update = facade.update_order(
            self.order, trigger=TRIGGER, user=self.request.user, note="refresh"
        )
        if update.changed:
            message = _("Status refreshed; the order is now %(status)s.")
        else:
            message = _("Status refreshed; Docdata reports no change (%(status)s).")
        return Outcome(messages.SUCCESS, message % {"status": self.status_label()}, "refresh")


class DocdataOrderUpdateStatusView(RefreshStatusView):
    """The old package's ``update-status/<pk>/`` page (URL name ``docdata-order-update-status``).

    The old view refreshed the status on GET. Here GET changes nothing: it shows the
    refresh confirmation page, whose button POSTs to the same URL; the POST asks Docdata
    for the status and redirects to the order's detail page, as the old GET did.
    """



#: Docdata's cancel results: (message level, message, history note).
CANCEL_RESULTS = {
    "SUCCESS": (
        messages.SUCCESS,
        _("Docdata cancelled the order; the order is now %(status)s."),
        "cancel",
    ),
    "ALREADY_CANCELED": (
        messages.SUCCESS,
        _("Docdata had already cancelled this order; the order is %(status)s."),
        "cancel: already cancelled at Docdata",
    ),
    "NO_PAYMENTS": (
        messages.SUCCESS,
        _("The order was cancelled at Docdata before the shopper paid anything; the "
          "order is now %(status)s."),
        "cancel: no payments",
    ),
    "FAILED": (
        messages.ERROR,
        _("Docdata refused to cancel: a payment could not be cancelled, for example "
          "because money was captured (refund it instead). The order is %(status)s."),
        "cancel refused by Docdata",
    ),
    "PENDING": (
        messages.WARNING,
        _("Docdata is still cancelling: a payment is being processed. Refresh the status "
          "later; the order is %(status)s for now."),
        "cancel pending at Docdata",
    ),
}
CANCEL_UNEXPECTED = (
    messages.WARNING,
    _("Docdata's answer to the cancellation was not one this shop knows: refresh the "
      "status to see whether the order was cancelled. The order is %(status)s."),
    "cancel: unexpected answer from Docdata",
)


class CancelOrderView(OrderActionView):
    old_template_name = "oscar_docdata/dashboard/orders/confirm_cancel.html"
    action = "cancel"
    title = _("Cancel order")
    explanation = _(
        "Ask Docdata to cancel this order. Payments that are authorized but not "
        "captured are voided; Docdata refuses when money was captured."
    )
    failure = _("Docdata could not cancel the order: %(error)s")
    refused = _("Docdata refused to cancel the order: %(reason)s.")
    no_answer = _(
        "Docdata could not cancel the order: its answer was missing or unusable, so the "
        "outcome is unknown. Refresh the status before trying again."
    )

    def perform(self, facade: Any, form: forms.ConfirmForm) -> Outcome:
        before = self.order.status_changes.order_by("-id").values_list("id", flat=True).first()
        result = facade.cancel_order(
            self.order, trigger=TRIGGER, user=self.request.user, note="cancel"
        )
        level, message, note = CANCEL_RESULTS.get(result.result, CANCEL_UNEXPECTED)
        # The updater recorded a status change (e.g. to paid, when the report showed a
        # capture) before Docdata's answer was known: give it the note of that answer.
        self.order.status_changes.filter(
            id__gt=before or 0, trigger=TRIGGER, note="cancel"
        ).update(note=note)
        if result.result not in CANCEL_RESULTS:
            logger.warning("Dashboard: Docdata order %s: unexpected cancel result %r",
                           self.order.order_key, result.result)
        return Outcome(level, message % {"status": self.status_label()}, note)

