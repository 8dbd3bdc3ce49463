"""Cancellations free the stock (issue 14, item 4).

Whenever the plugin moves an Oscar order into its cancelled status (the status that
DOCDATA_ORDER_STATUS_MAPPING maps Docdata's ``cancelled``/``expired`` to: "Cancelled"
in tests/settings.py), the order's stock allocations are cancelled, once: cancelled in
the menu, the shopper's cancelled return, the dashboard's cancel, expiry; with the
receivers on and with them off (the facade's ``order_status_changed``).

Every test keeps a second shopper's order allocated on the same product, so that a
cancellation freeing the stock twice shows as a drop below that order's allocation.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import clear_url_caches, path, reverse
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config
from oscar.core.loading import get_class, get_model

from oscar_docdata.facade import get_facade
from oscar_docdata.models import DocdataOrder
from oscar_docdata.oscar_adapter.receivers import keep_in_step

from . import urls as checkout_urls
from .shop import checkout, place_order, to_preview

DASHBOARD_APP = "oscar_docdata.dashboard"  # as the documentation says

#: The checkout shop; the ``dashboard`` fixture mounts the Docdata dashboard in front.
urlpatterns = list(checkout_urls.urlpatterns)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture(params=[True, False], ids=["receivers", "facade"])
def receivers_setting(request, settings):
    """DOCDATA_OSCAR_RECEIVERS on (the receivers) and off (Facade.order_status_changed)."""
    settings.DOCDATA_OSCAR_RECEIVERS = request.param
    return request.param


@pytest.fixture
def dashboard():
    """The Docdata dashboard installed and mounted, as the documentation says."""
    installed = [*settings.INSTALLED_APPS]
    if not any(app.startswith(DASHBOARD_APP) for app in installed):
        installed.append(DASHBOARD_APP)
    with override_settings(INSTALLED_APPS=installed):
        _dashboard_url_names_to_config.cache_clear()
        urlpatterns.insert(
            0, path("dashboard/docdata/", apps.get_app_config("oscar_docdata_dashboard").urls)
        )
        clear_url_caches()
        try:
            yield
        finally:
            del urlpatterns[0]
            clear_url_caches()
            _dashboard_url_names_to_config.cache_clear()


@pytest.fixture
def freed(monkeypatch):
    """The order numbers Oscar's EventHandler.cancel_stock_allocations was called for."""
    handler_class = get_class("order.processing", "EventHandler")
    original = handler_class.cancel_stock_allocations
    calls = []

    def spy(self, order, lines=None, line_quantities=None):
        calls.append(order.number)
        return original(self, order, lines, line_quantities)

    monkeypatch.setattr(handler_class, "cancel_stock_allocations", spy)
    return calls


def stock(product):
    """(num_in_stock, num_allocated) of the product's stock record."""
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated or 0


def allocated(product):
    return stock(product)[1]


def other_shoppers_order(product):
    """A second shopper's order of the product, left pending: one unit stays allocated."""
    return checkout(Client(), product, email="bob@example.com")


def staff_client(django_user_model):
    user = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="x", is_staff=True
    )
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="oscar_docdata",
        codename__in=("view_docdataorder", "change_docdataorder"),
    ))
    client = Client()
    client.force_login(user)
    return client


def repeat_everything(client, placed):
    """Every way the same cancellation can reach the plugin again."""
    order = placed.order
    docdata_order = placed.docdata_order
    # Docdata notifies again.
    response = client.get(reverse("order_status_update"), {"order_id": order.number})
    assert response.status_code == 200
    # A retried receiver, and the facade's hook called again (whichever is active).
    keep_in_step(docdata_order, statuses=(DocdataOrder.STATUS_CANCELLED,))
    get_facade().order_status_changed(
        docdata_order, DocdataOrder.STATUS_NEW, DocdataOrder.STATUS_CANCELLED
    )
    # A second cancel path: cancelled again at Docdata (ALREADY_CANCELED).
    get_facade().cancel_order(docdata_order)


def test_cancelled_in_the_menu_frees_the_stock_once(
    client, product, docdata_simulator, receivers_setting, freed
):
    other_shoppers_order(product)
    before = allocated(product)
    assert before == 1
    placed = checkout(client, product)
    assert allocated(product) == before + 1

    docdata_simulator.settle(placed.order_key, "cancelled", "IDEAL")

    assert placed.docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert placed.order.status == "Cancelled"
    assert allocated(product) == before
    assert placed.order.lines.get().allocation_cancelled

    repeat_everything(client, placed)
    assert allocated(product) == before
    assert stock(product) == (100, before)
    assert freed == [placed.order.number]  # Oscar's handler, once


