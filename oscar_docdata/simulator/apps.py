from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocdataSimulatorConfig(AppConfig):
    name = "oscar_docdata.simulator"
    label = "docdata_simulator"
    verbose_name = _("Docdata simulator")
    default_auto_field = "django.db.models.BigAutoField"
