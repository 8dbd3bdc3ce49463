"""Values for the plugin's client, as a shop would build them."""

from decimal import Decimal

from oscar_docdata.gateway import (
    Address,
    Amount,
    Destination,
    Invoice,
    Item,
    Name,
    Shopper,
    Vat,
)


def shopper(shopper_id="42", language="nl") -> Shopper:
    return Shopper(id=shopper_id, name=Name(first="Jan", last="Jansen"),
                   email="jan@example.com", language=language, gender="M")


def bill_to() -> Destination:
    return Destination(
        name=Name(first="Jan", last="Jansen"),
        address=Address(street="Dorpsstraat", house_number="1", house_number_addition=None,
                        postal_code="1234 AB", city="Amsterdam", state=None, country_code="NL"),
    )


def invoice(total: Decimal, currency="EUR") -> Invoice:
    net = (total / Decimal("1.21")).quantize(Decimal("0.01"))
    vat = total - net
    line = Item(number=1, name="Tea pot", code="TEA-1", quantity=1, description="A tea pot",
                net_amount=Amount(net, currency), gross_amount=Amount(total, currency),
                vat=Vat(Decimal("21"), Amount(vat, currency)),
                total_net_amount=Amount(net, currency), total_gross_amount=Amount(total, currency),
                total_vat=Vat(Decimal("21"), Amount(vat, currency)))
    return Invoice(total_net_amount=Amount(net, currency),
                   total_vat_amounts=[Vat(Decimal("21"), Amount(vat, currency))],
                   items=[line], ship_to=bill_to())


def create_order(client, reference, amount="12.34", currency="EUR", **kwargs):
    """create() through the plugin's client; returns the order key."""
    kwargs.setdefault("description", "Order " + reference)
    result = client.create(reference, Amount(Decimal(amount), currency), shopper(), bill_to(),
                           **kwargs)
    return result.order_key
