"""The pytest fixtures shops use (oscar_docdata.testing.fixtures), as a shop would."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.gateway import DocdataClient
from oscar_docdata.testing.simulator import in_process_simulator, simulator_prefix

from .factories import create_order
from .receiver_urls import receiver

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")


def test_in_process_settle_and_notifications(docdata_simulator):
    assert docdata_settings.base_url == "http://docdata-simulator.test/docdata-sim"
    client = DocdataClient()
    key = create_order(client, "FX-1", "40.00")
    attempt = docdata_simulator.settle(key, "paid", "IDEAL", issuer="INGBNL2A")
    assert attempt.status == "AUTHORIZED"
    docdata_simulator.refund(key, Decimal("10.00"))
    docdata_simulator.chargeback(key, "5.00")
    totals = client.status(key).totals
    assert (totals.captured, totals.refunded, totals.charged_back) == (4000, 1000, 500)
    assert [n.status_code for n in docdata_simulator.notifications(key)] == [200, 200, 200]
    assert receiver.calls == ["FX-1"] * 3
    with pytest.raises(TypeError):
        docdata_simulator.refund(key, 1.5)


@pytest.mark.django_db(transaction=True)
def test_live_settle_and_notifications(docdata_live_simulator, live_server):
    assert docdata_settings.base_url == f"{live_server.url}/docdata-sim"
    client = DocdataClient()
    key = create_order(client, "FX-2")
    docdata_live_simulator.settle(key, "pending")
    docdata_live_simulator.pay(key)
    assert [p.authorization.status for p in client.status(key).payments] == ["AUTHORIZED"]
    assert [n.url for n in docdata_live_simulator.notifications(key)] == [
        f"{live_server.url}/shop/update_order/?order_id=FX-2"] * 2


def test_handle_faults_expire_and_unknown_outcomes(docdata_simulator):
    client = DocdataClient()
    key = create_order(client, "FX-3")
    docdata_simulator.inject_fault("status", "errors", count=1)
    with pytest.raises(Exception, match="INTERNAL_ERROR"):
        client.status(key)
    docdata_simulator.clear_faults()
    docdata_simulator.expire(key)
    assert docdata_simulator.order(key).expired
    from oscar_docdata.simulator.engine import SimulationError
    with pytest.raises(SimulationError, match="Unknown outcome"):
        docdata_simulator.settle(create_order(client, "FX-4"), "stolen")


def test_the_prefix_follows_where_the_simulator_is_mounted(db):
    assert simulator_prefix() == "/docdata-sim"
    with override_settings(ROOT_URLCONF="tests.simulator.mounted_elsewhere"), \
            in_process_simulator("http://sim.test") as simulator:
        assert simulator.base_url == "http://sim.test/elsewhere/ps"
        key = create_order(DocdataClient(), "FX-5")
        assert len(key) == 32


def test_no_notification_in_the_middle_of_the_shops_transaction(docdata_simulator):
    client = DocdataClient()
    key = create_order(client, "FX-6")
    attempt = docdata_simulator.settle(key, "authorized")
    receiver.reset()
    with transaction.atomic():  # e.g. the shop captures inside its own transaction
        client.capture(attempt.payment_id)
        assert receiver.calls == []
    assert [n.status_code for n in docdata_simulator.notifications(key)][-1] == 200
    assert receiver.calls == ["FX-6"]
