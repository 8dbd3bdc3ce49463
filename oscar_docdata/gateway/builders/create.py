"""The create request: the order, its shopper or company, and its invoice."""

from __future__ import annotations

from typing import Any

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataValidationError

from .. import fields
from ..values import Amount, Company, Destination, Invoice, Shopper
from .common import amount, compact, destination, name
from .invoice import invoice


def _customer_contact(value: Shopper | Company, path: str) -> dict[str, Any]:
    return {
        "email": fields.text("customer.email", value.email, field=f"{path}.email",
                             required=True),
        "language": {"code": fields.text("customer.language", value.language,
                                         field=f"{path}.language", required=True)},
    }


def _customer_phones(value: Shopper | Company, path: str) -> dict[str, Any]:
    return {
        "phoneNumber": fields.text("customer.phoneNumber", value.phone_number,
                                   field=f"{path}.phoneNumber"),
        "mobilePhoneNumber": fields.text("customer.phoneNumber", value.mobile_phone_number,
                                         field=f"{path}.mobilePhoneNumber"),
        "ipAddress": fields.text("customer.ipAddress", value.ipAddress,
                                 field=f"{path}.ipAddress"),
    }


def shopper(value: Shopper) -> dict[str, Any]:
    if not isinstance(value, Shopper):
        raise DocdataValidationError("shopper", f"expected a Shopper, got {type(value).__name__}")
    return compact({
        "id": fields.text("customer.id", value.id, field="shopper.id", required=True),
        "name": name(value.name, "shopper.name"),
        **_customer_contact(value, "shopper"),
        "gender": fields.text("customer.gender", value.gender or "U", field="shopper.gender",
                              required=True),
        "dateOfBirth": fields.plain_date(value.date_of_birth, field="shopper.dateOfBirth"),
        **_customer_phones(value, "shopper"),
    })


def company(value: Company) -> dict[str, Any]:
    if not isinstance(value, Company):
        raise DocdataValidationError("company", f"expected a Company, got {type(value).__name__}")
    return compact({
        "id": fields.text("customer.id", value.id, field="company.id", required=True),
        "name": fields.text("company.name", value.name, field="company.name", required=True),
        **_customer_contact(value, "company"),
        **_customer_phones(value, "company"),
    })



def create(*, order_id: Any, total_gross_amount: Amount, shopper_value: Shopper | None,
           company_value: Company | None, bill_to: Destination, description: str | None,
           invoice_value: Invoice | None, receipt_text: str | None, include_costs: bool | None,
           profile: str | None, days_to_pay: int | None, menu_css_id: int | None,
           initial_payment_reference: str | None) -> dict[str, Any]:
    if shopper_value is not None and company_value is not None:
        raise DocdataValidationError("shopper", "give a shopper or a company, not both")
    if shopper_value is None and company_value is None:
        raise DocdataValidationError("shopper", "a shopper or a company is required")
    profile = profile if profile not in (None, "") else docdata_settings.DOCDATA_PROFILE
    days_to_pay = days_to_pay if days_to_pay is not None else docdata_settings.DOCDATA_DAYS_TO_PAY
    payload = {
        "merchantOrderReference": fields.text("create.merchantOrderReference", order_id,
                                              field="merchantOrderReference", required=True),
        "paymentPreferences": {
            "profile": fields.text("paymentPreferences.profile", profile, required=True),
            "numberOfDaysToPay": fields.integer(days_to_pay,
                                                field="paymentPreferences.numberOfDaysToPay",
                                                minimum=0),
        },
        "menuPreferences": ({"css": {"id": fields.integer(menu_css_id,
                                                          field="menuPreferences.css.id")}}
                            if menu_css_id is not None else None),
        "shopper": shopper(shopper_value) if shopper_value is not None else None,
        "company": company(company_value) if company_value is not None else None,
        "totalGrossAmount": amount(total_gross_amount, field="totalGrossAmount", positive=True),
        "billTo": destination(bill_to, "billTo"),
        "description": fields.text("create.description", description, field="description"),
        "receiptText": fields.text("create.receiptText", receipt_text, field="receiptText"),
        "includeCosts": True if include_costs else None,
        "paymentRequest": (
            {"initialPaymentReference": {"merchantReference": fields.text(
                "create.initialPaymentReference", initial_payment_reference,
                field="paymentRequest.initialPaymentReference.merchantReference")}}
            if initial_payment_reference not in (None, "") else None),
        "invoice": invoice(invoice_value) if invoice_value is not None else None,
    }
    return compact(payload)
