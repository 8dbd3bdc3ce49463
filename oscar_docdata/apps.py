from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OscarDocdataConfig(AppConfig):
    name = "oscar_docdata"
    label = "oscar_docdata"
    verbose_name = _("Docdata Payments")
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from oscar_docdata import (
            checks,  # noqa: F401 - registers the system checks
            receivers,
        )

        # Keep Oscar's order, Source, Transactions and PaymentEvents in step with Docdata;
        # each receiver checks DOCDATA_OSCAR_RECEIVERS on every call.
        receivers.connect()
