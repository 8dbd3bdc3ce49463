"""Fixtures of the gateway tests: canned replies, a local HTTP server, sample values."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from oscar_docdata.gateway import (
    Address,
    Amount,
    DocdataClient,
    Item,
    Name,
    Shopper,
    Vat,
    schema,
)
from oscar_docdata.gateway import Destination as DestinationValue
from oscar_docdata.gateway import Invoice as InvoiceValue
from oscar_docdata.testing.canned import canned_docdata

ORDER_KEY = "0123456789ABCDEF0123456789ABCDEF"
PASSWORD = "Sup3r-Secret-pw"


@pytest.fixture
def docdata() -> Iterator:
    """The canned adapter, mounted for http://docdata.test/ps."""
    with canned_docdata() as adapter:
        yield adapter


@pytest.fixture
def client(docdata) -> DocdataClient:
    return DocdataClient()


def body_of(envelope: etree._Element) -> etree._Element:
    """The request element inside a SOAP envelope."""
    return envelope.find(f"{{{schema.SOAP_ENV_NS}}}Body")[0]


def assert_valid(element: etree._Element) -> None:
    """The element validates against the bundled XSD."""
    xsd = schema.xml_schema()
    assert xsd.validate(element), str(xsd.error_log)


def eur(value: str) -> Amount:
    return Amount(Decimal(value), "EUR")


@pytest.fixture
def shopper() -> Shopper:
    return Shopper(id="42", name=Name(first="Jan", last="Jansen", prefix="de"),
                   email="jan@example.com", language="nl-NL", gender="m",
                   date_of_birth=date(1980, 5, 17), phone_number="+31 20 123 4567")


@pytest.fixture
def bill_to() -> DestinationValue:
    return DestinationValue(
        name=Name(first="Jan", last="Jansen"),
        address=Address(street="Damrak", house_number="1", house_number_addition="A",
                        postal_code="1012 LG", city="Amsterdam", state=None,
                        country_code="nl"))


@pytest.fixture
def invoice(bill_to) -> InvoiceValue:
    vat = Vat(rate=Decimal("21"), amount=eur("2.10"))
    return InvoiceValue(
        total_net_amount=eur("10.00"),
        total_vat_amounts=[vat],
        items=[Item(number=1, name="Tea pot", code="TP-1", quantity=1,
                    description="A blue tea pot", net_amount=eur("10.00"),
                    gross_amount=eur("12.10"), vat=vat, total_net_amount=eur("10.00"),
                    total_gross_amount=eur("12.10"), total_vat=vat)],
        ship_to=bill_to)


# --- a real HTTP server on 127.0.0.1 for wire-level failures ---------------------------


@dataclass
class LocalServer:
    """A threaded HTTP server whose answer to POST is ``handler(request_handler)``."""

    handler: Callable[[BaseHTTPRequestHandler], None] | None = None
    posts: list[bytes] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ps"


@pytest.fixture(scope="session")
def _http_server() -> Iterator[LocalServer]:
    state = LocalServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            state.posts.append(self.rfile.read(length))
            state.handler(self)

        def log_message(self, format, *args):  # noqa: A002 - silence the test server
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def local_server(_http_server) -> LocalServer:
    """The local HTTP server with no handler and no recorded POSTs yet."""
    _http_server.handler = None
    _http_server.posts.clear()
    return _http_server