def test_the_shoppers_cancelled_return_frees_the_stock_once(
    client, product, docdata_simulator, freed
):
    other_shoppers_order(product)
    before = allocated(product)
    placed = checkout(client, product)
    assert allocated(product) == before + 1

    response = client.get(placed.return_url("CANCELLED"))

    assert response.url == reverse("basket:summary")
    assert placed.order.status == "Cancelled"
    assert allocated(product) == before

    client.get(placed.return_url("CANCELLED"))  # the shopper reloads the page
    client.get(placed.return_url("ERROR"))
    repeat_everything(client, placed)
    assert stock(product) == (100, before)
    assert freed == [placed.order.number]  # Oscar's handler, once


def test_the_dashboards_cancel_frees_the_stock_once(
    client, product, docdata_simulator, django_user_model, receivers_setting, dashboard, freed
):
    other_shoppers_order(product)
    before = allocated(product)
    placed = checkout(client, product)
    assert allocated(product) == before + 1
    staff = staff_client(django_user_model)
    cancel_url = reverse(
        "oscar_docdata_dashboard:docdata-order-cancel", kwargs={"pk": placed.docdata_order.pk}
    )

    response = staff.post(cancel_url, follow=True)

    assert response.status_code == 200
    assert placed.docdata_order.status == DocdataOrder.STATUS_CANCELLED
    assert placed.order.status == "Cancelled"
    assert allocated(product) == before

    assert staff.post(cancel_url, follow=True).status_code == 200  # cancelled twice
    repeat_everything(client, placed)
    assert stock(product) == (100, before)
    assert freed == [placed.order.number]  # Oscar's handler, once


def test_the_facades_cancel_order_frees_the_stock_once(
    client, product, docdata_simulator, receivers_setting, freed
):
    other_shoppers_order(product)
    before = allocated(product)
    placed = checkout(client, product)

    get_facade().cancel_order(placed.docdata_order)

    assert placed.order.status == "Cancelled"
    assert allocated(product) == before
    get_facade().cancel_order(placed.docdata_order)
    repeat_everything(client, placed)
    assert stock(product) == (100, before)
    assert freed == [placed.order.number]  # Oscar's handler, once


def test_an_expired_order_frees_the_stock_once(
    client, product, docdata_simulator, receivers_setting, freed
):
    other_shoppers_order(product)
    before = allocated(product)
    placed = checkout(client, product)

    get_facade().expire_order(placed.docdata_order)

    assert placed.docdata_order.status == DocdataOrder.STATUS_EXPIRED
    assert placed.order.status == "Cancelled"
    assert allocated(product) == before
    get_facade().expire_order(placed.docdata_order)
    keep_in_step(placed.docdata_order, statuses=(DocdataOrder.STATUS_EXPIRED,))
    assert stock(product) == (100, before)
    assert freed == [placed.order.number]  # Oscar's handler, once


def test_cancel_and_retry_three_times_still_sells_the_last_one(
    client, product, docdata_simulator, receivers_setting
):
    StockRecord.objects.filter(product=product).update(num_in_stock=1, num_allocated=0)

    placed = checkout(client, product)
    for attempt in range(3):
        assert stock(product) == (1, 1), attempt
        if receivers_setting:
            # The shopper cancels in the menu and comes back: basket back, order again.
            client.get(placed.return_url("CANCELLED"))
            assert stock(product) == (1, 0), attempt
            to_preview(client)
            response = place_order(client)
            assert response.status_code == 302, response.content[:3000]
            placed = type(placed)(response)
        else:
            # No receivers: Docdata reports the menu's cancel; the shopper orders again.
            docdata_simulator.settle(placed.order_key, "cancelled", "IDEAL")
            assert stock(product) == (1, 0), attempt
            placed = checkout(client, product)

    # The 4th checkout buys the last one.
    assert stock(product) == (1, 1)
    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")
    if receivers_setting:
        assert placed.order.status == "Paid"
    assert placed.docdata_order.status == DocdataOrder.STATUS_PAID
    assert stock(product) == (1, 1)

    # A paid-then-refunded order is not a cancellation: its stock stays allocated.
    docdata_simulator.refund(placed.order_key)
    assert placed.docdata_order.status == DocdataOrder.STATUS_REFUNDED
    assert placed.order.status == "Refunded"
    assert stock(product) == (1, 1)
    assert not placed.order.lines.get().allocation_cancelled

