"""Typed results of the gateway's operations.

Amounts in results stay in Docdata's integer minor units together with their
currency; ``oscar_docdata.money.from_minor_units`` turns them into Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Redirect:
    """Where the shopper must be sent to continue a started payment."""

    method: str
    url: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentResponse:
    """``paymentResponse`` of create/start/proceed.

    Exactly one of: a success (``status`` and ``payment_id``), ``insufficient_data``,
    or an ``error`` (code, text), possibly with ``status``/``payment_id``.
    """

    status: str | None = None
    payment_id: int | None = None
    insufficient_data: bool = False
    error: tuple[str, str] | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and not self.insufficient_data and self.payment_id is not None


@dataclass(frozen=True)
class CreateResult:
    order_id: str  # the merchantOrderReference that was sent
    order_key: str
    payment_response: PaymentResponse | None = None


#: The old package's name for the create() reply.
CreateReply = CreateResult


@dataclass(frozen=True)
class ProceedResult:
    payment_response: PaymentResponse

    @property
    def payment_id(self) -> int | None:
        return self.payment_response.payment_id

    @property
    def status(self) -> str | None:
        return self.payment_response.status


@dataclass(frozen=True)
class StartResult(ProceedResult):
    """A proceed's payment response, and where the shopper must be sent (if anywhere)."""

    redirect: Redirect | None = None


@dataclass(frozen=True)
class CancelResult:
    """``result`` is NO_PAYMENTS, ALREADY_CANCELED, SUCCESS, FAILED or PENDING (open list)."""

    result: str
    message: str = ""


@dataclass(frozen=True)
class CaptureResult:
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    message: str = ""


@dataclass(frozen=True)
class Totals:
    """``approximateTotals`` in minor units of ``currency``.

    ``currency`` is ``exchanged_to`` when given, else the currency of the order's
    payments or, failing that, of the order itself as known by the caller (None).
    ``reversed`` is None when an older service left it out.
    """

    registered: int
    shopper_pending: int
    acquirer_pending: int
    acquirer_approved: int
    captured: int
    refunded: int
    charged_back: int
    reversed: int | None = None
    exchanged_to: str | None = None
    exchange_rate_date: str | None = None  # "yyyy-mm-dd hh:mm:ss" as sent
    currency: str | None = None  # see the class docstring


@dataclass(frozen=True)
class AmountLine:
    """A capture, refund or chargeback on an authorization."""

    status: str
    amount: int
    currency: str
    reason: str | None = None
    reference: str | None = None  # merchantCaptureId / merchantRefundId / chargebackId


@dataclass(frozen=True)
class Reversal:
    amount: int
    currency: str
    reason: str


@dataclass(frozen=True)
class Authorization:
    status: str
    amount: int
    currency: str
    confidence_level: str
    reason: str | None = None
    captures: tuple[AmountLine, ...] = ()
    refunds: tuple[AmountLine, ...] = ()
    chargebacks: tuple[AmountLine, ...] = ()
    reversal: Reversal | None = None


@dataclass(frozen=True)
class ExtendedInfo:
    """``payment/extended`` of statusExtended.

    ``method_info`` is the method element's name (e.g. ``iDealPaymentInfo``) and
    ``details`` its fields as plain values (nested elements as dicts).
    """

    risk_score: int | None = None
    risk_checks: tuple[tuple[str, int], ...] = ()
    method_info: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentLine:
    """One payment attempt of the report."""

    payment_id: int
    payment_method: str
    authorization: Authorization
    extended: ExtendedInfo | None = None


@dataclass(frozen=True)
class ConsideredSafe:
    value: bool
    level: str
    date: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StatusReport:
    """The ``statusSuccess/report`` of status and statusExtended.

    ``payments`` is sorted by payment id, numerically.
    """

    order_key: str
    totals: Totals
    payments: tuple[PaymentLine, ...] = ()
    considered_safe: ConsideredSafe | None = None
    original_version: str | None = None
    conversion_applied: bool | None = None
    ddp_xsd_version: str | None = None

    @property
    def report(self) -> Any:
        # The old package's StatusReply wrapped a SOAP object as ``.report``.
        raise AttributeError(
            "status() returns the report itself (a StatusReport), not the old StatusReply: "
            "read .totals (approximateTotals) and .payments instead of .report"
        )


@dataclass(frozen=True)
class IdealIssuer:
    id: str  # BIC
    name: str


@dataclass(frozen=True)
class Mandate:
    id: str
    scheme: str
    type: str
    state: str


@dataclass(frozen=True)
class PaymentMethod:
    name: str
    issuers: tuple[IdealIssuer, ...] = ()
    mandates: tuple[Mandate, ...] = ()
