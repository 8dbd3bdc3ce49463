"""Wire-level failures over real HTTP on 127.0.0.1: each is one DocdataGatewayError.

Nothing is retried: every case asserts the server saw exactly one POST.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests

from oscar_docdata.exceptions import DocdataGatewayError
from oscar_docdata.gateway import DocdataClient
from oscar_docdata.testing import replies as r

from .conftest import ORDER_KEY
from .test_replies import call

OPERATIONS = ["create", "start", "proceed", "capture", "refund", "cancel", "status",
              "statusExtended", "listPaymentMethods"]


def answer(status: int, body: bytes, content_type: str = "text/xml; charset=utf-8"):
    def handler(request):
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
    return handler


@pytest.fixture
def wire_client(local_server, settings) -> DocdataClient:
    settings.DOCDATA_BASE_URL = local_server.base_url
    settings.DOCDATA_TIMEOUT = 0.5
    return DocdataClient()


def test_a_success_over_real_http(local_server, wire_client):
    local_server.handler = answer(200, r.status_reply(registered=100))
    assert wire_client.status(ORDER_KEY).totals.registered == 100
    (post,) = local_server.posts
    assert b"statusRequest" in post


HTML_500 = b"<html><head><title>500 Internal Server Error</title></head><body>Oops</body></html>"
CASES = {
    "soap fault": (answer(500, r.soap_fault()),
                   "SOAP fault S:Server: Fault occurred while processing. (HTTP 500"),
    "soap fault with http 200": (answer(200, r.soap_fault("Bad things")),
                                 "SOAP fault S:Server: Bad things (HTTP 200"),
    "html 500": (answer(500, HTML_500, "text/html"),
                 "HTTP 500 Internal Server Error (text/html)"),
    "html 503 that is not even xml": (answer(503, b"Service unavailable <br>", "text/html"),
                                      "HTTP 503 Service Unavailable (text/html)"),
    "empty body": (answer(200, b""), "empty reply (HTTP 200 OK"),
    "unparsable xml": (answer(200, r.status_reply(registered=1)[:80]), "unparsable XML reply"),
    "redirect": (answer(302, b"", "text/html"), "empty reply (HTTP 302 Found"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_http_failures_become_gateway_errors(local_server, wire_client, shopper, bill_to,
                                             case, operation):
    handler, reason = CASES[case]
    local_server.handler = handler
    with pytest.raises(DocdataGatewayError) as raised:
        call(wire_client, operation, shopper, bill_to)
    assert raised.value.operation == operation
    assert str(raised.value).startswith(f"Docdata {operation}: ")
    assert reason in str(raised.value)
    assert len(local_server.posts) == 1


@pytest.mark.parametrize("operation", ["create", "capture", "status"])
def test_a_timeout_becomes_a_gateway_error(local_server, wire_client, shopper, bill_to,
                                           operation):
    def slow(request):
        time.sleep(1.5)
        try:
            answer(200, r.status_reply(registered=1))(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up long ago, as it should

    local_server.handler = slow
    started = time.monotonic()
    with pytest.raises(DocdataGatewayError) as raised:
        call(wire_client, operation, shopper, bill_to)
    assert time.monotonic() - started < 1.4
    assert raised.value.operation == operation
    assert "timed out waiting for the reply after 0.5 s" in str(raised.value)
    assert len(local_server.posts) == 1


def test_a_dropped_connection_is_not_retried(local_server, wire_client, shopper, bill_to):
    def hang_up(request):
        request.close_connection = True
        request.connection.shutdown(socket.SHUT_RDWR)

    local_server.handler = hang_up
    with pytest.raises(DocdataGatewayError, match="Docdata create: connection failed"):
        call(wire_client, "create", shopper, bill_to)
    assert len(local_server.posts) == 1


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_refused_connection_becomes_a_gateway_error(settings, closed_port, shopper, bill_to,
                                                      operation):
    settings.DOCDATA_BASE_URL = f"http://127.0.0.1:{closed_port}/ps"
    with pytest.raises(DocdataGatewayError) as raised:
        call(DocdataClient(), operation, shopper, bill_to)
    assert raised.value.operation == operation
    assert str(raised.value) == f"Docdata {operation}: connection refused"


@pytest.mark.parametrize(("error", "reason"), [
    (requests.ConnectTimeout, "timed out connecting after 5 s"),
    (requests.ReadTimeout, "timed out waiting for the reply after 5 s"),
    (requests.ConnectionError("Connection reset by peer"),
     "connection failed (ConnectionError: Connection reset by peer)"),
    (requests.exceptions.ChunkedEncodingError, "request failed (ChunkedEncodingError)"),
])
def test_transport_exceptions_from_an_adapter(docdata, client, error, reason):
    docdata.fail("status", error)
    with pytest.raises(DocdataGatewayError) as raised:
        client.status(ORDER_KEY)
    assert str(raised.value) == f"Docdata status: {reason}"


def test_the_session_adapters_never_retry():
    from oscar_docdata.gateway.transport import get_http_session

    session = get_http_session()
    for prefix in ("http://", "https://"):
        retries = session.get_adapter(prefix + "example.com/").max_retries
        assert retries.total == 0 and not retries.connect and not retries.read
