"""The old package's public API: URL names, ``UpdateOrderMixin``, ``Facade.get_source_type``."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.views import View
from oscar.core.loading import get_model

from oscar_docdata.facade import Facade, get_facade
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.oscar_adapter.sources import docdata_source_type
from oscar_docdata.testing import replies
from oscar_docdata.views import OrderReturnView, StatusChangedNotificationView
from tests.operations.conftest import docdata, make_order

__all__ = ["docdata", "make_order"]

NOTIFY_URL = "/api/docdata/update_order/"
RETURN_URL = "/api/docdata/return/"


def paid_reply() -> bytes:
    """Docdata's status of a paid 25.00 EUR order."""
    payment = replies.payment_xml(4000000001, amount=2500, captures=[("CAPTURED", 2500)])
    return replies.status_reply(
        registered=2500, acquirer_approved=2500, captured=2500, payments=[payment]
    )


@pytest.fixture
def order(make_order: Any) -> DocdataOrder:
    return make_order(amount="25.00", order_number="200042", merchant_order_id="200042")


# --- item 2: the public views' URL names ---------------------------------------------------


def test_the_old_and_new_names_of_the_public_urls():
    assert reverse("status_changed") == NOTIFY_URL
    assert reverse("order_status_update") == NOTIFY_URL
    assert reverse("return_url") == RETURN_URL
    assert resolve(NOTIFY_URL).func.view_class is StatusChangedNotificationView
    assert resolve(RETURN_URL).func.view_class is OrderReturnView


def test_the_notification_at_its_old_name_updates_the_order(client, order, docdata):
    docdata.add("status", paid_reply())
    response = client.get(reverse("status_changed"), {"order_id": order.merchant_order_id})
    assert response.status_code == 200
    assert response.content == b"ok"
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert order.status_changes.get().trigger == DocdataStatusChange.TRIGGER_NOTIFICATION


# --- item 10: UpdateOrderMixin -------------------------------------------------------------


def test_both_views_are_update_order_mixins_with_the_old_attributes():
    from oscar_docdata.views import UpdateOrderMixin

    assert issubclass(StatusChangedNotificationView, UpdateOrderMixin)
    assert issubclass(OrderReturnView, UpdateOrderMixin)
    assert StatusChangedNotificationView.order_query_arg == "order_id"
    assert StatusChangedNotificationView.order_slug_field == "merchant_order_id"
    assert OrderReturnView.order_query_arg == "order_id"
    assert OrderReturnView.order_slug_field == "order_key"
    assert UpdateOrderMixin.facade_class is None


class RecordingFacade(Facade):
    """A shop's facade: records the orders it updates."""

    updated: list[str] = []

    def update_order(self, order: DocdataOrder, **kwargs: Any) -> Any:
        type(self).updated.append(order.order_key)
        return super().update_order(order, **kwargs)


def test_facade_class_on_a_subclass_of_the_views_is_used(rf: RequestFactory, order, docdata):
    RecordingFacade.updated = []
    docdata.add("status", paid_reply())
    view = type("ShopReturnView", (OrderReturnView,), {"facade_class": RecordingFacade})

    request = rf.get(RETURN_URL, {"callback": "SUCCESS", "order_id": order.order_key})
    response = view.as_view()(request)

    assert response.status_code == 302
    assert RecordingFacade.updated == [order.order_key]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID


def old_style_view() -> type[View]:
    """A shop's view written against the old mixin, as its docs showed."""
    from oscar_docdata.views import UpdateOrderMixin

    class OldStyleView(UpdateOrderMixin, View):
        def get(self, request: HttpRequest) -> HttpResponse:
            try:
                order_key = self.get_order_slug()
            except KeyError as error:
                return HttpResponseBadRequest(str(error))
            order = self.get_order(order_key)
            self.update_order(order)
            return HttpResponse(f"{order.order_key} {order.status}")

    return OldStyleView


def test_an_old_style_view_on_the_mixin_works(rf: RequestFactory, order, docdata):
    view = old_style_view().as_view()

    missing = view(rf.get("/"))
    assert missing.status_code == 400
    assert missing.content == b"Missing parameter: order_id"

    with pytest.raises(Http404):
        view(rf.get("/", {"order_id": "NO-SUCH-KEY"}))
    assert docdata.requests == []

    docdata.add("status", paid_reply())
    response = view(rf.get("/", {"order_id": order.order_key}))
    assert response.content.decode() == f"{order.order_key} paid"
    assert order.status_changes.get().trigger == DocdataStatusChange.TRIGGER_API


def test_get_order_by_another_field(rf: RequestFactory, order):
    view = old_style_view()(order_slug_field="merchant_order_id")
    view.setup(rf.get("/", {"order_id": "200042"}))
    assert view.get_order(view.get_order_slug()) == order


# --- item 3: Facade.get_source_type --------------------------------------------------------


def test_facade_get_source_type_is_the_checkouts_source_type(db):
    source_type_model = get_model("payment", "SourceType")
    facade = get_facade()

    source_type = facade.get_source_type()

    assert source_type.code == "docdata"
    assert source_type == docdata_source_type() == facade.get_source_type()
    assert source_type_model.objects.filter(code="docdata").count() == 1
