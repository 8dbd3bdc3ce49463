"""The invoice of a create request: its items, their VAT and the shipping destination."""

from __future__ import annotations

from typing import Any

from oscar_docdata.exceptions import DocdataValidationError

from .. import fields
from ..values import Invoice, Item, Vat
from .common import amount, compact, destination

#: Units of an invoice item's quantity (the schema declares them inline on item/quantity).
UNITS_OF_MEASURE = ("PCS", "SEC", "BYT", "KB")


def vat(value: Vat, path: str) -> dict[str, Any]:
    if not isinstance(value, Vat):
        raise DocdataValidationError(path, f"expected a Vat, got {type(value).__name__}")
    return {"rate": fields.vat_rate(value.rate, field=f"{path}.rate"),
            "amount": amount(value.amount, field=f"{path}.amount", allow_negative=True)}


def item(value: Item, path: str) -> dict[str, Any]:
    if not isinstance(value, Item):
        raise DocdataValidationError(path, f"expected an Item, got {type(value).__name__}")
    # The old package's Quantity (gateway.legacy) carries its own unit.
    unit = (getattr(value.quantity, "unit", None) or value.unit_of_measure or "PCS")
    unit = unit.strip().upper()
    if unit not in UNITS_OF_MEASURE:
        raise DocdataValidationError(f"{path}.quantity.unitOfMeasure",
                                     f"{unit!r} is not one of {', '.join(UNITS_OF_MEASURE)}")

    def money(key: str) -> dict[str, Any]:
        attribute = {"netAmount": "net_amount", "grossAmount": "gross_amount",
                     "totalNetAmount": "total_net_amount",
                     "totalGrossAmount": "total_gross_amount"}[key]
        return amount(getattr(value, attribute), field=f"{path}.{key}", allow_negative=True)

    return compact({
        "number": fields.integer(value.number, field=f"{path}.number"),
        "name": fields.text("item.name", value.name, field=f"{path}.name", required=True),
        "code": fields.text("item.code", value.code, field=f"{path}.code", required=True),
        "quantity": {"_value_1": fields.integer(value.quantity, field=f"{path}.quantity"),
                     "unitOfMeasure": unit},
        "description": fields.text("item.description", value.description or value.name,
                                   field=f"{path}.description", required=True),
        "image": fields.text("item.image", value.image, field=f"{path}.image"),
        "netAmount": money("netAmount"),
        "grossAmount": money("grossAmount"),
        "vat": vat(value.vat, f"{path}.vat"),
        "totalNetAmount": money("totalNetAmount"),
        "totalGrossAmount": money("totalGrossAmount"),
        "totalVat": vat(value.total_vat, f"{path}.totalVat"),
    })


def invoice(value: Invoice) -> dict[str, Any]:
    if not isinstance(value, Invoice):
        raise DocdataValidationError("invoice", f"expected an Invoice, got {type(value).__name__}")
    if not value.total_vat_amounts:
        raise DocdataValidationError("invoice.totalVatAmount", "at least one VAT amount needed")
    if not value.items:
        raise DocdataValidationError("invoice.item", "at least one item needed")
    vat_amounts = []
    for index, entry in enumerate(value.total_vat_amounts):
        path = f"invoice.totalVatAmount[{index}]"
        vat_amount = amount(entry.amount, field=path, allow_negative=True)
        vat_amounts.append({**vat_amount, "rate": fields.vat_rate(entry.rate,
                                                                 field=f"{path}.rate")})
    return compact({
        "totalNetAmount": amount(value.total_net_amount, field="invoice.totalNetAmount",
                                 allow_negative=True),
        "totalVatAmount": vat_amounts,
        "item": [item(entry, f"invoice.item[{index}]") for index, entry in enumerate(value.items)],
        "shipTo": destination(value.ship_to, "invoice.shipTo"),
        "additionalDescription": fields.text("invoice.additionalDescription",
                                             value.additional_description,
                                             field="invoice.additionalDescription"),
    })
