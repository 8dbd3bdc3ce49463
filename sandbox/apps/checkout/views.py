"""The sandbox's checkout: Oscar's, paying through Docdata's payment menu."""

from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import views

from oscar_docdata.checkout import DocdataPaymentDetailsMixin


class PaymentDetailsView(DocdataPaymentDetailsMixin, views.PaymentDetailsView):
    # The customer picks a method here and lands on it in the menu (default_pm).
    docdata_payment_methods = (
        ("IDEAL", _("iDEAL")),
        ("MASTERCARD", _("Mastercard")),
        ("VISA", _("Visa")),
        ("MISTERCASH", _("Bancontact")),
        ("PAYPAL_EXPRESS_CHECKOUT", _("PayPal")),
        ("BANK_TRANSFER", _("Bank transfer")),
    )
