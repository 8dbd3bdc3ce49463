"""The shop's urls.py, as the old README told shops to write it.

Oscar's own URLs come from its app config (Oscar 4.2); the forked payment-details and
preview views are mounted at Oscar's paths, ahead of Oscar's own, as a forked checkout
app would serve them. ``docdata-sim/`` is the offline Docdata of the tests.
"""

from django.apps import apps
from django.urls import include, path

from oscar_docdata.dashboard.app import application as docdata_dashboard_app

from .views import PaymentDetailsView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),  # Oscar's templates need it
    path("api/docdata/", include("oscar_docdata.urls")),
    path("dashboard/docdata/", include(docdata_dashboard_app.urls)),
    path("docdata-sim/", include("oscar_docdata.simulator.urls")),
    path("checkout/payment-details/", PaymentDetailsView.as_view()),
    path("checkout/preview/", PaymentDetailsView.as_view(preview=True)),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
