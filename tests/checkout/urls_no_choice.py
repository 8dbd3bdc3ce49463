"""Like ``tests.checkout.urls``, with a checkout that lets the menu offer every method."""

from oscar_docdata.oscar_adapter.views import PaymentDetailsView

from .urls import shop_urls

urlpatterns = shop_urls(PaymentDetailsView)
