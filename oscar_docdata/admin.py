"""Read-only Django admin for Docdata orders, payments, status history and the
captures and refunds the shop requested.

Docdata's data is changed by Docdata's reports only: the admin shows it and lets
nobody add, change or delete it (use the dashboard's actions or the commands).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oscar_docdata.models import (
    DocdataMoneyRequest,
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)


class ReadOnlyMixin:
    """No add, change or delete permission; viewing follows the model's view permission."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DocdataPaymentInline(ReadOnlyMixin, admin.TabularInline):
    model = DocdataPayment
    extra = 0
    fields = (
        "payment_id", "legacy_payment_id", "payment_method", "status", "confidence_level",
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
class DocdataOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order_key", "order_number", "merchant_order_id", "merchant_name", "status",
        "total_gross_amount", "currency", "total_captured", "total_refunded", "created",
    )
    list_filter = ("status", "merchant_name", "currency", "created")
    search_fields = ("order_number", "merchant_order_id", "order_key")
    date_hierarchy = "created"
    inlines = (DocdataPaymentInline, DocdataStatusChangeInline)


@admin.register(DocdataPayment)
class DocdataPaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "payment_id", "legacy_payment_id", "docdata_order", "payment_method", "status",
        "confidence_level",
        "amount_allocated", "amount_debited", "amount_refunded", "amount_chargeback",
        "currency", "updated",
    )
    list_filter = ("status", "payment_method", "confidence_level", "currency")
    search_fields = (
        "=payment_id", "=legacy_payment_id", "docdata_order__order_key",
        "docdata_order__order_number",
        "docdata_order__merchant_order_id",
    )
    list_select_related = ("docdata_order",)


@admin.register(DocdataStatusChange)
class DocdataStatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created", "docdata_order", "old_status", "new_status", "trigger", "user")
    list_filter = ("trigger", "new_status", "created")
    search_fields = (
        "docdata_order__order_key", "docdata_order__order_number",
        "docdata_order__merchant_order_id", "note",
    )
    list_select_related = ("docdata_order", "user")


@admin.register(DocdataMoneyRequest)
class DocdataMoneyRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("order_key", "kind", "amount", "currency", "state", "created")
    list_filter = ("kind", "state", "created")
    search_fields = (
        "docdata_order__order_key", "docdata_order__order_number", "reference", "=request_key",
    )
    list_select_related = ("docdata_order",)

    @admin.display(description=_("order key"), ordering="docdata_order__order_key")
    def order_key(self, obj: DocdataMoneyRequest) -> str:
        return obj.docdata_order.order_key
