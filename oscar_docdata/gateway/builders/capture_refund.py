"""The capture and refund requests (cancel and status need only the order key:
:func:`.common.order_key_only`)."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from oscar_docdata.exceptions import DocdataValidationError

from .. import fields
from ..values import Amount, RefundBankAccount, RefundItems
from .common import amount, compact


def _bool(value: bool | None) -> bool | None:
    return None if value is None else bool(value)


def capture(*, payment_id: Any, amount_value: Amount | None, reference: str | None,
            item_code: str | None, description: str | None, final_capture: bool | None,
            cancel_reserved: bool | None, required_date: Any) -> dict[str, Any]:
    return compact({
        "paymentId": fields.payment_id(payment_id),
        "merchantCaptureReference": fields.text("capture.merchantCaptureReference", reference,
                                                field="merchantCaptureReference"),
        "amount": (amount(amount_value, field="amount", positive=True)
                   if amount_value is not None else None),
        "itemCode": fields.text("capture.itemCode", item_code, field="itemCode"),
        "description": fields.text("capture.description", description, field="description"),
        "finalCapture": _bool(final_capture),
        "cancelReserved": _bool(cancel_reserved),
        "requiredCaptureDate": fields.xsd_date(required_date, field="requiredCaptureDate"),
    })


def _refund_items(value: RefundItems) -> dict[str, Any]:
    if not isinstance(value, RefundItems):
        raise DocdataValidationError("refundItems",
                                     f"expected RefundItems, got {type(value).__name__}")
    lines = [
        {"itemCode": fields.text("refund.itemCode", code, field=f"refundItems.itemLine[{i}]"
                                 ".itemCode", required=True),
         "quantity": fields.integer(quantity, field=f"refundItems.itemLine[{i}].quantity",
                                    minimum=1)}
        for i, (code, quantity) in enumerate(value.lines)
    ]
    additional = None
    if value.additional_amount is not None:
        if value.additional_vat_rate is None:
            raise DocdataValidationError("refundItems.additionalRefund.vatRate", "is required")
        additional = compact({
            "vatRate": fields.vat_rate(value.additional_vat_rate,
                                       field="refundItems.additionalRefund.vatRate"),
            "additionalAmount": amount(value.additional_amount,
                                       field="refundItems.additionalRefund.additionalAmount",
                                       positive=True),
            "description": fields.text("refund.description", value.additional_description,
                                       field="refundItems.additionalRefund.description"),
        })
    if not lines and additional is None:
        raise DocdataValidationError("refundItems", "has neither item lines nor an amount")
    return compact({"additionalRefund": additional, "itemLine": lines or None})


@sensitive_variables()
def _refund_bank_account(value: RefundBankAccount) -> dict[str, Any]:
    path = "refundBankAccount"
    return compact({
        "holderName": fields.text(f"{path}.holderName", value.holder_name, required=True),
        "holderCity": fields.text(f"{path}.holderCity", value.holder_city, required=True),
        "holderCountry": {"code": fields.text("address.country", value.holder_country,
                                              field=f"{path}.holderCountry", required=True)},
        "bic": fields.text(f"{path}.bic", value.bic),
        "iban": fields.text(f"{path}.iban", value.iban, required=True),
    })


@sensitive_variables("bank_account")
def refund(*, payment_id: Any, amount_value: Amount | None, reference: str | None,
           item_code: str | None, description: str | None, refund_items: RefundItems | None,
           cancel_reserved: bool | None, required_date: Any,
           bank_account: RefundBankAccount | None) -> dict[str, Any]:
    simple = {
        "amount": (amount(amount_value, field="amount", positive=True)
                   if amount_value is not None else None),
        "itemCode": fields.text("refund.itemCode", item_code, field="itemCode"),
        "description": fields.text("refund.description", description, field="description"),
    }
    if refund_items is not None and any(value is not None for value in simple.values()):
        raise DocdataValidationError(
            "refundItems", "give refund_items or amount/item_code/description, not both")
    return compact({
        "paymentId": fields.payment_id(payment_id),
        "merchantRefundReference": fields.text("refund.merchantRefundReference", reference,
                                               field="merchantRefundReference"),
        **simple,
        "refundItems": _refund_items(refund_items) if refund_items is not None else None,
        "cancelReserved": _bool(cancel_reserved),
        "requiredRefundDate": fields.xsd_date(required_date, field="requiredRefundDate"),
        "refundBankAccount": (_refund_bank_account(bank_account)
                              if bank_account is not None else None),
    })
