"""The simulator mounted under another prefix (``/elsewhere/ps``)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/ps/", include("oscar_docdata.simulator.urls"))]
