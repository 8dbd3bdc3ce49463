"""Oscar's PaymentDetailsView with the Docdata mixin, for shops that need nothing more.

In a forked checkout app's ``views.py``::

    from oscar_docdata.oscar_adapter.views import PaymentDetailsView  # noqa: F401
"""

from oscar.apps.checkout.views import PaymentDetailsView as OscarPaymentDetailsView

from oscar_docdata.oscar_adapter.mixins import DocdataPaymentDetailsMixin


class PaymentDetailsView(DocdataPaymentDetailsMixin, OscarPaymentDetailsView):
    """Places the Oscar order and sends the customer to Docdata's payment menu."""
