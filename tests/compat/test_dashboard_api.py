"""The old package's dashboard API: ``application``, URL names and paths, views, templates.

The shop here is set up as the old README said: ``include(application.urls)`` at
``dashboard/docdata/`` and the navigation entry ``'url_name': 'docdata-order-list'``,
plus ``"oscar_docdata.dashboard"`` in INSTALLED_APPS (the one line to add).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import resolve, reverse
from oscar.defaults import OSCAR_DASHBOARD_NAVIGATION

from oscar_docdata.dashboard import views
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.testing import replies
from tests.operations.conftest import (
    customer,
    dashboard_settings,
    docdata,
    make_order,
    staff_client,
    staff_user,
)

__all__ = ["customer", "docdata", "make_order", "staff_client", "staff_user"]

DASHBOARD_APP = "oscar_docdata.dashboard"
OLD_STYLE_URLS = "tests.compat.urls_old_style"
NAMESPACED_URLS = "tests.operations.urls"  # as our documentation says
FORKED_DASHBOARD_URLS = "tests.compat.urls_forked_dashboard"


def old_navigation() -> list[dict[str, Any]]:
    """Oscar's navigation with the old README's entry."""
    navigation = copy.deepcopy(OSCAR_DASHBOARD_NAVIGATION)
    navigation[2]["children"].insert(1, {
        "label": "Docdata Orders",
        "url_name": "docdata-order-list",
    })
    return navigation


@pytest.fixture(scope="module", autouse=True)
def old_style_shop() -> Iterator[None]:
    with dashboard_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, DASHBOARD_APP],
        ROOT_URLCONF=OLD_STYLE_URLS,
        OSCAR_DASHBOARD_NAVIGATION=old_navigation(),
    ):
        yield


def use_urls(settings: Any, urlconf: str, list_url_name: str) -> None:
    """Mount the dashboard with ``urlconf``; its list in the navigation as ``list_url_name``."""
    settings.ROOT_URLCONF = urlconf
    settings.OSCAR_DASHBOARD_NAVIGATION = [*OSCAR_DASHBOARD_NAVIGATION, {
        "label": "Docdata",
        "children": [{"label": "Docdata orders", "url_name": list_url_name}],
    }]


@pytest.fixture
def order(make_order: Any) -> DocdataOrder:
    return make_order(amount="25.00", order_number="100042", merchant_order_id="100042")


def status_reply(captured: int = 0) -> bytes:
    """Docdata's status of a 25.00 EUR order with one authorized iDEAL payment."""
    payment = replies.payment_xml(
        4000000001, amount=2500, captures=[("CAPTURED", captured)] if captured else []
    )
    return replies.status_reply(
        registered=2500, acquirer_approved=2500, captured=captured, payments=[payment]
    )


# --- item 1: application.urls ------------------------------------------------------------


def test_application_urls_are_the_configs_urls_without_a_namespace():
    from django.apps import apps

    from oscar_docdata.dashboard.app import application

    patterns, app_name = application.urls  # what include() takes
    assert app_name is None
    config = apps.get_app_config("oscar_docdata_dashboard")
    assert [(str(p.pattern), p.name) for p in patterns] == [
        (str(p.pattern), p.name) for p in config.urls[0]
    ]
    # the old attributes
    assert application.list_view is views.DocdataOrderListView
    assert application.update_status_view is views.DocdataOrderUpdateStatusView


def test_the_old_style_dashboard_serves_our_pages_to_staff(staff_client, order, docdata):
    response = staff_client.get("/dashboard/docdata/")
    assert response.status_code == 200
    assert "oscar_docdata/dashboard/docdataorder_list.html" in [
        template.name for template in response.templates
    ]
    assert list(response.context["docdata_orders"]) == [order]
    detail_url = f"/dashboard/docdata/{order.pk}/"
    assert detail_url in response.content.decode()

    detail = staff_client.get(detail_url)
    assert detail.status_code == 200
    page = detail.content.decode()
    for path in ("refresh", "cancel"):  # links without a namespace
        assert f"/dashboard/docdata/{order.pk}/{path}/" in page
    assert docdata.requests == []


