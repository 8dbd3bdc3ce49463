"""The Oscar-aware Interface: Docdata orders from Oscar users, addresses and baskets.

``oscar_docdata.configured_facade.get_facade()`` returns an instance of the class named by
``DOCDATA_FACADE_CLASS`` (default ``oscar_docdata.facade.Facade``, the old path of this
class); subclass Facade to change what is sent.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import transaction
from oscar.apps.payment.exceptions import PaymentError

from oscar_docdata.exceptions import DocdataCreateError, DocdataValidationError
from oscar_docdata.gateway.values import Destination, Name, Shopper
from oscar_docdata.interface import Interface, to_amount
from oscar_docdata.models import DocdataOrder
from oscar_docdata.oscar_adapter.values import address_from_oscar, invoice_from_basket, name_from

logger = logging.getLogger("oscar_docdata")

_GENDERS = {"mr": "M", "mrs": "F", "miss": "F", "ms": "F"}


class DocdataPaymentError(DocdataCreateError, PaymentError):
    """Docdata refused to create the order. Shops catch it as Oscar's ``PaymentError``
    (the old Facade's exception) or as ``DocdataCreateError``; ``code`` and ``value``
    are Docdata's first error."""


class Facade(Interface):
    """The Interface for Oscar shops.

    ``create_payment(order_number, total, user, language=None, description=None,
    profile=None, merchant_name=None, **kwargs)`` takes these Oscar inputs as keyword
    arguments:

    - ``basket``: the Oscar basket; becomes the invoice (omitted without a basket);
    - ``billing_address`` / ``shipping_address``: Oscar addresses; billTo is the billing
      address, or the shipping address when there is none; shipTo the shipping address;
    - ``shipping_charge``: the shipping ``Price`` (an invoice line when not zero);
    - ``surcharges``: Oscar's ``SurchargeList`` (or any iterable of objects with
      ``surcharge`` and ``price``), one invoice line each;
    - ``email``: the guest's e-mail address when ``user`` is anonymous.

    ``total`` is Oscar's order total ``Price``; its ``incl_tax`` is charged. Any
    DocdataClient.create() keyword argument (e.g. ``receiptText``) is passed on. When
    Docdata refuses the order, ``DocdataPaymentError`` is raised: a DocdataCreateError
    that is also Oscar's PaymentError, as the old package raised.
    """

    def create_payment(self, order_number: str, total: Any, user: Any,
                       *args: Any, **kwargs: Any) -> str:
        try:
            return super().create_payment(order_number, total, user, *args, **kwargs)
        except DocdataCreateError as error:
            raise DocdataPaymentError(error.errors, error.operation) from error

    def get_create_payment_args(
        self,
        order_number: str,
        total: Any,
        user: Any,
        language: str | None = None,
        description: str | None = None,
        profile: str | None = None,
        merchant_name: str | None = None,
        *,
        basket: Any = None,
        billing_address: Any = None,
        shipping_address: Any = None,
        shipping_charge: Any = None,
        email: str | None = None,
        surcharges: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        amount = to_amount(total)
        language = language or "en"
        # "billingaddress": the old package's first name of the argument.
        address = billing_address or kwargs.pop("billingaddress", None) or shipping_address
        if address is None:
            raise DocdataValidationError("billTo", "a billing or shipping address is required")
        shopper = kwargs.pop("shopper", None) or self.get_shopper(
            user, language, email=email, address=address, phone_source=shipping_address
        )
        bill_to = kwargs.pop("bill_to", None) or Destination(
            name=shopper.name, address=address_from_oscar(address)
        )
        if basket is not None and "invoice" not in kwargs:
            ship_to_address = shipping_address or address
            ship_to = Destination(
                name=name_from(ship_to_address, fallback=shopper.name),
                address=address_from_oscar(ship_to_address),
            )
            kwargs["invoice"] = invoice_from_basket(
                basket,
                currency=amount.currency,
                ship_to=ship_to,
                shipping_charge=shipping_charge,
                surcharges=surcharges,
                expected_total=amount.value,
            )
        return super().get_create_payment_args(
            order_number, amount, user, language=language, description=description,
            profile=profile, merchant_name=merchant_name, shopper=shopper, bill_to=bill_to,
            **kwargs,
        )

    def order_status_changed(
        self, docdata_order: DocdataOrder, old_status: str, new_status: str
    ) -> None:
        """Move the Oscar order through DOCDATA_ORDER_STATUS_MAPPING, as the old Facade did,
        when the plugin's receivers are off (a shop with receivers of its own). Moving
        into the cancelled status frees the order's stock allocations, once (see
        ``oscar_docdata.oscar_adapter.stock``).

        With the receivers on (the default) they do it after commit, once per report.
        Runs inside the status update's transaction; a failure is logged, never raised
        into Docdata's notification.
        """
        super().order_status_changed(docdata_order, old_status, new_status)
        # Late: these modules look up Oscar's models when imported, and this module is
        # imported by name (DOCDATA_FACADE_CLASS), possibly before the app registry is ready.
        from oscar_docdata.oscar_adapter.conf import receivers_enabled
        from oscar_docdata.oscar_adapter.sources import oscar_order, oscar_order_id_for
        from oscar_docdata.oscar_adapter.status import follow_docdata_status

        if receivers_enabled():
            return
        try:
            with transaction.atomic():
                order_id = oscar_order_id_for(docdata_order)
                order = oscar_order(order_id, lock=True) if order_id is not None else None
                if order is not None:
                    follow_docdata_status(order, [new_status])
        except Exception:
            logger.exception(
                "Docdata order %s: the Oscar order status could not follow %s",
                docdata_order.order_key, new_status,
            )

    def get_source_type(self) -> Any:
        """Oscar's payment SourceType of Docdata payments (code ``docdata``), created when
        missing: the one the checkout records its Sources with."""
        # Late: these modules look up Oscar's models when imported, and this module is
        # imported by name (DOCDATA_FACADE_CLASS), possibly before the app registry is ready.
        from oscar_docdata.oscar_adapter.sources import docdata_source_type

        return docdata_source_type()

    def get_shopper(
        self,
        user: Any,
        language: str,
        *,
        email: str | None = None,
        address: Any = None,
        phone_source: Any = None,
    ) -> Shopper:
        """The shopper: the user, or a guest known by ``email``; never empty names."""
        authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
        email = (getattr(user, "email", "") if authenticated else "") or email or ""
        if not email:
            raise DocdataValidationError("shopper.email", "the shopper's e-mail address is needed")
        if authenticated:
            shopper_id = str(user.pk)
        else:
            # A stable id per guest; never one id for every guest, or Docdata could offer
            # one guest another guest's stored payment details.
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
            shopper_id = f"guest-{digest}"
        name = name_from(
            user if authenticated else None, address, fallback=_name_from_email(email)
        )
        phone = getattr(phone_source, "phone_number", None) or getattr(
            address, "phone_number", None
        )
        title = (getattr(address, "title", "") or "").lower()
        return Shopper(
            id=shopper_id,
            name=name,
            email=email,
            language=language,
            gender=_GENDERS.get(title, "U"),
            phone_number=str(phone) if phone else None,
        )


def _name_from_email(email: str) -> Name:
    local = email.split("@", 1)[0].strip()[:35] or "-"
    return Name(first=local[:1].upper(), last=local)
