"""The sandbox's checkout: Oscar's, paying through Docdata's payment menu."""

from oscar.apps.checkout import views

from oscar_docdata.oscar_adapter import DocdataPaymentDetailsMixin


class PaymentDetailsView(DocdataPaymentDetailsMixin, views.PaymentDetailsView):
    # The customer picks a method here and lands on it in the menu (default_pm). Plain
    # codes: oscar_docdata.methods names them, in English and Dutch. Only methods
    # Docdata still offers (no ELV, Sofort or giropay).
    docdata_payment_methods = (
        "IDEAL",
        "MASTERCARD",
        "VISA",
        "MISTERCASH",
        "PAYPAL_EXPRESS_CHECKOUT",
        "BANK_TRANSFER",
    )
    # Once an order was placed, offer only those Docdata's listPaymentMethods answers.
    docdata_live_payment_methods = True
