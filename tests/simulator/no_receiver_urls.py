"""A test URLconf with the simulator but without the plugin's notification view."""

from django.urls import include, path

urlpatterns = [path("docdata-sim/", include("oscar_docdata.simulator.urls"))]
