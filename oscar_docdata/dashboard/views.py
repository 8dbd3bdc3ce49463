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

from oscar_docdata.dashboard import forms
from oscar_docdata.dashboard.apps import serving_config
from oscar_docdata.dashboard.backoffice import backoffice_url
from oscar_docdata.exceptions import DocdataError
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations.history import record_action

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
        context["capturable"] = sum(
            (Interface.available(payment, "capture") for payment in order.payments.all()), 0
        )
        context["refundable"] = sum(
            (Interface.available(payment, "refund") for payment in order.payments.all()), 0
        )
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


class OrderActionView(DashboardPageMixin, FormView):
    """Confirmation page (GET) and the action itself (POST) for one Docdata order."""

    template_name = "oscar_docdata/dashboard/docdataorder_action.html"
    form_class: type[forms.ConfirmForm] = forms.ConfirmForm
    #: Shown as the page title and on the button.
    title = ""
    #: What the action does, shown above the button.
    explanation = ""
    #: The message when Docdata refuses, with ``%(error)s``.
    failure = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.order = get_object_or_404(docdata_orders_for_user(request.user), pk=kwargs["pk"])
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
        from oscar_docdata.facade import get_facade

        old_status = self.order.status
        try:
            message, note = self.perform(get_facade(), form)
        except (DocdataError, ImproperlyConfigured) as error:
            logger.warning(
                "Dashboard: %s of Docdata order %s failed: %s",
                self.__class__.__name__, self.order.order_key, error,
            )
            messages.error(self.request, self.failure % {"error": error})
            return HttpResponseRedirect(self.get_success_url())
        record_action(
            self.order, old_status=old_status, trigger=TRIGGER, user=self.request.user, note=note
        )
        messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())

    def perform(self, facade: Any, form: forms.ConfirmForm) -> tuple[str, str]:
        """Do the action; return the success message and the history note."""
        raise NotImplementedError

    def status_label(self) -> str:
        return str(dict(DocdataOrder.STATUS_CHOICES).get(self.order.status, self.order.status))


class RefreshStatusView(OrderActionView):
    title = _("Refresh status")
    explanation = _(
        "Ask Docdata for the current status of this order and apply it. This changes "
        "nothing at Docdata."
    )
    failure = _("Docdata could not be asked for the status: %(error)s")

    def perform(self, facade: Any, form: forms.ConfirmForm) -> tuple[str, str]:
        update = facade.update_order(
            self.order, trigger=TRIGGER, user=self.request.user, note="refresh"
        )
        if update.changed:
            message = _("Status refreshed; the order is now %(status)s.")
        else:
            message = _("Status refreshed; Docdata reports no change (%(status)s).")
        return message % {"status": self.status_label()}, "refresh"


class DocdataOrderUpdateStatusView(RefreshStatusView):
    """The old package's ``update-status/<pk>/`` page (URL name ``docdata-order-update-status``).

    The old view refreshed the status on GET. Here GET changes nothing: it shows the
    refresh confirmation page, whose button POSTs to the same URL; the POST asks Docdata
    for the status and redirects to the order's detail page, as the old GET did.
    """


class CancelOrderView(OrderActionView):
    old_template_name = "oscar_docdata/dashboard/orders/confirm_cancel.html"
    title = _("Cancel order")
    explanation = _(
        "Ask Docdata to cancel this order. Payments that are authorized but not "
        "captured are voided; Docdata refuses when money was captured."
    )
    failure = _("Docdata could not cancel the order: %(error)s")

    def perform(self, facade: Any, form: forms.ConfirmForm) -> tuple[str, str]:
        result = facade.cancel_order(
            self.order, trigger=TRIGGER, user=self.request.user, note="cancel"
        )
        message = _("Docdata answered %(result)s to the cancellation; the order is %(status)s.")
        return (
            message % {"result": result.result, "status": self.status_label()},
            f"cancel: {result.result}",
        )


class AmountActionView(OrderActionView):
    """Capture or refund, of a given amount or of everything available."""

    operation = ""
    done = ""

    def perform(self, facade: Any, form: forms.AmountForm) -> tuple[str, str]:
        amount = form.cleaned_data.get("amount")
        payment = form.cleaned_data.get("payment")
        # Say how much moves; no amount means everything available (on that payment).
        shown = amount if amount is not None else form.available_on(payment)
        text = form.format(shown, form.currency)
        getattr(facade, self.operation)(
            self.order, amount=amount, payment=payment, trigger=TRIGGER, user=self.request.user
        )
        message = self.done % {"amount": text, "status": self.status_label()}
        note = f"{self.operation} {text}" + (f" on payment {payment}" if payment else "")
        return message, note


class CaptureView(AmountActionView):
    form_class = forms.CaptureForm
    operation = "capture"
    title = _("Capture")
    explanation = _("Capture an authorized amount: Docdata collects it from the shopper.")
    failure = _("Docdata could not capture: %(error)s")
    done = _("Capture of %(amount)s requested; the order is now %(status)s.")


class RefundView(AmountActionView):
    form_class = forms.RefundForm
    operation = "refund"
    title = _("Refund")
    explanation = _(
        "Refund a captured amount to the shopper. Several partial refunds may add up "
        "to the captured amount."
    )
    failure = _("Docdata could not refund: %(error)s")
    done = _("Refund of %(amount)s requested; the order is now %(status)s.")


#: The old package's name of the cancel view (a confirmation page; POST cancels).
DocdataOrderCancelView = CancelOrderView
