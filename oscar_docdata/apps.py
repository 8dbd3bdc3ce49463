from django.apps import apps
from django.utils.translation import gettext_lazy as _
from oscar.core import application as oscar_application

# Modules, not classes: Django picks the app config among the AppConfig classes of this
# module's namespace.
from oscar_docdata.dashboard import apps as dashboard_apps


class OscarDocdataConfig(dashboard_apps.DocdataDashboardMixin,
                         oscar_application.OscarDashboardConfig):
    """The plugin's app.

    It also serves the dashboard for shops set up as the old package's README said:
    ``include(application.urls)`` and the navigation entry ``docdata-order-list``, with
    only ``"oscar_docdata"`` in INSTALLED_APPS. Oscar's navigation looks up a URL name's
    permissions in the installed dashboard app configs, so this app is one; when
    ``"oscar_docdata.dashboard"`` is installed, that app serves the dashboard instead.
    """

    name = "oscar_docdata"
    label = "oscar_docdata"
    verbose_name = _("Docdata Payments")
    default_auto_field = "django.db.models.AutoField"
    default_permissions = ["is_staff"]

    @property
    def serves_dashboard(self) -> bool:
        """True when the dashboard app is not installed (the old README's setup)."""
        return not apps.is_installed(dashboard_apps.DocdataDashboardConfig.name)

    def ready(self) -> None:
        # Here, not at the top: they import the models, which need the app registry ready.
        from oscar_docdata import checks
        from oscar_docdata.oscar_adapter import receivers

        checks.register_checks()
        # Keep Oscar's order, Source, Transactions and PaymentEvents in step with Docdata;
        # each receiver checks DOCDATA_OSCAR_RECEIVERS on every call.
        receivers.connect()
        self.configure_dashboard()

    def get_urls(self) -> list:
        return super().get_urls() if self.serves_dashboard else []
