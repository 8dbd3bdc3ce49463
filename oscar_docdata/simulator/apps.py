from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .checks import check_simulator_gate


class DocdataSimulatorConfig(AppConfig):
    name = "oscar_docdata.simulator"
    label = "docdata_simulator"
    verbose_name = _("Docdata simulator")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not with @register: only a project with the simulator installed runs it.
        checks.register(check_simulator_gate, checks.Tags.security, "oscar_docdata")
