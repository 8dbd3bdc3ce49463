"""Oscar's PaymentDetailsView paying through Docdata's hosted payment menu.

Use it in a forked checkout app::

    # yourshop/checkout/views.py
    from oscar.apps.checkout import views
    from oscar_docdata.oscar_adapter import DocdataPaymentDetailsMixin

    class PaymentDetailsView(DocdataPaymentDetailsMixin, views.PaymentDetailsView):
        docdata_payment_methods = ("IDEAL", "VISA")  # optional; names: oscar_docdata.methods
        docdata_live_payment_methods = True  # optional: only what Docdata offers

On "place order" the view

1. creates the Docdata order from the submission (user or guest e-mail, billing and
   shipping address, basket, total) with ``get_facade().create_payment``;
2. places the Oscar order right away, because the customer may never come back from
   the menu, with a payment Source of type "Docdata" whose reference is the order key;
3. redirects to the payment menu, opening the customer's chosen method (``default_pm``)
   when ``docdata_payment_methods`` let them choose one.

``docdata_payment_methods`` lists Docdata method codes, named by
:func:`oscar_docdata.methods.method_name` (``DOCDATA_PAYMENT_METHOD_LABELS`` overrides),
or ``(code, label)`` pairs whose label wins. With ``docdata_live_payment_methods`` the
choice follows what Docdata's ``listPaymentMethods`` offers for the shop's merchant,
profile and the shopper's country (see :mod:`oscar_docdata.method_list`).

When the Docdata order cannot be created, the preview page shows what went wrong and
the basket is given back. When the Oscar order cannot be placed after the Docdata order
was created, the Docdata order is deleted here and cancelled at Docdata: nothing stays
half-created.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import get_language
from oscar.core.loading import get_model

from oscar_docdata import method_list
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.configured_facade import get_facade
from oscar_docdata.exceptions import DocdataError
from oscar_docdata.models import DocdataOrder
from oscar_docdata.oscar_adapter.conf import EMAIL_WHEN_PLACED, confirmation_email_when
from oscar_docdata.oscar_adapter.errors import DocdataCheckoutError, customer_message
from oscar_docdata.oscar_adapter.forms import (
    MethodEntry,
    PaymentMethodForm,
    lazy_method_name,
    payment_method_choices,
)
from oscar_docdata.oscar_adapter.sources import docdata_source_type

logger = logging.getLogger("oscar_docdata")

Source = get_model("payment", "Source")

if TYPE_CHECKING:  # checked as part of the view it is mixed into (Oscar has no types)
    from oscar.apps.checkout.views import PaymentDetailsView as _MixedInto
else:
    _MixedInto = object


class DocdataPaymentDetailsMixin(_MixedInto):
    """Mix into Oscar's ``PaymentDetailsView`` (first in the bases) to pay with Docdata."""

    template_name = "oscar_docdata/checkout/payment_details.html"
    template_name_preview = "oscar_docdata/checkout/preview.html"

    #: The methods the customer picks from on the payment details page: Docdata codes
    #: (``"IDEAL"``, named by oscar_docdata.methods) or ``(code, label)`` pairs; the pick
    #: opens that method in the menu. Empty: the menu offers every method.
    docdata_payment_methods: Sequence[MethodEntry] = ()

    #: Offer what Docdata's listPaymentMethods answered for the merchant, profile and
    #: country of this checkout's orders (cached; see oscar_docdata.method_list): the
    #: configured methods Docdata offers, in their order, or without configured methods
    #: every method Docdata offers. Until Docdata's answer is known: the configured list.
    docdata_live_payment_methods: bool = False

    #: Set while placing an order: the Docdata order key and the chosen method.
    docdata_order_key: str | None = None
    docdata_payment_method: str | None = None

    _docdata_facade: Any = None
    _docdata_submission: dict[str, Any] | None = None
    _docdata_error: DocdataCheckoutError | None = None
    _docdata_create_kwargs: dict[str, Any] | None = None
    _payment_method_form: PaymentMethodForm | None = None

    # --- choosing a method -----------------------------------------------------------------

    def get_docdata_payment_methods(self) -> list[tuple[str, str | Promise]]:
        """The ``(code, label)`` choices of the payment details page."""
        configured = payment_method_choices(self.docdata_payment_methods)
        if not self.docdata_live_payment_methods:
            return configured
        live = method_list.cached_methods(self.get_docdata_method_scope())
        return method_list.offered(configured, live, lazy_method_name)

    def get_docdata_method_scope(self) -> method_list.MethodScope:
        """Merchant, profile and country of the order this checkout would create.

        The facade's merchant, ``DOCDATA_PROFILE`` and the country of the billing (else
        shipping) address. Override it too when ``get_docdata_create_payment_kwargs``
        passes another ``merchant_name`` or ``profile``.
        """
        address = None
        basket = getattr(self.request, "basket", None)
        try:
            shipping_address = self.get_shipping_address(basket)
            address = self.get_billing_address(shipping_address) or shipping_address
        except Exception:  # no address yet (or a shop's own session): no country
            logger.debug("No checkout address for Docdata's method list", exc_info=True)
        country = getattr(getattr(address, "country", None), "iso_3166_1_a2", None)
        return method_list.MethodScope.of(
            getattr(self.get_docdata_facade(), "merchant_name", None), None, country
        )

    def get_payment_method_form(self, data: Any = None) -> PaymentMethodForm | None:
        """The method choice, or None when the shop lets the menu offer every method."""
        methods = self.get_docdata_payment_methods()
        if not methods:
            return None
        return PaymentMethodForm(methods, data=data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "payment_method_form" not in kwargs:
            kwargs["payment_method_form"] = (
                self._payment_method_form or self.get_payment_method_form()
            )
        return super().get_context_data(**kwargs)

    def handle_payment_details_submission(self, request: HttpRequest) -> HttpResponse:
        form = self._payment_method_form = self.get_payment_method_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_payment_details(request)
        return self.render_preview(request)

    def handle_place_order_submission(self, request: HttpRequest) -> HttpResponse:
        form = self._payment_method_form = self.get_payment_method_form(request.POST)
        if form is not None:
            if not form.is_valid():
                return self.render_payment_details(request)
            self.docdata_payment_method = form.cleaned_data["payment_method"]
        return super().handle_place_order_submission(request)

    # --- placing the order -----------------------------------------------------------------

    def get_docdata_facade(self) -> Any:
        if self._docdata_facade is None:
            self._docdata_facade = get_facade()
        return self._docdata_facade

    def submit(self, **submission: Any) -> HttpResponse:
        # Oscar hands handle_payment() only the number and total; Docdata needs the rest.
        self._docdata_submission = submission
        return super().submit(**submission)

    def handle_payment(self, order_number: str, total: Any, **kwargs: Any) -> None:
        """Create the Docdata order and record the Source (saved with the order).

        An order with nothing to pay (a free product, a voucher for everything) is
        placed without a Docdata order, as Oscar places it.
        """
        if not total.incl_tax:
            return
        source_type = docdata_source_type()
        submission = self._docdata_submission or {}
        user = submission.get("user", self.request.user)
        facade = self.get_docdata_facade()
        try:
            create_kwargs = self.get_docdata_create_payment_kwargs(order_number, total, submission)
            order_key = facade.create_payment(order_number, total, user, **create_kwargs)
        except (DocdataError, ImproperlyConfigured) as error:
            logger.warning("Order %s: the Docdata order was not created: %s", order_number, error)
            self._docdata_error = DocdataCheckoutError(customer_message(error))
            raise self._docdata_error from error
        self.docdata_order_key = order_key
        self._docdata_create_kwargs = create_kwargs
        self.add_payment_source(
            Source(
                source_type=source_type,
                currency=total.currency,
                amount_allocated=Decimal(0),
                reference=order_key,
            )
        )

    def schedule_docdata_method_refresh(self, order_key: str, kwargs: dict[str, Any]) -> None:
        """Refresh the cached method list from the order just placed, when it is old.

        With the immediate task backend the call runs when the order is committed, before
        the redirect to the menu, for at most DOCDATA_PAYMENT_METHODS_TIMEOUT seconds.
        """
        merchant = kwargs.get("merchant_name") or getattr(
            self.get_docdata_facade(), "merchant_name", None
        )
        profile = kwargs.get("profile") or docdata_settings.DOCDATA_PROFILE
        country = (
            DocdataOrder.objects.filter(order_key=order_key)
            .values_list("country", flat=True).first()
        )
        method_list.schedule_refresh(method_list.MethodScope.of(merchant, profile, country),
                                     order_key)

    def get_docdata_create_payment_kwargs(
        self, order_number: str, total: Any, submission: dict[str, Any]
    ) -> dict[str, Any]:
        """Keyword arguments for ``Facade.create_payment`` besides number, total and user.

        Override to add e.g. ``description``, ``profile`` or ``receiptText``.
        """
        user = submission.get("user", self.request.user)
        email = None
        if not getattr(user, "is_authenticated", False):
            email = (submission.get("order_kwargs") or {}).get(
                "guest_email"
            ) or self.checkout_session.get_guest_email()
        return {
            "language": get_language(),
            "basket": submission.get("basket"),
            "billing_address": submission.get("billing_address"),
            "shipping_address": submission.get("shipping_address"),
            "shipping_charge": submission.get("shipping_charge"),
            "surcharges": submission.get("surcharges"),
            "email": email,
        }

    def handle_order_placement(self, order_number: str, *args: Any, **kwargs: Any) -> HttpResponse:
        """Place the order, its Source and the basket's submission in one transaction."""
        try:
            with transaction.atomic():
                response = super().handle_order_placement(order_number, *args, **kwargs)
        except Exception:
            self.discard_docdata_order()
            raise
        if self.docdata_live_payment_methods and self.docdata_order_key:
            try:
                self.schedule_docdata_method_refresh(
                    self.docdata_order_key, self._docdata_create_kwargs or {}
                )
            except Exception:  # the order is placed: the method list must not undo that
                logger.exception("The refresh of Docdata's payment methods failed")
        return response

    def discard_docdata_order(self) -> None:
        """Forget the Docdata order of an Oscar order that could not be placed."""
        order_key = self.docdata_order_key
        docdata_order = DocdataOrder.objects.filter(order_key=order_key).first()
        if docdata_order is None:
            return
        merchant = docdata_order.merchant_name
        subject_merchant = docdata_order.subject_merchant_name or None
        docdata_order.delete()
        self.docdata_order_key = None
        try:
            client = self.get_docdata_facade().client_for(merchant, subject_merchant)
            result = client.cancel(order_key)
        except Exception as error:  # the placement error matters more: log, don't raise
            logger.warning(
                "Docdata order %s of an order that was not placed could not be cancelled: %s",
                order_key, error,
            )
        else:
            logger.info(
                "Docdata order %s of an order that was not placed: cancel answered %s",
                order_key, result.result,
            )

    def render_preview(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self._docdata_error is not None:
            # Oscar shows a generic text for every payment error; ours says what to do.
            kwargs["error"] = self._docdata_error.message
        return super().render_preview(request, **kwargs)

    # --- after placement -------------------------------------------------------------------

    def get_success_url(self) -> str:
        """The payment menu (Oscar's thank-you page comes after the menu)."""
        if not self.docdata_order_key:
            return super().get_success_url()
        return self.get_docdata_payment_menu_url(self.docdata_order_key)

    def get_docdata_payment_menu_url(self, order_key: str) -> str:
        extra = {}
        if self.docdata_payment_method:
            extra["default_pm"] = self.docdata_payment_method
        return self.get_docdata_facade().get_payment_menu_url(
            self.request, order_key, client_language=get_language(), **extra
        )

    def send_order_placed_email(self, order: Any) -> None:
        """At placement when DOCDATA_CONFIRMATION_EMAIL is "placed" or nothing is to be
        paid; otherwise the receivers send it when Docdata reports the order paid."""
        if self.docdata_order_key and confirmation_email_when() != EMAIL_WHEN_PLACED:
            return
        # Not before the order is committed: a rolled back order must not be confirmed.
        transaction.on_commit(partial(super().send_order_placed_email, order))
