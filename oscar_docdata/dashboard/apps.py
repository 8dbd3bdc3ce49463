from typing import Any

from django.apps import apps
from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class DocdataDashboardMixin:
    """The Docdata dashboard's views, URLs and permissions, for an OscarDashboardConfig.

    Used by ``DocdataDashboardConfig`` and, for shops set up as the old package's README
    said (without ``"oscar_docdata.dashboard"`` in INSTALLED_APPS), by the main app config.
    """

    permissions_map: dict
    post_process_urls: Any

    def configure_permissions(self) -> None:
        dashboard_permission = get_class("dashboard.permissions", "DashboardPermission")
        view = dashboard_permission.get("oscar_docdata", "view_docdataorder")
        change = dashboard_permission.get(
            "oscar_docdata", "view_docdataorder", "change_docdataorder"
        )
        partner = dashboard_permission.partner_dashboard_access
        self.permissions_map = {
            "docdata-order-list": (view, partner),
            "docdata-order-detail": (view, partner),
            "docdata-order-refresh": change,
            "docdata-order-update-status": change,
            "docdata-order-cancel": change,
            "docdata-order-capture": change,
            "docdata-order-refund": change,
        }

    def configure_dashboard(self) -> None:
        """Pick the views and set the permissions (from ``ready()``)."""
        from oscar_docdata.dashboard import views  # here: views import the models (ready())

        self.order_list_view = views.DocdataOrderListView
        self.order_detail_view = views.DocdataOrderDetailView
        self.refresh_view = views.RefreshStatusView
        self.update_status_view = views.DocdataOrderUpdateStatusView
        self.cancel_view = views.CancelOrderView
        self.capture_view = views.CaptureView
        self.refund_view = views.RefundView
        self.configure_permissions()

    def get_urls(self) -> list:
        # The old package's paths first: with two patterns of one name, reverse() gives
        # the last one, so the old names reverse to today's paths.
        urls = [
            path("detail/<int:pk>/", self.order_detail_view.as_view(),
                 name="docdata-order-detail"),
            path("update-status/<int:pk>/", self.update_status_view.as_view(),
                 name="docdata-order-update-status"),
            path("cancel/<int:pk>/", self.cancel_view.as_view(), name="docdata-order-cancel"),
            path("", self.order_list_view.as_view(), name="docdata-order-list"),
            path("<int:pk>/", self.order_detail_view.as_view(), name="docdata-order-detail"),
            path("<int:pk>/refresh/", self.refresh_view.as_view(), name="docdata-order-refresh"),
            path("<int:pk>/cancel/", self.cancel_view.as_view(), name="docdata-order-cancel"),
            path("<int:pk>/capture/", self.capture_view.as_view(), name="docdata-order-capture"),
            path("<int:pk>/refund/", self.refund_view.as_view(), name="docdata-order-refund"),
        ]
        return self.post_process_urls(urls)


class DocdataDashboardConfig(DocdataDashboardMixin, OscarDashboardConfig):
    """Lists Docdata orders and lets staff refresh, cancel, capture and refund them.

    Permissions follow Oscar's order dashboard: the list and the detail need the
    ``oscar_docdata.view_docdataorder`` permission, or partner dashboard access (a
    partner user sees the Docdata orders of Oscar orders with lines of their
    partners, as in Oscar's order list). The actions move money for the whole order,
    so they need ``view_docdataorder`` and ``change_docdataorder``; partner access is
    not enough. Subclass this config and override ``configure_permissions`` to change.
    """

    default = True  # picked when INSTALLED_APPS names the "oscar_docdata.dashboard" module
    label = "oscar_docdata_dashboard"
    name = "oscar_docdata.dashboard"
    verbose_name = _("Docdata dashboard")

    default_permissions = ["is_staff"]

    def ready(self) -> None:
        self.configure_dashboard()


def serving_config() -> Any:
    """The app config serving the Docdata dashboard: the installed DocdataDashboardConfig
    (or a shop's subclass of it), else the plugin's own app (the old README's set-up)."""
    try:
        return apps.get_app_config(DocdataDashboardConfig.label)
    except LookupError:
        return apps.get_app_config("oscar_docdata")
