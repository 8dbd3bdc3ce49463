"""The test URLconf with Docdata's checkout, as a shop's forked checkout app would have it.

Oscar's payment-details and preview URLs are served by
``oscar_docdata.oscar_adapter.views.PaymentDetailsView`` (shadowing Oscar's own view at the
same paths, so ``reverse("checkout:preview")`` still works). The customer chooses a
payment method there (``docdata_payment_methods``); ``tests.checkout.urls_no_choice``
has the view without a choice.
"""

from django.apps import apps
from django.test.utils import override_settings
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from oscar_docdata.oscar_adapter.views import PaymentDetailsView


class ChoosingPaymentDetailsView(PaymentDetailsView):
    docdata_payment_methods = (
        ("IDEAL", _("iDEAL")),
        ("MASTERCARD", _("Mastercard")),
        ("BANK_TRANSFER", _("Bank transfer")),
    )


def shop_urls(view: type[PaymentDetailsView]) -> list:
    # Oscar decides at URL-building time whether checkout needs a login: build them for
    # guest checkout (the views themselves read the setting per request).
    with override_settings(OSCAR_ALLOW_ANON_CHECKOUT=True):
        oscar_urls = apps.get_app_config("oscar").urls[0]
    return [
        path("i18n/", include("django.conf.urls.i18n")),
        path("api/docdata/", include("oscar_docdata.urls")),
        path("docdata-sim/", include("oscar_docdata.simulator.urls")),
        path("checkout/payment-details/", view.as_view()),
        path("checkout/preview/", view.as_view(preview=True)),
        path("", include(oscar_urls)),
    ]


urlpatterns = shop_urls(ChoosingPaymentDetailsView)
