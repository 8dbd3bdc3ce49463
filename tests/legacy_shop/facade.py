"""The shop's own Facade, selected with ``DOCDATA_FACADE_CLASS`` as old shops did."""

from oscar_docdata.facade import Facade

DESCRIPTION = "Legacy shop order {number}"


class LegacyShopFacade(Facade):
    """Sends the shop's own order description to Docdata."""

    # The old signature: profile is the last named argument; anything newer (such as a
    # merchant name) arrives in kwargs and goes back to the base class untouched.
    def get_create_payment_args(self, order_number, total, user, language=None,
                                description=None, profile=None, **kwargs):
        args = super().get_create_payment_args(
            order_number, total, user, language=language, description=description,
            profile=profile, **kwargs
        )
        args["description"] = DESCRIPTION.format(number=order_number)
        return args
