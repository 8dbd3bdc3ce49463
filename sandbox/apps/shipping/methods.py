"""The sandbox's shipping methods: paid delivery (a VAT-bearing line) or pickup."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods


class Delivery(methods.FixedPrice):
    code = "delivery"
    name = _("Delivery by post")
    description = _("Delivered within two working days.")
    charge_excl_tax = Decimal("4.13")
    charge_incl_tax = Decimal("5.00")


class Pickup(methods.Free):
    code = "pickup"
    name = _("Collect in the shop")
