"""Views of the Docdata dashboard: order list, order detail and the order actions.

The list and detail pages are here; the actions (refresh, cancel) are in
:mod:`.action_views` and capture and refund in :mod:`.money_views`. Every view class
stays importable from this module, as the old package's were.

The views link to each other in the URL namespace they were reached through:
``oscar_docdata_dashboard`` (the config's ``urls``), none (the old
``application.urls``), or a shop's own (e.g. ``dashboard`` in a forked dashboard).
A shop's template under the old package's name (``oscar_docdata/dashboard/orders/
list.html``, ``detail.html``, ``confirm_cancel.html``) is used before ours.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.views.generic import DetailView, ListView
from oscar.core.loading import get_model

from oscar_docdata.dashboard import actions, forms
from oscar_docdata.dashboard.action_views import (
    CancelOrderView,
    DocdataOrderUpdateStatusView,
    OrderActionView,
    RefreshStatusView,
)
from oscar_docdata.dashboard.backoffice import backoffice_url
from oscar_docdata.dashboard.money_views import AmountActionView, CaptureView, RefundView
from oscar_docdata.dashboard.pages import (
    DashboardPageMixin,
    docdata_orders_for_user,
    may,
    namespaced,
)
from oscar_docdata.models import DocdataOrder
from oscar_docdata.pagination import CappedCountPaginator
from oscar_docdata.querysets import DocdataOrderQuerySet

__all__ = [
    "AmountActionView",
    "CancelOrderView",
    "CaptureView",
    "DashboardPageMixin",
    "DocdataOrderCancelView",
    "DocdataOrderDetailView",
    "DocdataOrderListView",
    "DocdataOrderUpdateStatusView",
    "OrderActionView",
    "RefreshStatusView",
    "RefundView",
    "docdata_orders_for_user",
    "may",
    "namespaced",
    "oscar_order_url",
]


class DocdataOrderListView(DashboardPageMixin, ListView):
    template_name = "oscar_docdata/dashboard/docdataorder_list.html"
    old_template_name = "oscar_docdata/dashboard/orders/list.html"
    context_object_name = "docdata_orders"
    form_class = forms.DocdataOrderSearchForm
    paginator_class = CappedCountPaginator

    def get_paginate_by(self, queryset: QuerySet) -> int:
        # An Oscar setting: django-stubs only know Django's own.
        return settings.OSCAR_DASHBOARD_ITEMS_PER_PAGE  # type: ignore[misc]

    def get_queryset(self) -> DocdataOrderQuerySet:
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


#: The old package's name of the cancel view (a confirmation page; POST cancels).
DocdataOrderCancelView = CancelOrderView
