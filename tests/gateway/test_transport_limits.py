"""Transport limits over real HTTP on 127.0.0.1: one deadline per call, a reply size cap.

DOCDATA_TIMEOUT bounds the connect and each socket read; DOCDATA_DEADLINE (by default
DOCDATA_TIMEOUT) bounds the whole exchange, and DOCDATA_MAX_REPLY_BYTES the reply. Every
server loop below is bounded in count and time and ends by itself; a write that fails
means the client closed the connection, which the servers record.
"""

from __future__ import annotations

import logging
import threading
import time
import tracemalloc

import pytest

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataGatewayError
from oscar_docdata.gateway import DocdataClient, transport
from oscar_docdata.testing import replies as r
from oscar_docdata.testing.canned import canned_docdata

from .conftest import ORDER_KEY, PASSWORD
from .test_replies import call

REPLY = r.status_reply(registered=7)
MB = 1_000_000
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@pytest.fixture
def wire_client(local_server, settings) -> DocdataClient:
    settings.DOCDATA_BASE_URL = local_server.base_url
    settings.DOCDATA_TIMEOUT = 1
    return DocdataClient()


class Sender:
    """What a handler sent, and whether it saw the client hang up (within its bounds)."""

    def __init__(self):
        self.hung_up = threading.Event()
        self.sent = 0

    def headers(self, request, length: int | None = None, chunked: bool = False) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/xml; charset=utf-8")
        if length is not None:
            request.send_header("Content-Length", str(length))
        if chunked:
            request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        request.wfile.flush()

    def write(self, request, data: bytes, chunked: bool = False) -> bool:
        """Send ``data``; False once the client has gone away."""
        try:
            request.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            request.wfile.flush()
        except GONE:
            self.hung_up.set()
            return False
        self.sent += len(data)
        return True

    def end(self, request, chunked: bool = False) -> None:
        if chunked:
            try:
                request.wfile.write(b"0\r\n\r\n")
            except GONE:
                self.hung_up.set()


def drip(sender: Sender, body: bytes, interval: float, *, chunked: bool = False,
         max_seconds: float = 5.0):
    """A handler sending ``body`` one byte per ``interval`` (at most ``max_seconds``)."""
    def handler(request):
        sender.headers(request, None if chunked else len(body), chunked)
        stop = time.monotonic() + max_seconds
        for index in range(len(body)):
            if time.monotonic() > stop or not sender.write(request, body[index:index + 1],
                                                           chunked):
                return
            time.sleep(interval)
        sender.end(request, chunked)
    return handler


# --- the deadline ------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "chunked"), [("status", False), ("status", True),
                                                    ("create", False)])
def test_a_dripping_reply_ends_at_the_deadline(local_server, wire_client, shopper, bill_to,
                                               caplog, operation, chunked):
    sender = Sender()
    local_server.handler = drip(sender, REPLY, 0.05, chunked=chunked)
    transport.get_zeep_client()  # parsed once per process: not part of the measure
    started = time.monotonic()
    with caplog.at_level(logging.DEBUG), pytest.raises(DocdataGatewayError) as raised:
        call(wire_client, operation, shopper, bill_to)
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.5, elapsed
    assert raised.value.operation == operation
    assert str(raised.value) == (f"Docdata {operation}: timed out: no complete reply "
                                 "within 1 s")
    assert 0 < sender.sent < len(REPLY)
    assert sender.hung_up.wait(2), "the client closed the connection"
    assert len(local_server.posts) == 1
    assert PASSWORD not in caplog.text
    assert "timed out: no complete reply within 1 s" in caplog.text


def test_each_read_waits_only_for_what_is_left_of_the_deadline(local_server, wire_client):
    # A byte every 0.7 s never trips a 1 s read timeout; the second wait is cut to 0.3 s.
    sender = Sender()
    local_server.handler = drip(sender, REPLY, 0.7)
    started = time.monotonic()
    with pytest.raises(DocdataGatewayError, match="^Docdata status: timed out: no complete"):
        wire_client.status(ORDER_KEY)
    assert time.monotonic() - started < 1.25
    assert sender.hung_up.wait(2)


def test_the_deadline_can_be_shorter_than_the_timeout(local_server, wire_client, settings):
    settings.DOCDATA_DEADLINE = 0.4
    local_server.handler = drip(Sender(), REPLY, 0.05)
    started = time.monotonic()
    with pytest.raises(DocdataGatewayError,
                       match=r"^Docdata status: timed out: no complete reply within 0.4 s$"):
        wire_client.status(ORDER_KEY)
    assert time.monotonic() - started < 0.8


