"""Views of the Docdata dashboard: order list, order detail and the order actions.

Every action is a confirmation page on GET (which changes nothing) and the action on
POST (CSRF protected). Docdata's errors and missing credentials become error
messages on the order's page, never server errors.

The views link to each other in the URL namespace they were reached through:
``oscar_docdata_dashboard`` (the config's ``urls``), none (the old
``application.urls``), or a shop's own (e.g. ``dashboard`` in a forked dashboard).
A shop's template under the old package's name (``oscar_docdata/dashboard/orders/
list.html``, ``detail.html``, ``confirm_cancel.html``) is used before ours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView
from oscar.core.loading import get_model
from oscar.views.decorators import check_permissions

from oscar_docdata.configured_facade import get_facade
from oscar_docdata.dashboard import actions, forms
from oscar_docdata.dashboard.apps import serving_config
from oscar_docdata.dashboard.backoffice import backoffice_url
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
from oscar_docdata.labels import label, money
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.history import record_action
from oscar_docdata.pagination import CappedCountPaginator

logger = logging.getLogger("oscar_docdata")

TRIGGER = DocdataStatusChange.TRIGGER_DASHBOARD
APP_LABEL = "oscar_docdata_dashboard"


def docdata_orders_for_user(user: Any) -> QuerySet[DocdataOrder]:
    """The Docdata orders ``user`` may see, as Oscar's order dashboard decides.

    Staff see every order; other users (partner dashboard access) the Docdata orders
    of Oscar orders with at least one line of a partner they belong to.
    """
    queryset = DocdataOrder.objects.all()
    if user.is_staff:
        return queryset
    order_model = get_model("order", "Order")
    numbers = order_model._default_manager.filter(lines__partner__users=user).values("number")
    return queryset.filter(order_number__in=numbers)


def namespaced(request: HttpRequest, name: str) -> str:
    """URL name ``name`` in the application namespace ``request`` was resolved in.

    Reverse it with ``current_app=request.resolver_match.namespace`` (as ``{% url %}``
    does) to stay in the same instance.
    """
    match = getattr(request, "resolver_match", None)
    app_name = match.app_name if match is not None else APP_LABEL
    return f"{app_name}:{name}" if app_name else name


def may(user: Any, url_name: str) -> bool:
    """Whether ``user`` passes the dashboard permissions of view ``url_name``."""
    return check_permissions(user, serving_config().get_permissions(url_name))


class DashboardPageMixin:
    """Template names and URL names shared by the dashboard's pages."""

    request: HttpRequest
    #: The old package's template name: a shop's override of it is used first.
    old_template_name: str | None = None

    def get_template_names(self) -> list[str]:
        names = list(super().get_template_names())
        return [self.old_template_name, *names] if self.old_template_name else names

    def url_name(self, name: str) -> str:
        """``name`` in the URL namespace of the current request."""
        return namespaced(self.request, name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # For {% url docdata_url_prefix|add:"docdata-order-detail" pk=… %} in templates.
        context["docdata_url_prefix"] = self.url_name("")
        return context


class DocdataOrderListView(DashboardPageMixin, ListView):
    template_name = "oscar_docdata/dashboard/docdataorder_list.html"
    old_template_name = "oscar_docdata/dashboard/orders/list.html"
    context_object_name = "docdata_orders"
    form_class = forms.DocdataOrderSearchForm
    paginator_class = CappedCountPaginator

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE

    def get_queryset(self) -> QuerySet[DocdataOrder]:
        queryset = docdata_orders_for_user(self.request.user).order_by("-created", "-pk")
        self.form = self.form_class(self.request.GET or None)
        if self.form.is_bound and self.form.is_valid():
            queryset = self.form.filter(queryset)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["search_filters"] = self.form.descriptions()
        return context


class DocdataOrderDetailView(DashboardPageMixin, DetailView):
    template_name = "oscar_docdata/dashboard/docdataorder_detail.html"
    old_template_name = "oscar_docdata/dashboard/orders/detail.html"
    context_object_name = "docdata_order"

    def get_queryset(self) -> QuerySet[DocdataOrder]:
        return docdata_orders_for_user(self.request.user).prefetch_related(
            "payments", "status_changes__user"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        order: DocdataOrder = self.object
        context["oscar_order_url"] = oscar_order_url(order)
        context["backoffice_url"] = backoffice_url(order)
        context["payments"] = context["object_payments"] = order.payments.all()
        context["history"] = order.status_changes.all()
        context["may_act"] = may(self.request.user, "docdata-order-refresh")
        # One place decides which buttons show; the action views ask the same.
        context["actions"] = allowed = actions.allowed_actions(order)
        context["capturable"] = (
            actions.available(order, "capture") if allowed["capture"] else Decimal(0)
        )
        context["refundable"] = (
            actions.available(order, "refund") if allowed["refund"] else Decimal(0)
        )
        context["money_requests"] = order.money_requests.select_related(
            "payment", "user"
        ).order_by("-created", "-id")
        context["unsettled_notice"] = actions.unsettled_notice(order)
        return context


def oscar_order_url(order: DocdataOrder) -> str | None:
    """The Oscar dashboard page of the order this Docdata order pays, when it exists."""
    order_model = get_model("order", "Order")
    if not order_model._default_manager.filter(number=order.order_number).exists():
        return None
    try:
        return reverse("dashboard:order-detail", kwargs={"number": order.order_number})
    except NoReverseMatch:
        return None


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
    title = ""
    #: What the action does, shown above the button.
    explanation = ""
    #: The message of any other failure, with ``%(error)s``.
    failure = ""
    #: Docdata answered with errors (``%(reason)s``: Docdata's texts, without codes).
    refused = _("Docdata refused: %(reason)s. Nothing changed.")
    #: Docdata could not be reached: nothing was sent.
    unreachable = _("Docdata could not be reached; nothing was sent. Try again later.")
    #: The request was sent but the answer never came or could not be used.
    no_answer = _(
        "Docdata did not answer usably, so the outcome is unknown. Refresh the status "
        "before trying again."
    )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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


class AmountActionView(OrderActionView):
    """Capture or refund, of a given amount or of everything available."""

    operation = ""
    #: "Refund of %(amount)s", the start of every message.
    what = ""
    unreachable = _("Docdata could not be reached; nothing was sent. Try again later.")

    @property
    def action(self) -> str:  # type: ignore[override]
        return self.operation

    def perform(self, facade: Any, form: forms.AmountForm) -> Outcome:
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


#: The old package's name of the cancel view (a confirmation page; POST cancels).
DocdataOrderCancelView = CancelOrderView
