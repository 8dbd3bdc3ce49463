"""The old package's dashboard entry point: ``application``.

Shops written against django-oscar-docdata mount the dashboard with::

    from oscar_docdata.dashboard.app import application
    urlpatterns += [path("dashboard/docdata/", include(application.urls))]

``application.urls`` are the URLs of the installed ``DocdataDashboardConfig`` (its
views and permissions, decorated by Oscar's ``post_process_urls``) without a
namespace, as before: the old names (``docdata-order-list``, ``docdata-order-detail``,
``docdata-order-update-status``, ``docdata-order-cancel``) reverse without a prefix.
It is the pair ``(patterns, None)`` that today's ``include()`` takes (it refuses the
old three-tuple); Oscar's ``apps.get_app_config("oscar_docdata_dashboard").urls`` is
the three-tuple that ``path()`` takes, with the namespace ``oscar_docdata_dashboard``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from oscar_docdata.dashboard.apps import serving_config

__all__ = ["DocdataOrderDashboardApplication", "application"]

#: The old package's view attributes, and where they went.
OLD_VIEW_ATTRIBUTES = {
    "list_view": "order_list_view",
    "detail_view": "order_detail_view",
    "update_status_view": "update_status_view",
    "cancel_view": "cancel_view",
}


class DocdataOrderDashboardApplication:
    """The old ``Application`` object, backed by the installed ``DocdataDashboardConfig``.

    To change views or permissions, subclass ``DocdataDashboardConfig`` (Oscar's way)
    instead of this class.
    """

    #: The old application had no URL namespace (no application name); neither has ``urls``.
    name = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        overridden = sorted(set(vars(cls)) & set(OLD_VIEW_ATTRIBUTES))
        if overridden:
            replacement = ", ".join(OLD_VIEW_ATTRIBUTES[name] for name in overridden)
            raise ImproperlyConfigured(
                f"{cls.__name__} sets {', '.join(overridden)}: subclass "
                f"oscar_docdata.dashboard.apps.DocdataDashboardConfig and set {replacement} "
                f"in its ready() instead, then install your config in INSTALLED_APPS."
            )

    @property
    def config(self) -> Any:
        """The installed ``DocdataDashboardConfig`` (or the shop's subclass of it); without
        it (the old README's INSTALLED_APPS) the plugin's own app config, which then serves
        the dashboard."""
        return serving_config()

    def get_urls(self) -> list:
        """The dashboard's URL patterns, with the config's permission decorators."""
        return self.config.get_urls()

    @property
    def urls(self) -> tuple[list, None]:
        """``(patterns, app_name)`` for ``include()``, without an application namespace."""
        return self.get_urls(), self.name

    def __getattr__(self, name: str) -> Any:
        # The old attributes (list_view, …) and anything else of the config.
        if name in OLD_VIEW_ATTRIBUTES:
            return getattr(self.config, OLD_VIEW_ATTRIBUTES[name])
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.config, name)


application = DocdataOrderDashboardApplication()