def test_the_limits_default_to_the_timeout_and_a_few_megabytes(settings):
    del settings.DOCDATA_TIMEOUT
    assert docdata_settings.DOCDATA_DEADLINE is None
    assert docdata_settings.DOCDATA_MAX_REPLY_BYTES == 4 * 1024 * 1024
    limits = transport.CallLimits.from_settings()
    assert (limits.timeout, limits.budget, limits.max_bytes) == (30, 30, 4 * 1024 * 1024)


# --- the size cap ------------------------------------------------------------------------


def big_reply(size: int) -> bytes:
    """A well-formed status reply of ``size`` bytes (padded with a comment)."""
    head, tail = REPLY.split(b"<S:Body>", 1)
    padding = size - len(REPLY) - len(b"<!---->")
    return head + b"<!--" + b"x" * padding + b"-->" + b"<S:Body>" + tail


def stream(sender: Sender, body: bytes, framing: str):
    """A handler streaming ``body`` in 64 KiB writes (at most 400 writes, 5 s)."""
    def handler(request):
        chunked = framing == "chunked"
        sender.headers(request, len(body) if framing == "content-length" else None, chunked)
        stop = time.monotonic() + 5
        for count, start in enumerate(range(0, len(body), 65536)):
            if count >= 400 or time.monotonic() > stop:
                return
            if not sender.write(request, body[start:start + 65536], chunked):
                return
        sender.end(request, chunked)
    return handler


@pytest.mark.parametrize("framing", ["content-length", "chunked", "until-close"])
def test_a_reply_over_the_cap_is_refused_without_reading_it_whole(local_server, wire_client,
                                                                  settings, caplog, framing):
    settings.DOCDATA_MAX_REPLY_BYTES = MB
    # Far more than loopback's socket buffers hold (a few MB): the server is still
    # writing when the client hangs up, so the hang-up is seen.
    body = big_reply(20 * MB)
    sender = Sender()
    local_server.handler = stream(sender, body, framing)
    transport.get_zeep_client()  # parsed once per process: not part of the measure
    tracemalloc.start()
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(DocdataGatewayError) as raised:
            wire_client.status(ORDER_KEY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raised.value.operation == "status"
    assert str(raised.value).startswith(
        "Docdata status: the reply is larger than DOCDATA_MAX_REPLY_BYTES (1000000 bytes; ")
    if framing == "content-length":
        assert "; 20000000 bytes or more)" in str(raised.value)
    assert peak < 2 * MB, f"peak {peak / MB:.2f} MB while refusing a 20 MB reply"
    assert sender.hung_up.wait(3), "the client closed the connection"
    assert sender.sent < len(body)
    assert PASSWORD not in caplog.text
    assert len(local_server.posts) == 1


def test_the_cap_applies_to_replies_answered_from_memory(settings):
    settings.DOCDATA_MAX_REPLY_BYTES = len(REPLY) - 1
    with canned_docdata() as docdata:
        docdata.set("status", REPLY)
        with pytest.raises(DocdataGatewayError,
                           match=r"^Docdata status: the reply is larger than "
                                 r"DOCDATA_MAX_REPLY_BYTES"):
            DocdataClient().status(ORDER_KEY)
        settings.DOCDATA_MAX_REPLY_BYTES = len(REPLY)
        assert DocdataClient().status(ORDER_KEY).totals.registered == 7


# --- within both limits ------------------------------------------------------------------


def pieces(sender: Sender, body: bytes, chunked: bool):
    """A handler sending ``body`` in five pieces 0.1 s apart (well within 1 s)."""
    def handler(request):
        sender.headers(request, None if chunked else len(body), chunked)
        size = -(-len(body) // 5)
        for start in range(0, len(body), size):
            if not sender.write(request, body[start:start + size], chunked):
                return
            time.sleep(0.1)
        sender.end(request, chunked)
    return handler


@pytest.mark.parametrize("chunked", [False, True])
def test_a_reply_within_both_limits_is_read(local_server, wire_client, settings, chunked):
    sender = Sender()
    local_server.handler = pieces(sender, REPLY, chunked)
    settings.DOCDATA_MAX_REPLY_BYTES = len(REPLY)  # exactly at the cap
    started = time.monotonic()
    assert wire_client.status(ORDER_KEY).totals.registered == 7
    assert 0.35 < time.monotonic() - started < 1.0
    # The server's thread counts a piece after writing it: the client may be done first.
    deadline = time.monotonic() + 2.0
    while sender.sent < len(REPLY) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sender.sent == len(REPLY)

    settings.DOCDATA_MAX_REPLY_BYTES = len(REPLY) - 1  # one byte over
    with pytest.raises(DocdataGatewayError, match=r"^Docdata status: the reply is larger"):
        wire_client.status(ORDER_KEY)
    assert len(local_server.posts) == 2
