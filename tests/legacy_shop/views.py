"""The shop's forked checkout: Oscar's PaymentDetailsView sending the shopper to Docdata.

As the old sandbox's checkout/views.py: create the Docdata order through the facade,
record the payment Source (and a "pre-auth" payment event) itself, place the Oscar
order before leaving (Oscar places it only after a payment it took itself), then send
the shopper to Docdata's payment menu by raising RedirectRequired.
"""

import logging

from oscar.apps.checkout import views as oscar_views
from oscar.apps.payment.exceptions import RedirectRequired
from oscar.core.loading import get_model

from oscar_docdata.facade import get_facade

logger = logging.getLogger(__name__)

Source = get_model("payment", "Source")

PRE_AUTH = "pre-auth"


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        # handle_payment() needs the addresses, the basket and the user as well.
        submission["payment_kwargs"]["submission"] = submission
        return self.submit(**submission)

    def handle_payment(self, order_number, total, **kwargs):
        submission = kwargs["submission"]
        shipping_address = submission["shipping_address"]
        # No billing address step in this shop: bill the shipping address.
        billing_address = submission["billing_address"] or shipping_address

        facade = get_facade()
        order_key = facade.create_payment(
            order_number,
            total,
            submission["user"],
            billing_address=billing_address,
            shipping_address=shipping_address,
            basket=submission["basket"],
        )

        # From here on the order exists at Docdata: record where its money comes from.
        source = Source(
            source_type=facade.get_source_type(),
            currency=total.currency,
            amount_allocated=total.incl_tax,
            reference=order_key,
        )
        self.add_payment_source(source)
        self.add_payment_event(PRE_AUTH, total.incl_tax, reference=order_key)

        url = facade.get_payment_menu_url(self.request, order_key)
        self.place_order_before_redirect(order_number, submission)
        logger.info("Order #%s: sending the shopper to Docdata", order_number)
        raise RedirectRequired(url)

    def place_order_before_redirect(self, order_number, submission):
        """Write the order now; Docdata's notifications need it to exist."""
        # handle_order_placement() also flushes the checkout session and remembers the
        # order for the thank-you page; its own redirect is not used.
        self.handle_order_placement(
            order_number,
            submission["user"],
            submission["basket"],
            submission["shipping_address"],
            submission["shipping_method"],
            submission["shipping_charge"],
            submission["billing_address"],
            submission["order_total"],
            surcharges=submission["surcharges"],
            **submission["order_kwargs"],
        )
