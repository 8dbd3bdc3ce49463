"""The payload of every request, built from the value classes and checked by :mod:`.fields`.

Each function returns the keyword arguments zeep serialises into the operation's
request element (element names as in the schema; ``_value_1`` is the text of an
element with attributes, such as an amount). Optional values that are empty are
left out. Everything raises DocdataValidationError before anything is sent.
"""

from __future__ import annotations

import platform
from typing import Any

from django.views.decorators.debug import sensitive_variables

from oscar_docdata import __version__
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataValidationError, OrderKeyMissing
from oscar_docdata.money import to_minor_units

from . import fields, schema
from .values import (
    Address,
    Amount,
    BankTransferPayment,
    CardPayment,
    Company,
    Destination,
    IdealAuthorizationResult,
    IdealPayment,
    IntegrationInfo,
    Invoice,
    Item,
    Name,
    PaypalAuthenticationResult,
    RecurringPayment,
    RefundBankAccount,
    RefundItems,
    SepaDirectDebitPayment,
    Shopper,
    ShopperInfo,
    SubjectFee,
    SubjectMerchant,
    ThreeDSecureResult,
    Vat,
)

PLUGIN_NAME = "oscar_docdata"
#: Units of an invoice item's quantity (the schema declares them inline on item/quantity).
UNITS_OF_MEASURE = ("PCS", "SEC", "BYT", "KB")
#: Card brands and their input element of ``paymentRequestInput``.
CARD_INPUTS = {
    "AMEX": "amexPaymentInput",
    "MASTERCARD": "masterCardPaymentInput",
    "MISTERCASH": "misterCashPaymentInput",
    "MAESTRO": "maestroPaymentInput",
    "VISA": "visaPaymentInput",
}


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out absent optional values: nothing is ever sent empty."""
    return {key: value for key, value in values.items() if value is not None}


def _bool(value: bool | None) -> bool | None:
    return None if value is None else bool(value)


# --- common parts --------------------------------------------------------------------


@sensitive_variables()
def merchant(name: str, password: str, subject: SubjectMerchant | None = None,
             fee: SubjectFee | None = None) -> dict[str, Any]:
    """``merchant`` with, when given, ``subjectMerchant`` (and its ``fee``: create only)."""
    value: dict[str, Any] = {
        "name": fields.text("merchant.name", name, required=True),
        "password": fields.text("merchant.password", password, required=True)}
    if subject is not None:
        value["subjectMerchant"] = subject_merchant(subject, fee)
    elif fee is not None:
        raise DocdataValidationError("merchant.subjectMerchant.fee",
                                     "a fee needs a subject merchant")
    return value


@sensitive_variables()
def subject_merchant(value: SubjectMerchant, fee: SubjectFee | None = None) -> dict[str, Any]:
    """``subjectMerchant@name,@token`` and its optional ``fee``."""
    path = "merchant.subjectMerchant"
    if not isinstance(value, SubjectMerchant):
        raise DocdataValidationError(
            path, f"expected a SubjectMerchant, got {type(value).__name__}")
    result: dict[str, Any] = {
        "name": fields.text("subjectMerchant.name", value.name, field=f"{path}.name",
                            required=True),
        "token": fields.text("subjectMerchant.token", value.token, field=f"{path}.token",
                             required=True),
    }
    if fee is not None:
        result["fee"] = subject_fee(fee)
    return result


def subject_fee(value: SubjectFee) -> dict[str, Any]:
    """``subjectMerchant/fee``: moment (IMMEDIATE or FULLY_PAID), amount, description."""
    path = "merchant.subjectMerchant.fee"
    if not isinstance(value, SubjectFee):
        raise DocdataValidationError(path, f"expected a SubjectFee, got {type(value).__name__}")
    return _compact({
        "moment": fields.text("subjectFee.moment", value.moment, field=f"{path}.moment",
                              required=True),
        "amount": amount(value.amount, field=f"{path}.amount"),
        "description": fields.text("subjectFee.description", value.description,
                                   field=f"{path}.description"),
    })


def default_integration_info() -> dict[str, str]:
    """What every request says about this integration (values cut to the schema's 35)."""
    limit = schema.facets("string35").max_length or 35
    values = {
        "webshopPlugin": PLUGIN_NAME,
        "webshopPluginVersion": __version__,
        "programmingLanguage": f"Python {platform.python_version()}",
        "operatingSystem": platform.system(),
        "operatingSystemVersion": platform.release(),
        "ddpXsdVersion": schema.API_VERSION,
    }
    return {key: fields.shorten(value, limit, ellipsis=False)
            for key, value in values.items() if value and value.strip()}


def integration_info(override: IntegrationInfo | None = None) -> dict[str, str]:
    values = default_integration_info()
    if override is not None:
        given = {
            "webshopPlugin": override.webshop_plugin,
            "webshopPluginVersion": override.webshop_plugin_version,
            "integratorName": override.integrator_name,
            "programmingLanguage": override.programming_language,
            "operatingSystem": override.operating_system,
            "operatingSystemVersion": override.operating_system_version,
        }
        for key, value in given.items():
            cleaned = fields.text(f"integrationInfo.{key}", value)
            if cleaned is not None:
                values[key] = cleaned
    return values


@sensitive_variables()
def base_request(merchant_name: str, merchant_password: str,
                 info: IntegrationInfo | None = None, *,
                 subject: SubjectMerchant | None = None,
                 fee: SubjectFee | None = None) -> dict[str, Any]:
    """version, merchant (with any subject merchant) and integrationInfo: every request's."""
    return {"version": schema.API_VERSION,
            "merchant": merchant(merchant_name, merchant_password, subject, fee),
            "integrationInfo": integration_info(info)}


def amount(value: Amount, *, field: str, positive: bool = False,
           allow_negative: bool = False) -> dict[str, Any]:
    """An Amount as ``{"_value_1": minor units, "currency": …}``."""
    if not isinstance(value, Amount):
        raise DocdataValidationError(field, f"expected an Amount, got {type(value).__name__}")
    currency = fields.text("amount.currency", value.currency, field=f"{field}.currency",
                           required=True)
    minor = to_minor_units(value.value, currency, field=field)
    if positive and minor <= 0:
        raise DocdataValidationError(field, f"{value.value} {currency} must be more than zero")
    if not allow_negative and minor < 0:
        raise DocdataValidationError(field, f"{value.value} {currency} must not be negative")
    fields.integer(minor, field=field, minimum=-(2**31))
    return {"_value_1": minor, "currency": currency}


def order_key(value: Any, *, field: str = "paymentOrderKey") -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OrderKeyMissing(field=field)
    return fields.text("paymentOrderKey", value, field=field, required=True)


def name(value: Name, path: str) -> dict[str, str]:
    if not isinstance(value, Name):
        raise DocdataValidationError(path, f"expected a Name, got {type(value).__name__}")
    return _compact({
        key: fields.text(f"name.{key}", getattr(value, key), field=f"{path}.{key}",
                         required=key in ("first", "last"))
        for key in ("prefix", "initials", "first", "middle", "last", "suffix")
    })


def address(value: Address, path: str) -> dict[str, Any]:
    if not isinstance(value, Address):
        raise DocdataValidationError(path, f"expected an Address, got {type(value).__name__}")

    def text(key: str, attribute: str, required: bool = False) -> str | None:
        return fields.text(f"address.{key}", getattr(value, attribute), field=f"{path}.{key}",
                           required=required)

    return _compact({
        "company": text("company", "company"),
        "kvkNummer": text("kvkNummer", "kvkNummer"),
        "vatNumber": text("vatNumber", "vatNumber"),
        "careOf": text("careOf", "careOf"),
        "street": text("street", "street", required=True),
        "houseNumber": text("houseNumber", "house_number"),
        "houseNumberAddition": text("houseNumberAddition", "house_number_addition"),
        "postalCode": text("postalCode", "postal_code"),
        "city": text("city", "city", required=True),
        "state": text("state", "state"),
        "country": {"code": text("country", "country_code", required=True)},
    })


def destination(value: Destination, path: str) -> dict[str, Any]:
    if not isinstance(value, Destination):
        raise DocdataValidationError(path, f"expected a Destination, got {type(value).__name__}")
    return {"name": name(value.name, f"{path}.name"),
            "address": address(value.address, f"{path}.address")}


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
    return _compact({
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
    return _compact({
        "id": fields.text("customer.id", value.id, field="company.id", required=True),
        "name": fields.text("company.name", value.name, field="company.name", required=True),
        **_customer_contact(value, "company"),
        **_customer_phones(value, "company"),
    })


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

    return _compact({
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
    return _compact({
        "totalNetAmount": amount(value.total_net_amount, field="invoice.totalNetAmount",
                                 allow_negative=True),
        "totalVatAmount": vat_amounts,
        "item": [item(entry, f"invoice.item[{index}]") for index, entry in enumerate(value.items)],
        "shipTo": destination(value.ship_to, "invoice.shipTo"),
        "additionalDescription": fields.text("invoice.additionalDescription",
                                             value.additional_description,
                                             field="invoice.additionalDescription"),
    })


# --- operations ----------------------------------------------------------------------


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
    return _compact(payload)


def _expiry(value: CardPayment) -> dict[str, str]:
    month = fields.integer(value.expiry_month, field="payment.expiryDate.month",
                           minimum=1, maximum=12)
    year = fields.integer(value.expiry_year, field="payment.expiryDate.year",
                          minimum=0, maximum=9999)
    return {"month": f"{month:02d}", "year": f"{year % 100:02d}"}


@sensitive_variables()
def _card_input(value: CardPayment) -> dict[str, Any]:
    if value.encrypted_data:
        if value.card_number:
            raise DocdataValidationError("payment.cardNumber",
                                         "give a card number or encrypted data, not both")
        return {"encryptedData": value.encrypted_data}
    return _compact({
        "cardHolderName": fields.text("payment.cardHolderName", value.card_holder_name,
                                      required=True),
        "cardNumber": fields.text("payment.cardNumber", value.card_number, required=True),
        "expiryDate": _expiry(value),
        "securityCode": fields.text("payment.securityCode", value.security_code),
    })


@sensitive_variables()
def _sepa_input(value: SepaDirectDebitPayment) -> dict[str, Any]:
    if value.mandate_number and value.iban:
        raise DocdataValidationError("payment.iban", "give an IBAN or a mandate, not both")
    if value.mandate_number:
        return {"mandateNumber": fields.text("payment.mandateNumber", value.mandate_number)}
    return _compact({
        "holderName": fields.text("payment.holderName", value.holder_name),
        "bic": fields.text("payment.bic", value.bic),
        "iban": fields.text("payment.iban", value.iban, required=True),
    })


@sensitive_variables()
def payment_input(value: Any) -> dict[str, Any]:
    """``payment`` (paymentRequestInput) of a start request."""
    method = fields.text("payment.paymentMethod", getattr(value, "payment_method", None),
                         field="payment.paymentMethod", required=True).upper()
    if isinstance(value, IdealPayment):
        # Without an issuer (iDEAL 2.0) the input is empty: the bank is chosen on
        # the iDEAL page the start redirects to.
        return {"paymentMethod": method, "iDealPaymentInput": _compact({
            "issuerId": fields.text("payment.issuerId", value.issuer_id)})}
    if isinstance(value, CardPayment):
        if method not in CARD_INPUTS:
            raise DocdataValidationError("payment.paymentMethod",
                                         f"{method!r} is not one of {', '.join(CARD_INPUTS)}")
        return {"paymentMethod": method, CARD_INPUTS[method]: _card_input(value)}
    if isinstance(value, SepaDirectDebitPayment):
        return {"paymentMethod": method, "directDebitPaymentInput": _sepa_input(value)}
    if isinstance(value, BankTransferPayment):
        return {"paymentMethod": method, "bankTransferPaymentInput": {
            "emailAddress": fields.text("payment.emailAddress", value.email_address,
                                        required=True)}}
    raise DocdataValidationError("payment", f"unsupported payment {type(value).__name__}")


def _recurring(value: RecurringPayment) -> dict[str, Any]:
    if not isinstance(value, RecurringPayment):
        raise DocdataValidationError("recurringPaymentRequest",
                                     f"expected a RecurringPayment, got {type(value).__name__}")
    given = [key for key in ("merchant_reference", "payment_id", "link_id")
             if getattr(value, key) not in (None, "")]
    if len(given) != 1:
        raise DocdataValidationError(
            "recurringPaymentRequest.initialPaymentReference",
            "give exactly one of merchant_reference, payment_id, link_id")
    path = "recurringPaymentRequest.initialPaymentReference"
    if value.merchant_reference not in (None, ""):
        reference = {"merchantReference": fields.text(
            "recurring.merchantReference", value.merchant_reference,
            field=f"{path}.merchantReference")}
    elif value.payment_id is not None:
        reference = {"paymentId": fields.payment_id(value.payment_id,
                                                    field=f"{path}.paymentId")}
    else:
        reference = {"linkId": fields.text("recurring.linkId", value.link_id,
                                           field=f"{path}.linkId")}
    return {"initialPaymentReference": reference}


@sensitive_variables()
def start(*, order_key_value: Any, payment: Any, payment_amount: Amount | None,
          recurring: RecurringPayment | None, token_key: str | None, return_url: str | None,
          shopper_info: ShopperInfo | None) -> dict[str, Any]:
    chosen = [name for name, given in (("payment", payment is not None),
                                       ("recurring", recurring is not None),
                                       ("token_key", token_key not in (None, ""))) if given]
    if len(chosen) != 1:
        raise DocdataValidationError(
            "payment", "give exactly one of payment, recurring or token_key"
            + (f" (got {', '.join(chosen)})" if chosen else ""))
    if recurring is not None and (return_url or shopper_info):
        raise DocdataValidationError(
            "recurringPaymentRequest", "a recurring payment takes no return_url or shopper_info")
    payload: dict[str, Any] = {
        "paymentOrderKey": order_key(order_key_value),
        "paymentAmount": (amount(payment_amount, field="paymentAmount", positive=True)
                          if payment_amount is not None else None),
    }
    if recurring is not None:
        payload["recurringPaymentRequest"] = _recurring(recurring)
        return _compact(payload)
    if payment is not None:
        payload["payment"] = payment_input(payment)
    else:
        payload["token"] = {"key": fields.text("payment.tokenKey", token_key,
                                               field="token.key", required=True)}
    payload["returnUrl"] = fields.text("payment.returnUrl", return_url, field="returnUrl")
    if shopper_info is not None:
        payload["shopperInfo"] = {
            key: fields.text(f"shopperInfo.{key}", getattr(shopper_info, attribute),
                             required=True)
            for key, attribute in (("shopperIp", "shopper_ip"),
                                   ("browserAccept", "browser_accept"),
                                   ("browserUserAgent", "browser_user_agent"))
        }
    return _compact(payload)


@sensitive_variables()
def proceed(*, payment_id: Any, authentication: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"paymentId": fields.payment_id(payment_id)}
    if isinstance(authentication, ThreeDSecureResult):
        pares = authentication.pares
        if not isinstance(pares, str) or not pares.strip():
            raise DocdataValidationError("threeDomainSecureAuthenticationResult.PARes",
                                         "is required")
        payload["threeDomainSecureAuthenticationResult"] = {
            "MD": fields.text("proceed.md", authentication.md,
                              field="threeDomainSecureAuthenticationResult.MD", required=True),
            "PARes": pares.strip(),
        }
    elif isinstance(authentication, IdealAuthorizationResult):
        pass  # an empty element, added by the transport (see _EmptyIdealResultPlugin)
    elif isinstance(authentication, PaypalAuthenticationResult):
        payload["paypalAuthenticationResult"] = _compact({
            "Token": fields.text("proceed.paypalToken", authentication.token,
                                 field="paypalAuthenticationResult.Token", required=True),
            "PayerId": (authentication.payer_id or "").strip() or None,
            "ShopperCanceled": "true" if authentication.shopper_canceled else "false",
        })
    else:
        raise DocdataValidationError(
            "authentication", f"unsupported authentication {type(authentication).__name__}")
    return payload


def order_key_only(value: Any) -> dict[str, Any]:
    """cancel, status, statusExtended and listPaymentMethods."""
    return {"paymentOrderKey": order_key(value)}


def capture(*, payment_id: Any, amount_value: Amount | None, reference: str | None,
            item_code: str | None, description: str | None, final_capture: bool | None,
            cancel_reserved: bool | None, required_date: Any) -> dict[str, Any]:
    return _compact({
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
        additional = _compact({
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
    return _compact({"additionalRefund": additional, "itemLine": lines or None})


@sensitive_variables()
def _refund_bank_account(value: RefundBankAccount) -> dict[str, Any]:
    path = "refundBankAccount"
    return _compact({
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
    return _compact({
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
