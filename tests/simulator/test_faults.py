"""Fault injection, each mode seen by the plugin's client over real HTTP."""

import time

import pytest

from oscar_docdata.exceptions import (
    DocdataCreateError,
    DocdataGatewayError,
    DocdataStatusError,
)
from oscar_docdata.gateway import DocdataClient
from oscar_docdata.simulator import faults
from oscar_docdata.simulator.models import Fault, SimulatedOrder

from .factories import create_order

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.urls("tests.simulator.receiver_urls")]


@pytest.fixture
def client(docdata_live_simulator):
    return DocdataClient()


@pytest.fixture
def key(client):
    return create_order(client, "F-1")


def test_latency_delays_then_answers(client, key):
    faults.inject("status", "latency", seconds=0.4)
    started = time.monotonic()
    assert client.status(key).totals.registered == 1234
    assert time.monotonic() - started >= 0.4


def test_http_500_with_an_html_page(client, key):
    faults.inject("status", "http_500")
    with pytest.raises(DocdataGatewayError) as caught:
        client.status(key)
    assert caught.value.operation == "status" and "500" in caught.value.reason


def test_soap_fault(client, key):
    faults.inject("status", "soap_fault")
    with pytest.raises(DocdataGatewayError, match="Fault occurred while processing"):
        client.status(key)


def test_malformed_xml(client, key):
    faults.inject("status", "malformed_xml")
    with pytest.raises(DocdataGatewayError) as caught:
        client.status(key)
    assert caught.value.operation == "status"


def test_no_answer_times_the_client_out(client, key, settings):
    settings.DOCDATA_TIMEOUT = 1
    faults.inject("status", "no_answer", seconds=1.6, count=1)
    with pytest.raises(DocdataGatewayError, match="timed out"):
        client.status(key)
    time.sleep(0.7)  # let the server's sleeping request end before the test does


def test_errors_reply_with_a_code(client, key):
    faults.inject("status", "errors", code="INTERNAL_ERROR")
    with pytest.raises(DocdataStatusError) as caught:
        client.status(key)
    assert caught.value.code == "INTERNAL_ERROR"


def test_a_count_clears_the_fault_after_that_many_calls(client, key):
    faults.inject("status", "soap_fault", count=2)
    for _ in range(2):
        with pytest.raises(DocdataGatewayError):
            client.status(key)
    assert client.status(key).totals.registered == 1234
    assert not Fault.objects.exists()


def test_a_fault_changes_nothing(client):
    faults.inject("create", "soap_fault")
    with pytest.raises(DocdataGatewayError):
        create_order(client, "F-2")
    assert not SimulatedOrder.objects.filter(merchant_order_reference="F-2").exists()
    faults.clear("create")
    assert create_order(client, "F-2")


def test_star_applies_to_every_operation_and_a_specific_fault_wins(client, key):
    faults.inject("*", "errors", code="UNKNOWN_ERROR")
    faults.inject("status", "errors", code="INTERNAL_ERROR")
    with pytest.raises(DocdataCreateError) as caught:
        create_order(client, "F-3")
    assert caught.value.code == "UNKNOWN_ERROR"
    with pytest.raises(DocdataStatusError) as caught:
        client.status(key)
    assert caught.value.code == "INTERNAL_ERROR"
    faults.clear()
    assert client.status(key).totals.registered == 1234


def test_faults_from_the_setting(client, key, settings):
    settings.DOCDATA_SIMULATOR_FAULTS = {"statusExtended": {"mode": "http_500"}}
    assert client.status(key)
    with pytest.raises(DocdataGatewayError):
        client.status_extended(key)


@pytest.mark.parametrize("operation,mode,options", [
    ("refnud", "soap_fault", {}),
    ("refund", "explode", {}),
    ("refund", "latency", {"seconds": -1}),
    ("refund", "errors", {"count": 0}),
])
def test_inject_refuses_nonsense(operation, mode, options):
    with pytest.raises(ValueError):
        faults.inject(operation, mode, **options)
