"""The URLconf of bench_startup.py's shop: Oscar and the plugin's URLs, no simulator."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/docdata/", include("oscar_docdata.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
