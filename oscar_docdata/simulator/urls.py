"""URLs of the simulator. Mount under a prefix P and set DOCDATA_BASE_URL to P's URL.

``path("docdata-sim/", include("oscar_docdata.simulator.urls"))`` serves the SOAP
endpoint at ``docdata-sim/services/paymentservice/1_3`` and the menu at
``docdata-sim/menu``, as Docdata does under ``/ps``. Never mount it in production.
"""

from django.urls import path

from . import views

app_name = "docdata_simulator"

#: The SOAP endpoint's path below the mount prefix (as under Docdata's ``/ps``).
ENDPOINT_PATH = "services/paymentservice/1_3"

urlpatterns = [
    path("", views.overview, name="overview"),
    path(ENDPOINT_PATH, views.soap_endpoint, name="soap"),
    path("menu", views.menu, name="menu"),
    path("bank/ideal/<int:payment_id>/", views.bank_ideal, name="bank_ideal"),
    path("bank/paypal/<int:payment_id>/", views.bank_paypal, name="bank_paypal"),
    path("bank/acs/", views.acs, name="acs"),
    path("bank/acs/complete/", views.acs_complete, name="acs_complete"),
]
