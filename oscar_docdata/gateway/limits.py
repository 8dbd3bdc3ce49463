"""The limits of one call: one deadline for the whole exchange, a cap on the reply's size.

:func:`time_limit` shortens them for the calls in a block; :class:`CallLimits` holds
those of one call; :func:`read_body` reads a streamed reply within them, and breaking
one raises :class:`ReplyLimitExceeded`.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import urllib3
from requests.adapters import HTTPAdapter

from oscar_docdata.appsettings import docdata_settings

#: The most bytes taken from the socket per read while a reply streams in.
REPLY_CHUNK_BYTES = 64 * 1024


class ReplyLimitExceeded(requests.RequestException):
    """The HTTP exchange broke DOCDATA_DEADLINE or DOCDATA_MAX_REPLY_BYTES.

    The connection is closed (never reused). ``reason`` names the limit; the client
    raises it as ``DocdataGatewayError(operation, reason)``.
    """

    def __init__(self, reason: str, **kwargs):
        super().__init__(reason, **kwargs)
        self.reason = reason


class DeadlineExceeded(ReplyLimitExceeded, requests.Timeout):
    """The whole exchange (connect, send, every read) outlasted the call's deadline."""


class ReplyTooLarge(ReplyLimitExceeded):
    """The reply is (or declares to be) larger than DOCDATA_MAX_REPLY_BYTES."""


#: The limit of :func:`time_limit` in force on this thread (or task), if any.
_time_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "docdata_time_limit", default=None)


