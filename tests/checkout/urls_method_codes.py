"""The test shop with checkouts that list plain method codes (named by
oscar_docdata.methods), a mix of codes and ``(code, label)`` pairs, and the live list."""

from django.urls import path

from oscar_docdata.oscar_adapter.views import PaymentDetailsView

from .urls import shop_urls


class CodesPaymentDetailsView(PaymentDetailsView):
    docdata_payment_methods = ("IDEAL", "MISTERCASH", "BANK_TRANSFER", "SEPA_DIRECT_DEBIT")


class MixedPaymentDetailsView(PaymentDetailsView):
    # The shop's own label wins over the method's name.
    docdata_payment_methods = (("IDEAL", "iDEAL (all Dutch banks)"), "VISA")


class LivePaymentDetailsView(PaymentDetailsView):
    # EPS: configured, but the simulator's "standard" profile does not offer it.
    docdata_payment_methods = ("BANK_TRANSFER", "EPS", "IDEAL")
    docdata_live_payment_methods = True


class AllLivePaymentDetailsView(PaymentDetailsView):
    docdata_live_payment_methods = True


def with_view(prefix: str, view: type[PaymentDetailsView]) -> list:
    return [
        path(f"{prefix}/payment-details/", view.as_view()),
        path(f"{prefix}/preview/", view.as_view(preview=True)),
    ]


urlpatterns = [
    *with_view("mixed", MixedPaymentDetailsView),
    *with_view("live", LivePaymentDetailsView),
    *with_view("all-live", AllLivePaymentDetailsView),
    *shop_urls(CodesPaymentDetailsView),
]
