"""Exceptions raised by oscar_docdata.

``DocdataError`` is the root. The gateway raises ``DocdataValidationError`` before
sending, ``DocdataGatewayError`` when the service could not be reached or answered
something unusable, and a ``DocdataRequestError`` subclass per operation when the
service answered with an ``…Errors`` element.
"""

from __future__ import annotations


class DocdataError(Exception):
    """Base class of every error raised by oscar_docdata."""


#: Name kept for shops that catch the old package's base exception.
DocdataException = DocdataError


class DocdataValidationError(DocdataError, ValueError):
    """A value breaks the service's schema; nothing was sent."""

    def __init__(self, field: str, message: str, *, length: int | None = None,
                 limit: int | None = None):
        self.field = field
        self.length = length
        self.limit = limit
        super().__init__(f"{field}: {message}")


class DocdataGatewayError(DocdataError):
    """Docdata could not be reached or sent a reply that cannot be used.

    Connection errors, timeouts, HTTP errors, SOAP faults and unparsable replies
    all end here. ``operation`` names the SOAP operation.
    """

    def __init__(self, operation: str, reason: str):
        self.operation = operation
        self.reason = reason
        super().__init__(f"Docdata {operation}: {reason}")


class DocdataRequestError(DocdataError):
    """Docdata answered with an ``…Errors`` reply.

    ``errors`` holds every ``(code, text)`` pair; ``code`` and ``value`` are the
    first pair, as the old package offered them.
    """

    operation = ""

    def __init__(self, errors: list[tuple[str, str]], operation: str | None = None):
        if operation:
            self.operation = operation
        self.errors = list(errors) or [("UNKNOWN_ERROR", "")]
        self.code, self.value = self.errors[0]
        text = "; ".join(f"{code}: {msg}" for code, msg in self.errors)
        super().__init__(f"Docdata {self.operation} failed: {text}")


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
