"""Django Oscar's checkout paying through Docdata's payment menu.

``DocdataPaymentDetailsMixin`` goes in front of Oscar's ``PaymentDetailsView`` in a forked
checkout app; ``oscar_docdata.checkout.views.PaymentDetailsView`` is that combination,
ready to use. Import this package after Django's app registry is ready (as a forked
checkout's views module is).
"""

from oscar_docdata.checkout.mixins import DocdataPaymentDetailsMixin

__all__ = ["DocdataPaymentDetailsMixin"]
