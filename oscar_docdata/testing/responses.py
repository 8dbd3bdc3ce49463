"""The one way the test transports build a ``requests.Response`` without a socket."""

from __future__ import annotations

import io
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers


def build_response(request: requests.PreparedRequest, status: int, body: bytes, *,
                   headers: Mapping[str, str], reason: str | None = None,
                   raw: Any = None, encoding: str | None = None) -> requests.Response:
    """A complete response to ``request``, its body already read, as an adapter returns it.

    ``reason`` defaults to the status's phrase; ``raw`` (what ``response.raw`` holds)
    defaults to the body as a stream; ``encoding`` to the one the headers name.
    """
    response = requests.Response()
    response.status_code = status
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    response.reason = reason
    response.headers = CaseInsensitiveDict(headers)
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag
    response.raw = io.BytesIO(body) if raw is None else raw
    response.encoding = encoding or get_encoding_from_headers(response.headers)
    response.url = request.url or ""
    response.request = request
    return response
