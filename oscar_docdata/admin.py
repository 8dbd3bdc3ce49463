"""Read-only Django admin for Docdata orders, payments, status history and the
captures and refunds the shop requested.

Docdata's data is changed by Docdata's reports only: the admin shows it and lets
nobody add, change or delete it (use the dashboard's actions or the commands).

Every list stays fast on large tables: no full counts (see
:mod:`oscar_docdata.pagination`), filters with fixed choices instead of a DISTINCT over
a column, and the search of the dashboard (exact matches served by indexes, parts only
with the trigram indexes; see :func:`oscar_docdata.querysets.order_search`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oscar_docdata.labels import CONFIDENCE_LEVELS, PAYMENT_STATUSES
from oscar_docdata.methods import method_name
from oscar_docdata.models import (
    DocdataMoneyRequest,
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)
from oscar_docdata.pagination import COUNT_LIMIT, CappedCountPaginator
from oscar_docdata.querysets import configured_merchants, order_search, payment_search


class ReadOnlyMixin:
    """No add, change or delete permission; viewing follows the model's view permission."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FixedChoicesFilter(admin.SimpleListFilter):
    """A filter on ``field`` with the choices ``choices()`` gives, not the column's
    DISTINCT values; a value given in the URL is offered too."""

    field = ""

    def choices_of(self) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices = self.choices_of()
        value = self.value()
        if value and value not in dict(choices):
            choices = [*choices, (value, value)]
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class MerchantFilter(FixedChoicesFilter):
    title = _("Docdata merchant")
    parameter_name = field = "merchant_name"

    def choices_of(self) -> list[tuple[str, Any]]:
        return [(name, name) for name in sorted(configured_merchants())]


class NewStatusFilter(FixedChoicesFilter):
    title = _("new status")
    parameter_name = field = "new_status"

    def choices_of(self) -> list[tuple[str, Any]]:
        return list(DocdataOrder.STATUS_CHOICES)


class PaymentStatusFilter(FixedChoicesFilter):
    title = _("status")
    parameter_name = field = "status"

    def choices_of(self) -> list[tuple[str, Any]]:
        return list(PAYMENT_STATUSES.items())


class ConfidenceFilter(FixedChoicesFilter):
    title = _("confidence level")
    parameter_name = field = "confidence_level"

    def choices_of(self) -> list[tuple[str, Any]]:
        return list(CONFIDENCE_LEVELS.items())


def matching_order_ids(query: str, *, by_payment: bool = True) -> list[int]:
    """The newest (at most COUNT_LIMIT) orders the staff search finds for ``query``.

    A list, not a subquery: OR-ed with the other conditions each part keeps its index.
    """
    orders = DocdataOrder.objects.filter(order_search(query, by_payment=by_payment))
    return list(orders.order_by("-created", "-id").values_list("pk", flat=True)[:COUNT_LIMIT])


class StaffListAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A read-only staff list: no full counts; the search of :meth:`search` instead of
    ``search_fields``."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    #: Shown above the search box (the admin's own ``search_fields`` are unused).
    search_help_text = _("Order number, order key, merchant reference or payment id.")
    # Shows the search box; search() decides what a query finds.
    search_fields = ("docdata_order__order_key",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        query = search_term.strip()
        if not query:
            return queryset, False
        return queryset.filter(self.search(query)), False

    def search(self, query: str) -> Q:
        """The condition for the rows ``query`` finds."""
        return Q(docdata_order__in=matching_order_ids(query))


class MethodNameMixin:
    """``method``: a payment's method by its name (the stored code when it has none)."""

    @admin.display(description=_("payment method"), ordering="payment_method")
    def method(self, payment: DocdataPayment) -> str:
        return method_name(payment.payment_method) or "-"


class DocdataPaymentInline(MethodNameMixin, ReadOnlyMixin, admin.TabularInline):
    model = DocdataPayment
    extra = 0
    fields = (
        "payment_id", "legacy_payment_id", "method", "status", "confidence_level",
        "currency", "amount_allocated", "amount_debited", "amount_refunded", "amount_chargeback",
        "updated",
    )
    readonly_fields = fields
    show_change_link = True


class DocdataStatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = DocdataStatusChange
    extra = 0
    fields = ("created", "old_status", "new_status", "trigger", "user", "note")
    readonly_fields = fields


@admin.register(DocdataOrder)
class DocdataOrderAdmin(StaffListAdmin):
    list_display = (
        "order_key", "order_number", "merchant_order_id", "merchant_name", "status",
        "total_gross_amount", "currency", "total_captured", "total_refunded", "created",
    )
    # No date_hierarchy: its MIN/MAX and DISTINCT of dates read the whole table; the
    # "created" filter has fixed choices. No currency filter: its choices would be a
    # DISTINCT over the table.
    list_filter = ("status", MerchantFilter, "created")
    search_fields = ("order_key",)
    inlines = (DocdataPaymentInline, DocdataStatusChangeInline)

    def search(self, query: str) -> Q:
        return order_search(query)


@admin.register(DocdataPayment)
class DocdataPaymentAdmin(MethodNameMixin, StaffListAdmin):
    list_display = (
        "payment_id", "legacy_payment_id", "docdata_order", "method", "status",
        "confidence_level",
        "amount_allocated", "amount_debited", "amount_refunded", "amount_chargeback",
        "currency", "updated",
    )
    # Docdata's known codes; no payment method or currency filter (a DISTINCT each).
    list_filter = (PaymentStatusFilter, ConfidenceFilter)
    list_select_related = ("docdata_order",)

    def search(self, query: str) -> Q:
        # A payment id is compared as a number, so that its unique index serves it.
        return payment_search(query) | Q(
            docdata_order__in=matching_order_ids(query, by_payment=False)
        )


@admin.register(DocdataStatusChange)
class DocdataStatusChangeAdmin(StaffListAdmin):
    list_display = ("created", "docdata_order", "old_status", "new_status", "trigger", "user")
    list_filter = ("trigger", NewStatusFilter, "created")
    search_help_text = _("The order's number, key, merchant reference or payment id.")
    list_select_related = ("docdata_order", "user")


@admin.register(DocdataMoneyRequest)
class DocdataMoneyRequestAdmin(StaffListAdmin):
    list_display = ("order_key", "kind", "amount", "currency", "state", "created")
    list_filter = ("kind", "state", "created")
    search_help_text = _(
        "The order's number, key, merchant reference or payment id; the request's "
        "merchant reference or request key."
    )

    def search(self, query: str) -> Q:
        return Q(reference=query) | Q(request_key=query) | super().search(query)
    list_select_related = ("docdata_order",)

    @admin.display(description=_("order key"), ordering="docdata_order__order_key")
    def order_key(self, obj: DocdataMoneyRequest) -> str:
        return obj.docdata_order.order_key