def _shorter(value: float | None, limit: float | None) -> float | None:
    if limit is None:
        return value
    return limit if value is None else min(value, limit)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Calls inside the block take at most ``seconds`` (connect, every read and the whole
    exchange), or less when DOCDATA_TIMEOUT / DOCDATA_DEADLINE say less.

    For calls a page could wait for that may simply be skipped when Docdata is slow
    (the live payment method list, :mod:`oscar_docdata.method_list`).
    """
    token = _time_limit.set(float(seconds))
    try:
        yield
    finally:
        _time_limit.reset(token)


def call_timeout() -> float | None:
    """The connect and per-read timeout of a call starting now (DOCDATA_TIMEOUT, or the
    shorter :func:`time_limit` in force)."""
    return _shorter(docdata_settings.DOCDATA_TIMEOUT, _time_limit.get())


class CallLimits:
    """The limits of one call, read from the settings when the call starts.

    ``timeout`` (DOCDATA_TIMEOUT) bounds the connect and each socket read; ``budget``
    (DOCDATA_DEADLINE, by default DOCDATA_TIMEOUT) bounds the whole exchange;
    ``max_bytes`` (DOCDATA_MAX_REPLY_BYTES) the reply's body. None: no such limit.
    """

    def __init__(self, timeout: float | None, budget: float | None, max_bytes: int | None):
        self.timeout = timeout
        self.budget = budget
        self.max_bytes = max_bytes
        self.deadline = None if budget is None else time.monotonic() + budget

    @classmethod
    def from_settings(cls) -> CallLimits:
        timeout = call_timeout()
        budget = docdata_settings.DOCDATA_DEADLINE
        budget = _shorter(timeout if budget is None else budget, _time_limit.get())
        return cls(timeout, budget, docdata_settings.DOCDATA_MAX_REPLY_BYTES or None)

    def per_read(self) -> float | None:
        """The socket timeout of the next read: the timeout, or what is left if less."""
        if self.deadline is None:
            return self.timeout
        left = max(self.deadline - time.monotonic(), 0.001)
        return left if self.timeout is None else min(self.timeout, left)

    def requests_timeout(self, session: requests.Session, address: str):
        """The ``timeout`` argument of the request.

        urllib3's ``total`` makes the connect and the wait for the reply's headers share
        the budget. Adapters other than requests' own (canned replies, the simulator's
        in-process mode) get the plain ``(connect, read)`` pair they understand.
        """
        if self.budget is not None and isinstance(session.get_adapter(address), HTTPAdapter):
            return urllib3.Timeout(connect=self.timeout, read=self.timeout, total=self.budget)
        return (self.timeout, self.timeout)

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise DeadlineExceeded(f"timed out: no complete reply within {self.budget} s")

    def too_large(self, size: int) -> ReplyTooLarge:
        return ReplyTooLarge(f"the reply is larger than DOCDATA_MAX_REPLY_BYTES "
                             f"({self.max_bytes} bytes; {size} bytes or more)")


#: urllib3's streamed responses (``read1`` and ``shutdown`` since urllib3 2.3, required).
_STREAMED = urllib3.response.HTTPResponse


def read_body(response: requests.Response, limits: CallLimits) -> None:
    """Read the streamed body of ``response`` within ``limits`` into ``response.content``.

    Reads with ``read1`` (whatever one socket read returns, up to REPLY_CHUNK_BYTES) so
    that the deadline is checked between the reads of a slow reply: urllib3's
    ``read(amt)`` (and so ``iter_content``) waits until ``amt`` bytes have come. The
    socket timeout of each read is cut to the time left; when the connection no longer
    holds its socket (a reply that ends the connection), a timer shuts the socket down at
    the deadline instead (urllib3's ``HTTPResponse.shutdown``). Breaking a limit closes
    the connection and raises ReplyLimitExceeded; nothing of the body is logged.
    """
    raw = response.raw
    # requests keeps no public flag: a response hook that read ``content`` has consumed
    # the stream already.
    if not isinstance(raw, _STREAMED) or getattr(response, "_content_consumed", False):
        # Answered from memory (or read by a hook): only the size applies.
        if limits.max_bytes is not None and len(response.content) > limits.max_bytes:
            raise limits.too_large(len(response.content))
        return
    chunks: list[bytes] = []
    watchdog = None
    try:
        limits.check_deadline()
        if getattr(raw.connection, "sock", None) is None and limits.deadline is not None:
            watchdog = threading.Timer(limits.deadline - time.monotonic(), _shut_down, (raw,))
            watchdog.daemon = True
            watchdog.start()
        declared = (response.headers.get("Content-Length") or "").strip()
        if limits.max_bytes is not None and declared.isdigit() \
                and int(declared) > limits.max_bytes:
            raise limits.too_large(int(declared))
        _read_chunks(raw, limits, watchdog, chunks)
    except BaseException:
        chunks.clear()
        _abandon(response, raw)
        raise
    finally:
        if watchdog is not None:
            watchdog.cancel()
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag


def _read_chunks(raw: urllib3.response.HTTPResponse, limits: CallLimits,
                 watchdog: threading.Timer | None, chunks: list[bytes]) -> None:
    """Read the body into ``chunks`` one socket read at a time, within ``limits``."""
    size = 0
    while True:
        limits.check_deadline()
        sock = getattr(raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(limits.per_read())
        chunk = _read1(raw, limits)
        if watchdog is not None and watchdog.finished.is_set():
            limits.check_deadline()
        if not chunk:
            return
        size += len(chunk)
        if limits.max_bytes is not None and size > limits.max_bytes:
            raise limits.too_large(size)
        chunks.append(chunk)


def _abandon(response: requests.Response, raw: urllib3.response.HTTPResponse) -> None:
    """Close a reply read only in part, with its connection.

    Closing only the response could put its socket back into the pool with the rest of
    the reply still on its way. (A reply that ends the connection holds its socket
    without a connection.)
    """
    _shut_down(raw)
    connection = getattr(raw, "connection", None)
    if connection is not None:
        connection.close()
    response.close()


def _read1(raw: urllib3.response.HTTPResponse, limits: CallLimits) -> bytes:
    """One read of the body, urllib3's errors as requests' (as ``iter_content`` does)."""
    try:
        return raw.read1(REPLY_CHUNK_BYTES) or b""
    except urllib3.exceptions.ReadTimeoutError as error:
        limits.check_deadline()
        raise requests.ReadTimeout(error) from None
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error) from None
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from None
    except urllib3.exceptions.ProtocolError as error:
        limits.check_deadline()  # the watchdog's shutdown can cut a reply short
        raise requests.exceptions.ChunkedEncodingError(error) from None


def _shut_down(raw: urllib3.response.HTTPResponse) -> None:
    """Wake a read blocked past the deadline (the reading thread then raises)."""
    try:
        raw.shutdown()
    except (OSError, ValueError, RuntimeError):
        pass  # already closed or released: nothing is blocked on it
