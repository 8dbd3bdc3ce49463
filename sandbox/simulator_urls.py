"""URLs of the sandbox's simulator process: Docdata's paths below ``/docdata-sim/``."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("docdata-sim/", include("oscar_docdata.simulator.urls")),
    path("", RedirectView.as_view(url="/docdata-sim/", permanent=False)),
]
