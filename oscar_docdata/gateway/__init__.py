"""A complete, safe client of Docdata Payments' Order API 1.3 (SOAP).

``DocdataClient`` offers the nine operations and the payment menu URL; the value
classes are what a shop builds to send, the result classes what comes back, and the
exceptions what can go wrong. See :mod:`.session` for the shared HTTP session.
The old package's names (``AmexPayment``, ``StatusReply``, ``to_iso639_part1`` …) are
mapped in :mod:`.legacy`.
"""

from __future__ import annotations

import importlib
from typing import Any

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

#: Where each public name lives. They are imported on first use (``__getattr__``
#: below): the client's module imports zeep, requests and lxml (some 40 MiB and a
#: few hundred ms), which a shop's start-up, its URLconfs and checks never need;
#: they are loaded by the first Docdata call instead.
_LAZY_NAMES: dict[str, str] = {
    "DocdataClient": "client",
    "AmexPayment": "legacy",
    "DirectDebitPayment": "legacy",
    "ElvPayment": "legacy",
    "MasterCardPayment": "legacy",
    "Payment": "legacy",
    "Quantity": "legacy",
    "StartReply": "legacy",
    "StatusReply": "legacy",
    "TechnicalIntegrationInfo": "legacy",
    "TotalVatAmount": "legacy",
    "to_iso639_part1": "legacy",
    "AmountLine": "results",
    "Authorization": "results",
    "CancelResult": "results",
    "CaptureResult": "results",
    "ConsideredSafe": "results",
    "CreateReply": "results",
    "CreateResult": "results",
    "ExtendedInfo": "results",
    "IdealIssuer": "results",
    "Mandate": "results",
    "PaymentLine": "results",
    "PaymentMethod": "results",
    "PaymentResponse": "results",
    "ProceedResult": "results",
    "Redirect": "results",
    "RefundResult": "results",
    "Reversal": "results",
    "StartResult": "results",
    "StatusReport": "results",
    "Totals": "results",
    "Address": "values",
    "Amount": "values",
    "BankTransferPayment": "values",
    "CardPayment": "values",
    "Company": "values",
    "Destination": "values",
    "IdealAuthorizationResult": "values",
    "IdealPayment": "values",
    "IntegrationInfo": "values",
    "Invoice": "values",
    "Item": "values",
    "Name": "values",
    "PaypalAuthenticationResult": "values",
    "RecurringPayment": "values",
    "RefundBankAccount": "values",
    "RefundItems": "values",
    "SepaDirectDebitPayment": "values",
    "Shopper": "values",
    "ShopperInfo": "values",
    "SubjectFee": "values",
    "SubjectMerchant": "values",
    "ThreeDSecureResult": "values",
    "Vat": "values",
}


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
    "SubjectFee", "SubjectMerchant",
    "TechnicalIntegrationInfo", "ThreeDSecureResult", "TotalVatAmount", "Totals", "Vat",
    "to_iso639_part1",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (see ``_LAZY_NAMES``)."""
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_NAMES})
