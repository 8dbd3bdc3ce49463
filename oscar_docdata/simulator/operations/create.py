"""create: a new payment order, its amount checked against any invoice."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from lxml import etree

from .. import accounts, engine
from ..models import SimulatedOrder
from ..soap import Call, E, child_elements, incorrect, success
from .reading import amount_of, element_data


def create(call: Call) -> etree._Element:
    reference = call.required_text("merchantOrderReference")
    if SimulatedOrder.objects.filter(merchant=call.merchant,
                                     merchant_order_reference=reference).exists():
        raise incorrect("Merchant order reference is not unique.")
    profile = call.required_text("paymentPreferences/profile")
    if accounts.profile_methods(profile) is None:
        raise incorrect(f"Unknown payment profile {profile}.")
    value, currency = amount_of(call.required("totalGrossAmount"))
    if value <= 0:
        raise incorrect("totalGrossAmount must be positive.")
    customer = _customer(call)
    invoice_element = call.find("invoice")
    invoice = element_data(invoice_element) if invoice_element is not None else None
    if invoice is not None:
        _check_invoice(invoice, value, currency)
    subject = call.find("merchant/subjectMerchant")
    try:
        with transaction.atomic():
            order = SimulatedOrder.objects.create(
                merchant=call.merchant,
                subject_merchant_name=subject.get("name", "") if subject is not None else "",
                order_key=engine.new_order_key(),
                merchant_order_reference=reference,
                amount=value,
                currency=currency,
                profile=profile,
                days_to_pay=int(call.required_text("paymentPreferences/numberOfDaysToPay")),
                description=call.text("description") or "",
                receipt_text=call.text("receiptText") or "",
                language=customer.get("language", {}).get("@code", ""),
                customer=customer,
                bill_to=element_data(call.required("billTo")),
                invoice=invoice,
                initial_payment_reference=_initial_payment_reference(call),
                origin=call.origin,
            )
    except IntegrityError:  # a concurrent create with the same reference won
        raise incorrect("Merchant order reference is not unique.") from None
    return E.createSuccess(success(), E.key(order.order_key))


def _customer(call: Call) -> dict[str, Any]:
    """The shopper or company, with ``kind`` saying which."""
    shopper = call.find("shopper")
    if shopper is not None:
        return {"kind": "shopper", **element_data(shopper)}
    return {"kind": "company", **element_data(call.required("company"))}


def _initial_payment_reference(call: Call) -> str:
    """The reference later recurring payments name this order by ("" for none)."""
    initial = call.find("paymentRequest/initialPaymentReference")
    if initial is None:
        return ""
    return (child_elements(initial)[0].text or "").strip()


def _check_invoice(invoice: dict, value: int, currency: str) -> None:
    lines = invoice.get("item", [])
    if any(line["totalGrossAmount"]["@currency"] != currency for line in lines):
        raise incorrect("Invoice items must be in the currency of totalGrossAmount.")
    total = sum(int(line["totalGrossAmount"]["#text"]) for line in lines)
    if total != value:
        raise incorrect(f"The invoice items add up to {total}, not to the totalGrossAmount "
                        f"{value}.")
