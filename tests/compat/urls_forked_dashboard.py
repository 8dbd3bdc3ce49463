"""The Docdata dashboard inside Oscar's ``dashboard`` namespace.

As a shop with a forked dashboard app mounts it: its ``DashboardConfig.get_urls()``
adds ``path("docdata/", include(docdata_app.urls[0]))``.
"""

from django.apps import apps
from django.urls import include, path

dashboard = apps.get_app_config("dashboard")
docdata_dashboard = apps.get_app_config("oscar_docdata_dashboard")
forked_dashboard = [*dashboard.get_urls(), path("docdata/", include(docdata_dashboard.urls[0]))]
shop = [
    pattern for pattern in apps.get_app_config("oscar").urls[0]
    if getattr(pattern, "namespace", None) != "dashboard"
]

urlpatterns = [
    path("api/docdata/", include("oscar_docdata.urls")),
    path("dashboard/", include((forked_dashboard, "dashboard"), namespace="dashboard")),
    path("", include(shop)),
]
