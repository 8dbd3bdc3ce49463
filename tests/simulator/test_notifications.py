"""Update notifications: when, where, retries, and what is recorded."""

import pytest

from oscar_docdata.gateway import BankTransferPayment, DocdataClient
from oscar_docdata.simulator import notifications

from .factories import create_order
from .receiver_urls import receiver

RECEIVER_URLS = "tests.simulator.receiver_urls"


@pytest.mark.urls(RECEIVER_URLS)
@pytest.mark.django_db(transaction=True)
def test_retried_off_the_request_path_until_the_receiver_answers_200(
        docdata_live_simulator, live_server, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    receiver.reset([500, 503, 200])
    client = DocdataClient()
    key = create_order(client, "N-1")
    assert receiver.calls == []  # creating an order is no payment status change
    client.start(key, BankTransferPayment("jan@example.com"))
    assert receiver.arrived.wait(10)
    assert notifications.wait_until_idle(10)
    attempts = docdata_live_simulator.notifications(key)
    assert [(a.attempt, a.status_code) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert {a.url for a in attempts} == {f"{live_server.url}/shop/update_order/?order_id=N-1"}
    assert receiver.calls == ["N-1", "N-1", "N-1"]


@pytest.mark.urls(RECEIVER_URLS)
def test_every_change_notifies_synchronously_in_process(docdata_simulator):
    client = DocdataClient()
    key = create_order(client, "N-2")
    receiver.reset([500])
    attempt = docdata_simulator.settle(key, "authorized")
    # delivered (and retried) before settle() returned
    assert [(a.attempt, a.status_code) for a in docdata_simulator.notifications(key)] == [
        (1, 500), (2, 200)]
    client.capture(attempt.payment_id)
    docdata_simulator.settle_pending(key)
    client.refund(attempt.payment_id)
    assert len(docdata_simulator.notifications(key)) == 5
    assert receiver.calls == ["N-2"] * 5
    assert all(a.delivered for a in docdata_simulator.notifications(key)[1:])


@pytest.mark.urls(RECEIVER_URLS)
def test_connection_errors_are_retried_then_given_up(docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS = 3
    settings.DOCDATA_SIMULATOR_UPDATE_URLS = {"shop_test": "http://127.0.0.1:9/x/?order_id="}
    key = create_order(DocdataClient(), "N-3")
    docdata_simulator.settle(key, "paid")
    attempts = docdata_simulator.notifications(key)
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert all(a.status_code is None and "ConnectionError" in a.error for a in attempts)
    assert attempts[0].url == "http://127.0.0.1:9/x/?order_id=N-3"


@pytest.mark.urls(RECEIVER_URLS)
def test_the_reference_is_url_encoded(docdata_simulator):
    key = create_order(DocdataClient(), "A B/C&D=1")
    docdata_simulator.settle(key, "failed")
    assert receiver.calls == ["A B/C&D=1"]
    assert docdata_simulator.notifications(key)[0].url.endswith("?order_id=A%20B%2FC%26D%3D1")


@pytest.mark.urls(RECEIVER_URLS)
def test_off_sends_nothing(docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "off"
    key = create_order(DocdataClient(), "N-4")
    docdata_simulator.settle(key, "paid")
    assert docdata_simulator.notifications() == [] and receiver.calls == []


@pytest.mark.urls("tests.simulator.no_receiver_urls")
def test_without_an_update_url_the_attempt_says_why(docdata_simulator, caplog):
    key = create_order(DocdataClient(), "N-5")
    docdata_simulator.settle(key, "paid")
    [attempt] = docdata_simulator.notifications(key)
    assert attempt.status_code is None and "No update URL" in attempt.error
    assert "not notifying order N-5" in caplog.text


def test_an_unknown_mode_is_a_clear_error(docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "carrier-pigeon"
    key = create_order(DocdataClient(), "N-6")
    with pytest.raises(ValueError, match="DOCDATA_SIMULATOR_NOTIFY"):
        docdata_simulator.settle(key, "paid")


def test_backoff_doubles_up_to_the_cap(settings):
    settings.DOCDATA_SIMULATOR_NOTIFY_BACKOFF = 1.5
    settings.DOCDATA_SIMULATOR_NOTIFY_MAX_DELAY = 10
    assert [notifications.backoff(n) for n in range(1, 6)] == [1.5, 3.0, 6.0, 10, 10]
