"""URLs of the simulator. Mount under a prefix P and set DOCDATA_BASE_URL to P's URL.

``path("docdata-sim/", include("oscar_docdata.simulator.urls"))`` serves the SOAP
endpoint at ``docdata-sim/services/paymentservice/1_3`` and the menu at
``docdata-sim/menu``, as Docdata does under ``/ps``. Never mount it in production:
every URL is a 404 unless DEBUG or DOCDATA_SIMULATOR_ENABLED is on (see ``gate``).
"""

from django.urls import path

from . import bank_views, menu_views, views
from .gate import enabled_only

app_name = "docdata_simulator"

#: The SOAP endpoint's path below the mount prefix (as under Docdata's ``/ps``).
ENDPOINT_PATH = "services/paymentservice/1_3"

urlpatterns = [
    path("", enabled_only(views.overview), name="overview"),
    path(ENDPOINT_PATH, enabled_only(views.soap_endpoint), name="soap"),
    path("menu", enabled_only(menu_views.menu), name="menu"),
    path("bank/ideal/<int:payment_id>/choose/", enabled_only(bank_views.ideal_choose),
         name="ideal_choose"),
    path("bank/ideal/<int:payment_id>/", enabled_only(bank_views.bank_ideal),
         name="bank_ideal"),
    path("bank/paypal/<int:payment_id>/", enabled_only(bank_views.bank_paypal),
         name="bank_paypal"),
    path("bank/acs/", enabled_only(bank_views.acs), name="acs"),
    path("bank/acs/complete/", enabled_only(bank_views.acs_complete), name="acs_complete"),
]