def test_the_old_style_dashboard_keeps_our_permissions(client, customer, django_user_model,
                                                       order):
    anonymous = client.get("/dashboard/docdata/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("dashboard:login"))
    client.force_login(customer)
    assert client.get("/dashboard/docdata/").status_code == 403
    # is_staff alone (the old package's only rule) is not enough any more
    plain_staff = django_user_model.objects.create_user(
        "plainstaff", "plain@example.com", "x", is_staff=True
    )
    client.force_login(plain_staff)
    for path in ("", f"detail/{order.pk}/", f"update-status/{order.pk}/",
                 f"cancel/{order.pk}/"):
        assert client.get(f"/dashboard/docdata/{path}").status_code == 403


def test_without_the_dashboard_app_the_plugins_own_config_serves_the_dashboard():
    """The old README's INSTALLED_APPS had "oscar_docdata" only."""
    from django.apps import apps

    from oscar_docdata.dashboard.app import application

    without = [app for app in settings.INSTALLED_APPS if app != DASHBOARD_APP]
    with override_settings(INSTALLED_APPS=without):
        assert application.config is apps.get_app_config("oscar_docdata")
        names = {pattern.name for pattern in application.urls[0]}
        assert {"docdata-order-list", "docdata-order-update-status"} <= names
        assert application.config.get_permissions("docdata-order-refund")
    # With the dashboard app installed, it serves the URLs and the plugin's config none
    # (Oscar refuses one URL name served by two dashboard configs).
    assert application.config is apps.get_app_config("oscar_docdata_dashboard")
    assert apps.get_app_config("oscar_docdata").urls[0] == []


def test_swapping_views_on_the_old_application_class_names_the_config():
    from oscar_docdata.dashboard.app import DocdataOrderDashboardApplication

    with pytest.raises(ImproperlyConfigured, match="DocdataDashboardConfig.*order_detail_view"):
        type("ShopApplication", (DocdataOrderDashboardApplication,),
             {"detail_view": views.DocdataOrderDetailView})


# --- item 2: the old URL names and paths -------------------------------------------------


def test_the_old_url_names_reverse_without_a_namespace(order):
    pk = order.pk
    assert reverse("docdata-order-list") == "/dashboard/docdata/"
    assert reverse("docdata-order-detail", args=(pk,)) == f"/dashboard/docdata/{pk}/"
    assert reverse("docdata-order-update-status", kwargs={"pk": pk}) == (
        f"/dashboard/docdata/update-status/{pk}/"
    )
    assert reverse("docdata-order-cancel", args=(pk,)) == f"/dashboard/docdata/{pk}/cancel/"


@pytest.mark.parametrize(("old_path", "url_name", "template"), [
    ("detail/{pk}/", "docdata-order-detail", "docdataorder_detail.html"),
    ("update-status/{pk}/", "docdata-order-update-status", "docdataorder_action.html"),
    ("cancel/{pk}/", "docdata-order-cancel", "docdataorder_action.html"),
])
@pytest.mark.parametrize("urlconf", [OLD_STYLE_URLS, NAMESPACED_URLS])
def test_the_old_paths_reach_the_pages(staff_client, order, docdata, settings, urlconf,
                                       old_path, url_name, template):
    if urlconf == NAMESPACED_URLS:
        use_urls(settings, urlconf, "oscar_docdata_dashboard:docdata-order-list")
    path = "/dashboard/docdata/" + old_path.format(pk=order.pk)
    assert resolve(path).url_name == url_name
    response = staff_client.get(path)
    assert response.status_code == 200
    assert f"oscar_docdata/dashboard/{template}" in [t.name for t in response.templates]
    assert response.context["docdata_order"] == order
    assert docdata.requests == []


def test_get_on_the_old_update_status_path_asks_before_refreshing(
    staff_client, staff_user, order, docdata
):
    path = f"/dashboard/docdata/update-status/{order.pk}/"
    page = staff_client.get(path)
    # GET: the refresh confirmation, nothing asked or changed
    assert page.status_code == 200
    assert page.context["title"] == views.RefreshStatusView.title
    assert '<form method="post">' in page.content.decode()
    assert docdata.requests == []
    assert not DocdataStatusChange.objects.exists()

    # POST (the page's button, to the same URL): the old GET's refresh and redirect
    docdata.add("status", status_reply(captured=2500))
    response = staff_client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("docdata-order-detail", args=(order.pk,))
    assert docdata.operations() == ["status"]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    change = order.status_changes.get()
    assert (change.trigger, change.user) == ("dashboard", staff_user)


def test_post_on_the_old_cancel_path_cancels(staff_client, order, docdata):
    docdata.add("cancel", replies.cancel_reply("NO_PAYMENTS"))
    docdata.add("status", replies.status_reply(registered=2500))
    response = staff_client.post(f"/dashboard/docdata/cancel/{order.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/docdata/{order.pk}/"
    assert docdata.operations() == ["cancel", "status"]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_CANCELLED


def test_the_old_navigation_entry_shows_to_permitted_users(client, staff_user,
                                                           django_user_model):
    link = 'href="/dashboard/docdata/"'
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert link in page.content.decode()

    plain_staff = django_user_model.objects.create_user(
        "plain", "plain@example.com", "x", is_staff=True
    )
    client.force_login(plain_staff)
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert link not in page.content.decode()


def test_the_namespaced_names_keep_working(staff_client, order, docdata, settings):
    use_urls(settings, NAMESPACED_URLS, "oscar_docdata_dashboard:docdata-order-list")
    name = "oscar_docdata_dashboard:docdata-order-{}".format
    assert reverse(name("list")) == "/dashboard/docdata/"
    assert reverse(name("detail"), args=(order.pk,)) == f"/dashboard/docdata/{order.pk}/"
    assert reverse(name("update-status"), args=(order.pk,)) == (
        f"/dashboard/docdata/update-status/{order.pk}/"
    )
    detail = staff_client.get(reverse(name("detail"), args=(order.pk,)))
    assert reverse(name("refresh"), args=(order.pk,)) in detail.content.decode()
    docdata.add("status", status_reply())
    response = staff_client.post(reverse(name("update-status"), args=(order.pk,)))
    assert response["Location"] == reverse(name("detail"), args=(order.pk,))


def test_the_dashboard_namespace_of_a_forked_dashboard(staff_client, order, docdata, settings):
    use_urls(settings, FORKED_DASHBOARD_URLS, "dashboard:docdata-order-list")
    list_url = reverse("dashboard:docdata-order-list")
    assert list_url == "/dashboard/docdata/"
    detail_url = reverse("dashboard:docdata-order-detail", args=(order.pk,))
    listing = staff_client.get(list_url)
    assert listing.status_code == 200
    assert detail_url in listing.content.decode()
    assert f'href="{list_url}"' in staff_client.get(reverse("dashboard:index")).content.decode()

    docdata.add("status", status_reply())
    response = staff_client.post(reverse("dashboard:docdata-order-refresh", args=(order.pk,)))
    assert response["Location"] == detail_url


# --- item 10: the old view classes and template names --------------------------------------


def test_the_old_view_classes_are_importable():
    from oscar_docdata.dashboard.views import (
        DocdataOrderCancelView,
        DocdataOrderDetailView,
        DocdataOrderListView,
        DocdataOrderUpdateStatusView,
    )

    assert issubclass(DocdataOrderUpdateStatusView, views.RefreshStatusView)
    assert DocdataOrderCancelView is views.CancelOrderView
    assert DocdataOrderListView.__module__ == DocdataOrderDetailView.__module__ == views.__name__
    assert "GET" in (DocdataOrderUpdateStatusView.__doc__ or "")


OLD_TEMPLATES = {
    # old name: (a shop's override using the old context, the page's path)
    "list.html": (
        "OLD LIST{% for o in object_list %} {{ o.merchant_order_id }}"
        " {% url 'docdata-order-detail' pk=o.pk %}{% endfor %} {{ form.q.name }}",
        "",
    ),
    "detail.html": (
        "OLD DETAIL {{ object.merchant_order_id }} payments={{ object_payments|length }}"
        " {% url 'docdata-order-update-status' pk=object.pk %}",
        "detail/{pk}/",
    ),
    "confirm_cancel.html": (
        "OLD CANCEL {{ object.merchant_order_id }}"
        " <form action='.' method='post'>{% csrf_token %}{{ form }}</form>",
        "cancel/{pk}/",
    ),
}


@pytest.fixture
def shop_templates(tmp_path: Path, settings: Any) -> Path:
    """A shop's template directory in front of the apps' templates."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    return tmp_path


@pytest.mark.parametrize("old_name", list(OLD_TEMPLATES))
def test_a_shops_override_of_an_old_template_name_is_used(staff_client, order, shop_templates,
                                                          old_name):
    source, path = OLD_TEMPLATES[old_name]
    template_path = shop_templates / "oscar_docdata" / "dashboard" / "orders" / old_name
    template_path.parent.mkdir(parents=True)
    template_path.write_text(source)

    response = staff_client.get("/dashboard/docdata/" + path.format(pk=order.pk))

    assert response.status_code == 200
    assert response.templates[0].name == f"oscar_docdata/dashboard/orders/{old_name}"
    page = response.content.decode()
    assert page.startswith("OLD ")
    assert "100042" in page
    if old_name == "list.html":
        assert f"/dashboard/docdata/{order.pk}/" in page and " q" in page
    if old_name == "detail.html":
        assert "payments=0" in page and f"/update-status/{order.pk}/" in page


@pytest.mark.parametrize(("view", "old_name", "ours"), [
    (views.DocdataOrderListView, "list.html", "docdataorder_list.html"),
    (views.DocdataOrderDetailView, "detail.html", "docdataorder_detail.html"),
    (views.CancelOrderView, "confirm_cancel.html", "docdataorder_action.html"),
])
def test_the_old_template_name_comes_first_then_ours(view, old_name, ours):
    names = view(object_list=DocdataOrder.objects.none(), object=None).get_template_names()
    assert names[:2] == [
        f"oscar_docdata/dashboard/orders/{old_name}", f"oscar_docdata/dashboard/{ours}"
    ]


def test_without_an_override_our_templates_are_used(staff_client, order):
    for path in ("", f"{order.pk}/", f"{order.pk}/cancel/"):
        response = staff_client.get(f"/dashboard/docdata/{path}")
        assert response.status_code == 200
        assert not response.templates[0].name.startswith("oscar_docdata/dashboard/orders/")
