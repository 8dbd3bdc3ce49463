"""What the customer reads when the Docdata order cannot be created at checkout.

Messages name the field to correct when Docdata's schema refused a value, and never
show the value itself or Docdata's technical answer.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oscar.apps.payment.exceptions import PaymentError

from oscar_docdata.exceptions import (
    DocdataError,
    DocdataGatewayError,
    DocdataValidationError,
)

#: Where a value came from, by the first part(s) of the gateway's field path.
PARTS = (
    ("invoice.shipTo", _("shipping address")),
    ("billTo", _("billing address")),
    ("shopper", _("contact details")),
)
#: What the value is, by the last part of the field path.
FIELDS = {
    "first": _("first name"),
    "last": _("last name"),
    "prefix": _("name prefix"),
    "initials": _("initials"),
    "street": _("street"),
    "houseNumber": _("house number"),
    "houseNumberAddition": _("house number addition"),
    "postalCode": _("postcode"),
    "city": _("town or city"),
    "state": _("state"),
    "country": _("country"),
    "email": _("e-mail address"),
    "phoneNumber": _("phone number"),
    "mobilePhoneNumber": _("mobile phone number"),
    "companyName": _("company name"),
}

UNREACHABLE = _(
    "We could not reach our payment provider. No payment has been taken and your basket "
    "is unchanged: please try again in a moment."
)
REFUSED = _(
    "Our payment provider did not accept this order. No payment has been taken and your "
    "basket is unchanged: please check your details and try again, or contact us if this "
    "keeps happening."
)
TOO_LONG = _(
    "The %(what)s in your %(part)s is too long for our payment provider (%(length)s "
    "characters, at most %(limit)s). Please shorten it and place the order again."
)
NOT_ACCEPTED = _(
    "Our payment provider cannot accept the %(what)s in your %(part)s. Please correct it "
    "and place the order again."
)
NOT_ACCEPTED_UNNAMED = _(
    "Our payment provider cannot accept the details of this order. Please check your "
    "addresses and contact details, or contact us if this keeps happening."
)


class DocdataCheckoutError(PaymentError):
    """The Docdata order could not be created; ``message`` is for the customer."""

    def __init__(self, message: str | Promise):
        self.message = message
        super().__init__(str(message))


def customer_message(error: Exception) -> str | Promise:
    """The customer-facing message for an error raised while creating the order."""
    if isinstance(error, DocdataValidationError):
        return validation_message(error)
    if isinstance(error, DocdataGatewayError | ImproperlyConfigured):
        return UNREACHABLE
    if isinstance(error, DocdataError):
        return REFUSED
    return UNREACHABLE


def validation_message(error: DocdataValidationError) -> str | Promise:
    """Name the field (e.g. "street in your billing address") and, if known, the limit."""
    path = error.field or ""
    part = next((label for prefix, label in PARTS if path.startswith(prefix + ".")), None)
    what = FIELDS.get(path.rsplit(".", 1)[-1])
    if part is None or what is None:
        return NOT_ACCEPTED_UNNAMED
    values = {"what": what, "part": part, "length": error.length, "limit": error.limit}
    if error.limit is not None and error.length is not None and error.length > error.limit:
        return TOO_LONG % values
    return NOT_ACCEPTED % values
