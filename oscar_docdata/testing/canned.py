"""Canned SOAP replies served in-process through a requests transport adapter.

::

    from oscar_docdata.testing.canned import canned_docdata
    from oscar_docdata.testing.replies import status_reply

    with canned_docdata() as docdata:          # DOCDATA_BASE_URL -> http://docdata.test/ps
        docdata.add("status", status_reply(registered=1000))
        report = DocdataClient().status("A" * 32)
        assert docdata.requests[0].operation == "status"

The adapter answers by operation (the SOAPAction header). ``add`` queues one-shot
replies (first in, first out) and ``fail`` one-shot exceptions; ``set`` sets a reply
that repeats once the queue for that operation is empty. A request for which nothing
is canned raises :class:`NoCannedReply` (an AssertionError), so a test cannot pass by
accident. Every request is recorded in ``adapter.requests``.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.test import override_settings
from lxml import etree
from requests.adapters import BaseAdapter

from oscar_docdata.gateway.transport import get_http_session
from oscar_docdata.testing.responses import build_response

XML_CONTENT_TYPE = "text/xml; charset=utf-8"


class NoCannedReply(AssertionError):
    """A request arrived for an operation nothing was canned for."""


@dataclass(frozen=True)
class CannedRequest:
    """A request the adapter received."""

    operation: str
    body: bytes
    url: str
    headers: dict[str, str] = field(default_factory=dict)

    def xml(self) -> etree._Element:
        """The request envelope, parsed."""
        return etree.fromstring(self.body)


@dataclass(frozen=True)
class _Reply:
    body: bytes
    status: int
    content_type: str


class CannedSoapAdapter(BaseAdapter):
    """A requests adapter that answers SOAP calls from canned replies (thread-safe)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._queued: dict[str, deque[_Reply | BaseException | type[BaseException]]] = \
            defaultdict(deque)
        self._repeating: dict[str, _Reply | BaseException | type[BaseException]] = {}
        self.requests: list[CannedRequest] = []

    def add(self, operation: str, body: bytes, status: int = 200,
            content_type: str = XML_CONTENT_TYPE) -> CannedSoapAdapter:
        """Queue a reply for the next ``operation`` call."""
        with self._lock:
            self._queued[operation].append(_Reply(body, status, content_type))
        return self

    def set(self, operation: str, body: bytes, status: int = 200,
            content_type: str = XML_CONTENT_TYPE) -> CannedSoapAdapter:
        """Answer every ``operation`` call (after the queued ones) with this reply."""
        with self._lock:
            self._repeating[operation] = _Reply(body, status, content_type)
        return self

    def fail(self, operation: str, exc: BaseException | type[BaseException], *,
             repeat: bool = False) -> CannedSoapAdapter:
        """Raise ``exc`` (e.g. ``requests.ConnectTimeout``) on the next call, or on all."""
        with self._lock:
            if repeat:
                self._repeating[operation] = exc
            else:
                self._queued[operation].append(exc)
        return self

    def reset(self) -> None:
        """Forget canned replies and recorded requests."""
        with self._lock:
            self._queued.clear()
            self._repeating.clear()
            self.requests.clear()

    def operations(self) -> list[str]:
        """The operations of the recorded requests, in order."""
        return [request.operation for request in self.requests]

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout=None,
             verify=True, cert=None, proxies=None) -> requests.Response:
        operation = (request.headers.get("SOAPAction") or "").strip().strip('"')
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self.requests.append(CannedRequest(operation, body, request.url or "",
                                               dict(request.headers)))
            queue = self._queued.get(operation)
            outcome = queue.popleft() if queue else self._repeating.get(operation)
        if outcome is None:
            raise NoCannedReply(f"no canned Docdata reply for operation {operation!r}")
        if isinstance(outcome, _Reply):
            return self._response(request, outcome)
        raise outcome

    @staticmethod
    def _response(request: requests.PreparedRequest, reply: _Reply) -> requests.Response:
        return build_response(request, reply.status, reply.body, headers={
            "Content-Type": reply.content_type, "Content-Length": str(len(reply.body))},
            encoding="utf-8")

    def close(self) -> None:
        """Nothing to release."""


@contextmanager
def canned_docdata(base_url: str = "http://docdata.test/ps",
                   adapter: CannedSoapAdapter | None = None) -> Iterator[CannedSoapAdapter]:
    """Mount a CannedSoapAdapter for ``base_url``'s host and point DOCDATA_BASE_URL there.

    Restores the session's adapters and the setting afterwards.
    """
    adapter = adapter or CannedSoapAdapter()
    parts = urlsplit(base_url)
    prefix = f"{parts.scheme}://{parts.netloc}/"
    session = get_http_session()
    previous = session.adapters.get(prefix)
    session.mount(prefix, adapter)
    try:
        with override_settings(DOCDATA_BASE_URL=base_url):
            yield adapter
    finally:
        if previous is not None:
            session.mount(prefix, previous)
        else:
            session.adapters.pop(prefix, None)
