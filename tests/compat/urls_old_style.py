"""The test shop with the Docdata dashboard mounted as the old package's README said."""

from django.urls import include, re_path

from oscar_docdata.dashboard.app import application
from tests.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    re_path(r"^dashboard/docdata/", include(application.urls)),
    *shop_urlpatterns,
]
