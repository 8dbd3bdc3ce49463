"""A complete, safe client of Docdata Payments' Order API 1.3 (SOAP).

``DocdataClient`` offers the nine operations and the payment menu URL; the value
classes are what a shop builds to send, the result classes what comes back, and the
exceptions what can go wrong. See :mod:`.transport` for the shared HTTP session.
"""

from oscar_docdata.exceptions import (
    REQUEST_ERRORS,
    DocdataCancelError,
    DocdataCaptureError,
    DocdataCreateError,
    DocdataError,
    DocdataException,
    DocdataGatewayError,
    DocdataListPaymentMethodsError,
    DocdataProceedError,
    DocdataRefundError,
    DocdataRequestError,
    DocdataStartError,
    DocdataStatusError,
    DocdataStatusExtendedError,
    DocdataValidationError,
)

from .client import DocdataClient
from .results import (
    AmountLine,
    Authorization,
    CancelResult,
    CaptureResult,
    ConsideredSafe,
    CreateReply,
    CreateResult,
    ExtendedInfo,
    IdealIssuer,
    Mandate,
    PaymentLine,
    PaymentMethod,
    PaymentResponse,
    ProceedResult,
    Redirect,
    RefundResult,
    Reversal,
    StartResult,
    StatusReport,
    Totals,
)
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
    ThreeDSecureResult,
    Vat,
)

__all__ = [
    "REQUEST_ERRORS", "Address", "Amount", "AmountLine", "Authorization",
    "BankTransferPayment", "CancelResult", "CaptureResult", "CardPayment", "Company",
    "ConsideredSafe", "CreateReply", "CreateResult", "Destination", "DocdataCancelError",
    "DocdataCaptureError", "DocdataClient", "DocdataCreateError", "DocdataError",
    "DocdataException", "DocdataGatewayError", "DocdataListPaymentMethodsError",
    "DocdataProceedError", "DocdataRefundError", "DocdataRequestError", "DocdataStartError",
    "DocdataStatusError", "DocdataStatusExtendedError", "DocdataValidationError",
    "ExtendedInfo", "IdealAuthorizationResult", "IdealIssuer", "IdealPayment",
    "IntegrationInfo", "Invoice", "Item", "Mandate", "Name", "PaymentLine", "PaymentMethod",
    "PaymentResponse", "PaypalAuthenticationResult", "ProceedResult", "RecurringPayment",
    "Redirect", "RefundBankAccount", "RefundItems", "RefundResult", "Reversal",
    "SepaDirectDebitPayment", "Shopper", "ShopperInfo", "StartResult", "StatusReport",
    "ThreeDSecureResult", "Totals", "Vat",
]
