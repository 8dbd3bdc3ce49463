"""The start and proceed requests: the payment input of each method, recurring
payments, tokens, and the authentication results a proceed sends back."""

from __future__ import annotations

from typing import Any

from django.views.decorators.debug import sensitive_variables

from oscar_docdata.exceptions import DocdataValidationError

from .. import fields
from ..values import (
    Amount,
    BankTransferPayment,
    CardPayment,
    IdealAuthorizationResult,
    IdealPayment,
    PaypalAuthenticationResult,
    RecurringPayment,
    SepaDirectDebitPayment,
    ShopperInfo,
    ThreeDSecureResult,
)
from .common import amount, compact, order_key

#: Card brands and their input element of ``paymentRequestInput``.
CARD_INPUTS = {
    "AMEX": "amexPaymentInput",
    "MASTERCARD": "masterCardPaymentInput",
    "MISTERCASH": "misterCashPaymentInput",
    "MAESTRO": "maestroPaymentInput",
    "VISA": "visaPaymentInput",
}


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
    return compact({
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
    return compact({
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
        return {"paymentMethod": method, "iDealPaymentInput": compact({
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
    reference: dict[str, Any]
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
        return compact(payload)
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
    return compact(payload)


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
        payload["paypalAuthenticationResult"] = compact({
            "Token": fields.text("proceed.paypalToken", authentication.token,
                                 field="paypalAuthenticationResult.Token", required=True),
            "PayerId": (authentication.payer_id or "").strip() or None,
            "ShopperCanceled": "true" if authentication.shopper_canceled else "false",
        })
    else:
        raise DocdataValidationError(
            "authentication", f"unsupported authentication {type(authentication).__name__}")
    return payload
