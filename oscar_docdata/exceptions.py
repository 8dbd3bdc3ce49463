"""Exceptions raised by oscar_docdata.

``DocdataError`` is the root. The gateway raises ``DocdataValidationError`` before
sending, ``DocdataGatewayError`` when the service could not be reached or answered
something unusable, and a ``DocdataRequestError`` subclass per operation when the
service answered with an ``…Errors`` element.

The old package's names keep working: ``DocdataException`` (the root),
``DocdataCreateError(code, value)`` and its siblings constructed and read with ``code``
and ``value``, and the ``ValueError`` subclasses ``OrderKeyMissing`` and
``InvalidMerchant``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured


class DocdataError(Exception):
    """Base class of every error raised by oscar_docdata.

    Every error has ``code`` (Docdata's error code, or None) and ``value`` (its text).
    Constructed the old package's way, ``DocdataException(code, value)``, it keeps both
    and reads as ``value``.
    """

    code: str | None = None
    value: str = ""

    def __init__(self, *args: Any) -> None:
        if len(args) == 2:  # the old package's (code, value)
            code, value = args
            super().__init__(str(value))
            self.code, self.value = code, str(value)
            return
        super().__init__(*args)
        if args:
            self.value = str(args[0])


#: The old package's name of the root exception.
DocdataException = DocdataError


class DocdataValidationError(DocdataError, ValueError):
    """A value breaks the service's schema; nothing was sent."""

    def __init__(self, field: str, message: str, *, length: int | None = None,
                 limit: int | None = None):
        self.field = field
        self.length = length
        self.limit = limit
        super().__init__(f"{field}: {message}")


class DocdataAmountError(DocdataValidationError):
    """A capture or refund amount is not possible for the order or payment."""


class OrderKeyMissing(DocdataValidationError):
    """An operation on an order was asked without its order key; nothing was sent.

    The old package's ``OrderKeyMissing`` (a ``ValueError``), raised by the client.
    """

    def __init__(self, message: str = "the order key is missing", *,
                 field: str = "paymentOrderKey"):
        super().__init__(field, message)


class InvalidMerchant(ValueError, ImproperlyConfigured):
    """An order belongs to a merchant this shop holds no credentials for.

    The old package's ``InvalidMerchant`` (a ``ValueError``); also an
    ``ImproperlyConfigured``, because the fix is a missing entry in
    ``DOCDATA_MERCHANT_PASSWORDS``. Raised by the Interface for an order (or a new order)
    of such a merchant, before anything is sent.
    """


class InvalidSubjectMerchant(InvalidMerchant):
    """An order is for a subject merchant (sub-merchant) whose token is not configured.

    The fix is an entry in ``DOCDATA_SUBJECT_MERCHANT_TOKENS``. Raised before anything is sent.
    """


class DocdataGatewayError(DocdataError):
    """Docdata could not be reached or sent a reply that cannot be used.

    Connection errors, timeouts, HTTP errors, SOAP faults and unparsable replies
    all end here. ``operation`` names the SOAP operation. ``request_sent`` is False
    only when the request certainly never reached Docdata (no connection could be
    made); otherwise Docdata may have acted on it.
    """

    def __init__(self, operation: str, reason: str, *, request_sent: bool = True):
        self.operation = operation
        self.reason = reason
        self.request_sent = request_sent
        super().__init__(f"Docdata {operation}: {reason}")


class DocdataRequestError(DocdataError):
    """Docdata answered with an ``…Errors`` reply.

    ``errors`` holds every ``(code, text)`` pair; ``code`` and ``value`` are the first
    pair. Two ways to construct one:

    - ``DocdataStatusError([(code, text), …], operation=None)``;
    - the old package's ``DocdataStatusError(code, value)`` (or ``code=…, value=…``).
    """

    operation = ""

    def __init__(self, errors: list[tuple[str, str]] | str | None = None,
                 operation: Any = None, *, code: str | None = None, value: Any = None):
        if isinstance(errors, str) or code is not None:
            # Old style: (code, value); the second positional argument is the value.
            code = str(errors) if code is None else code
            value = operation if value is None else value
            pairs = [(str(code), "" if value is None else str(value))]
            operation = None
        else:
            pairs = list(errors or [])
        if operation:
            self.operation = operation
        self.errors = pairs or [("UNKNOWN_ERROR", "")]
        text = "; ".join(f"{code}: {msg}" for code, msg in self.errors)
        super().__init__(f"Docdata {self.operation} failed: {text}")
        self.code, self.value = self.errors[0]


class DocdataCreateError(DocdataRequestError):
    operation = "create"


class DocdataStartError(DocdataRequestError):
    operation = "start"


class DocdataProceedError(DocdataRequestError):
    operation = "proceed"


class DocdataCancelError(DocdataRequestError):
    operation = "cancel"


class DocdataCaptureError(DocdataRequestError):
    operation = "capture"


class DocdataRefundError(DocdataRequestError):
    operation = "refund"


class DocdataStatusError(DocdataRequestError):
    operation = "status"


class DocdataStatusExtendedError(DocdataStatusError):
    operation = "statusExtended"


class DocdataListPaymentMethodsError(DocdataRequestError):
    operation = "listPaymentMethods"


class DocdataOutcomeUnknown(DocdataGatewayError):
    """A capture or refund was sent, but Docdata's answer never came (or was unusable).

    The money may have moved. The request is recorded as "outcome unknown" and blocks
    further captures and refunds of the order until a status report settles it.
    ``requests`` holds the recorded ``DocdataMoneyRequest`` rows of the call.
    """

    def __init__(self, operation: str, reason: str, requests: list[Any] | None = None):
        super().__init__(operation, reason)
        self.requests = list(requests or [])


class DocdataMoneyBlocked(DocdataValidationError):
    """A capture or refund is refused before sending: an earlier one is unsettled.

    An earlier request of the order is being sent or its outcome is unknown; a status
    pull settles it. Nothing was sent.
    """

    def __init__(self, message: str):
        super().__init__("amount", message)


class DocdataDuplicateRequest(DocdataValidationError):
    """The same capture or refund request (its request key) was submitted again.

    Nothing was sent a second time; ``requests`` holds the rows of the first one.
    """

    def __init__(self, request_key: str, requests: list[Any]):
        self.request_key = request_key
        self.requests = list(requests)
        super().__init__("request_key", f"request {request_key} was already sent")


class DocdataPartialFailure(DocdataError):
    """A capture or refund over several payments moved money on some, not on all.

    ``requests`` holds every recorded part with its state; ``error`` is the failure
    that stopped the rest.
    """

    def __init__(self, operation: str, requests: list[Any], error: Exception):
        self.operation = operation
        self.requests = list(requests)
        self.error = error
        parts = "; ".join(
            f"payment {request.payment.display_id}: "
            f"{request.amount} {request.currency} {request.state}"
            for request in self.requests
        )
        super().__init__(f"Docdata {operation} went through in part ({parts}): {error}")


class DocdataRecurringError(DocdataError):
    """A recurring charge (``Interface.charge_recurring``) did not go through.

    ``order`` is the stored DocdataOrder of the charge when Docdata created one (its
    status says what happened), else None. The create or start error that caused it
    is chained (``__cause__``).
    """

    def __init__(self, message: str, *, order: Any = None):
        self.order = order
        super().__init__(message)


class DocdataRecurringReferenceMissing(DocdataRecurringError):
    """The initial order has no initial payment reference: it started no series."""


class DocdataRecurringDuplicate(DocdataRecurringError):
    """This order number was already charged on the series, or its charge is under way.

    ``order`` is that earlier charge. A charge whose order was cancelled (refused) or
    expired may be made again.
    """


class DocdataRecurringCreateError(DocdataRecurringError):
    """Docdata refused to create the order of the charge, or could not be reached.

    Nothing is stored: no Docdata order exists for it (or, after a timeout, none known).
    """


class DocdataRecurringRefused(DocdataRecurringError):
    """The order was created but its recurring start was refused.

    Either Docdata answered ``startErrors`` or its ``paymentResponse`` is a
    ``paymentError`` (e.g. the initial order has no authorized payment to charge
    again). ``error`` holds Docdata's ``(code, text)`` when it gave one. The stored
    order (``order``) remains, with the status Docdata reports for it.
    """

    def __init__(self, message: str, *, order: Any = None,
                 error: tuple[str, str] | None = None):
        self.error = error
        super().__init__(message, order=order)


class DocdataRecurringOutcomeUnknown(DocdataRecurringError):
    """The start of the charge was sent but its answer never came.

    The stored order (``order``) remains; a status pull (``update_order``) later tells
    whether the charge went through. Do not charge again before that.
    """


#: ``…Errors`` exception class per SOAP operation name.
REQUEST_ERRORS: dict[str, type[DocdataRequestError]] = {
    cls.operation: cls
    for cls in (
        DocdataCreateError,
        DocdataStartError,
        DocdataProceedError,
        DocdataCancelError,
        DocdataCaptureError,
        DocdataRefundError,
        DocdataStatusError,
        DocdataStatusExtendedError,
        DocdataListPaymentMethodsError,
    )
}
