"""The test shop's URLs plus the Docdata dashboard, mounted as the documentation says."""

from django.apps import apps
from django.urls import path

from tests.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    path("dashboard/docdata/", apps.get_app_config("oscar_docdata_dashboard").urls),
    *shop_urlpatterns,
]
