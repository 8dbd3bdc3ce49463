"""A complete, safe client of Docdata Payments' Order API 1.3 (SOAP).

``DocdataClient`` offers the nine operations and the payment menu URL; the value
classes are what a shop builds to send, the result classes what comes back, and the
exceptions what can go wrong. See :mod:`.transport` for the shared HTTP session.
The old package's names (``AmexPayment``, ``StatusReply``, ``to_iso639_part1`` …) are
mapped in :mod:`.legacy`.
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
    OrderKeyMissing,
)

from .client import DocdataClient
from .legacy import (
    AmexPayment,
    DirectDebitPayment,
    ElvPayment,
    MasterCardPayment,
    Payment,
    Quantity,
    StartReply,
    StatusReply,
    TechnicalIntegrationInfo,
    TotalVatAmount,
    to_iso639_part1,
)
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
    "REQUEST_ERRORS", "Address", "AmexPayment", "Amount", "AmountLine", "Authorization",
    "BankTransferPayment", "CancelResult", "CaptureResult", "CardPayment", "Company",
    "ConsideredSafe", "CreateReply", "CreateResult", "Destination", "DirectDebitPayment",
    "DocdataCancelError", "DocdataCaptureError", "DocdataClient", "DocdataCreateError",
    "DocdataError", "DocdataException", "DocdataGatewayError",
    "DocdataListPaymentMethodsError", "DocdataProceedError", "DocdataRefundError",
    "DocdataRequestError", "DocdataStartError", "DocdataStatusError",
    "DocdataStatusExtendedError", "DocdataValidationError", "ElvPayment", "ExtendedInfo",
    "IdealAuthorizationResult", "IdealIssuer", "IdealPayment", "IntegrationInfo", "Invoice",
    "Item", "Mandate", "MasterCardPayment", "Name", "OrderKeyMissing", "Payment",
    "PaymentLine", "PaymentMethod", "PaymentResponse", "PaypalAuthenticationResult",
    "ProceedResult", "Quantity", "RecurringPayment", "Redirect", "RefundBankAccount",
    "RefundItems", "RefundResult", "Reversal", "SepaDirectDebitPayment", "Shopper",
    "ShopperInfo", "StartReply", "StartResult", "StatusReply", "StatusReport",
    "TechnicalIntegrationInfo", "ThreeDSecureResult", "TotalVatAmount", "Totals", "Vat",
    "to_iso639_part1",
]
