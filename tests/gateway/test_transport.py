"""The zeep client: parsed once per process, lazily, thread-safely, never from the network."""

from __future__ import annotations

import socket
import threading

import pytest
import zeep

from oscar_docdata.gateway import DocdataClient, transport
from oscar_docdata.testing import replies as r
from oscar_docdata.testing.canned import canned_docdata

from .conftest import ORDER_KEY


@pytest.fixture
def fresh_transport(monkeypatch):
    """Forget the process-wide zeep client and count WSDL parses."""
    monkeypatch.setattr(transport, "_zeep_client", None)
    monkeypatch.setattr(transport, "_services", {})
    parses = []
    original = transport._load_client

    def counting_load():
        parses.append(1)
        return original()

    monkeypatch.setattr(transport, "_load_client", counting_load)
    return parses


def test_the_wsdl_is_parsed_once_per_process(fresh_transport, monkeypatch):
    documents = []
    original = zeep.wsdl.Document.__init__

    def counting_init(self, *args, **kwargs):
        documents.append(args[0])
        original(self, *args, **kwargs)

    monkeypatch.setattr(zeep.wsdl.Document, "__init__", counting_init)
    for base_url in ("http://one.test/ps", "http://two.test/ps"):
        with canned_docdata(base_url) as docdata:
            docdata.set("status", r.status_reply(registered=1))
            DocdataClient().status(ORDER_KEY)
            DocdataClient.for_merchant("shop_sub").status(ORDER_KEY)
    assert len(fresh_transport) == 1
    assert len(documents) == 1
    assert set(transport._services) == {"http://one.test/ps/services/paymentservice/1_3",
                                        "http://two.test/ps/services/paymentservice/1_3"}


def test_construction_parses_nothing(fresh_transport):
    DocdataClient()
    DocdataClient.for_merchant("shop_sub")
    assert fresh_transport == []
    assert transport._zeep_client is None


def test_the_client_is_built_once_under_concurrency(fresh_transport):
    barrier = threading.Barrier(8)
    clients = []

    def build():
        barrier.wait()
        clients.append(transport.get_zeep_client())

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fresh_transport) == 1
    assert len({id(client) for client in clients}) == 1


def test_loading_the_description_needs_no_network(fresh_transport, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access while loading the WSDL")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    client = transport.get_zeep_client()
    operations = set(client.wsdl.bindings[transport.schema.BINDING_QNAME]._operations)
    assert operations == set(transport.schema.OPERATIONS)


def test_the_local_transport_refuses_remote_documents():
    with pytest.raises(ValueError, match="must not load"):
        transport._LocalOnlyTransport().load("https://test.docdatapayments.com/ps/x?xsd=1")


def test_the_http_session_is_shared_and_adapters_can_be_mounted():
    session = transport.get_http_session()
    assert transport.get_http_session() is session
    with canned_docdata("http://mounted.test/ps") as docdata:
        assert session.get_adapter("http://mounted.test/ps/services") is docdata
    assert session.get_adapter("http://mounted.test/ps/services") is not docdata


def test_zeep_serialisation_errors_become_validation_errors(docdata, client):
    from oscar_docdata.exceptions import DocdataValidationError

    with pytest.raises(DocdataValidationError) as error:
        transport.send(client.endpoint_url, "status", {"version": "1.3"})
    assert "Missing element merchant" in str(error.value)
    assert docdata.requests == []
