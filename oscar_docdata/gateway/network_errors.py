"""What a failed HTTP exchange with Docdata means: a short reason for the error (never
the request body) and whether the request can have reached Docdata at all (a capture or
refund that never left may be sent again; one that may have arrived is unknown)."""

from __future__ import annotations

from typing import Any

import requests
import urllib3
from django.views.decorators.debug import sensitive_variables

from .limits import ReplyLimitExceeded
from .redaction import redact_text


@sensitive_variables("secrets")
def network_reason(error: requests.RequestException, timeout: Any,
                    secrets: tuple[str, ...]) -> str:
    """A short description of a transport failure (no request body, ever)."""
    if isinstance(error, ReplyLimitExceeded):
        return error.reason
    if isinstance(error, requests.ConnectTimeout):
        return f"timed out connecting after {timeout} s"
    if isinstance(error, requests.Timeout):
        return f"timed out waiting for the reply after {timeout} s"
    if isinstance(error, requests.ConnectionError):
        cause = error.args[0] if error.args else error
        text = str(getattr(cause, "reason", cause))
        if "refused" in text.lower():
            return "connection refused"
        return f"connection failed ({type(error).__name__}: {redact_text(text, secrets)[:200]})"
    return f"request failed ({type(error).__name__})"


def never_sent(error: requests.RequestException) -> bool:
    """Whether ``error`` happened before any byte of the request could reach Docdata."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError) and not isinstance(
        error, requests.exceptions.ChunkedEncodingError
    ):
        cause = error.args[0] if error.args else None
        reason = getattr(cause, "reason", cause)
        # urllib3 wraps a failed connect (refused, unreachable, DNS) in NewConnectionError.
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False
