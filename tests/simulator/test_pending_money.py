"""Captures and refunds requested over SOAP: NEW, STARTED, then CAPTURED, as Docdata has them.

tests/settings.py sets DOCDATA_SIMULATOR_SETTLE_SECONDS = None (nothing moves by age);
the tests of ageing set small seconds and move the booking time back instead of sleeping.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from urllib.parse import urljoin

import pytest
from django.core.management import CommandError, call_command

from oscar_docdata.exceptions import DocdataCaptureError, DocdataRefundError
from oscar_docdata.gateway import Amount
from oscar_docdata.simulator import engine, ledger, notifications
from oscar_docdata.simulator.models import Capture, Refund

from . import wire
from .factories import create_order
from .receiver_urls import receiver
from .test_pages import order_form, overview_url

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")


def eur(value: str) -> Amount:
    return Amount(Decimal(value), "EUR")


def captured_order(client, sim, reference, amount="50.00") -> tuple[str, int]:
    """An order whose payment is authorized and captured in full (settled)."""
    key = create_order(client, reference, amount)
    payment_id = sim.settle(key, "authorized", "VISA").payment_id
    client.capture(payment_id)
    sim.settle_pending(key)
    return key, payment_id


def lines(client, key, kind="refunds") -> list[tuple]:
    authorization = client.status(key).payments[0].authorization
    return [(line.status, line.amount, line.reference) for line in getattr(authorization, kind)]


def age(model, seconds: float) -> None:
    """Move every line's booking time ``seconds`` back, as if that much time had passed."""
    for line in model.objects.all():
        model.objects.filter(pk=line.pk).update(created=line.created - timedelta(seconds=seconds))


def simulate(*args) -> str:
    out = StringIO()
    call_command("docdata_simulate", *args, stdout=out)
    return out.getvalue()


# --- booked NEW, counted once CAPTURED ---------------------------------------------------


def test_a_soap_capture_is_new_and_not_in_the_totals(client, docdata_simulator):
    key = create_order(client, "PM-1", "50.00")
    payment_id = docdata_simulator.settle(key, "authorized", "VISA").payment_id
    client.capture(payment_id, eur("20.00"), merchant_capture_reference="CAP-1")
    assert lines(client, key, "captures") == [("NEW", 2000, "CAP-1")]
    assert client.status(key).totals.captured == 0
    docdata_simulator.settle_pending(key)
    assert lines(client, key, "captures") == [("CAPTURED", 2000, "CAP-1")]
    assert client.status(key).totals.captured == 2000


def test_a_second_full_refund_is_refused_while_the_first_is_new(client, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-2")
    client.refund(payment_id, merchant_refund_reference="RF-1")
    report = client.status(key)
    assert (report.totals.captured, report.totals.refunded) == (5000, 0)  # still "available"
    with pytest.raises(DocdataRefundError, match="refunded in full already. EUR 50.00 of it is "
                                                 "still pending"):
        client.refund(payment_id)
    assert lines(client, key) == [("NEW", 5000, "RF-1")]
    docdata_simulator.settle_pending(key)
    assert client.status(key).totals.refunded == 5000


def test_pending_captures_reduce_what_can_be_captured(client, docdata_simulator):
    key = create_order(client, "PM-3", "50.00")
    payment_id = docdata_simulator.settle(key, "authorized", "VISA").payment_id
    client.capture(payment_id, eur("30.00"))
    with pytest.raises(DocdataCaptureError, match="only EUR 20.00 is left"):
        client.capture(payment_id, eur("30.00"))
    client.capture(payment_id)  # the rest: 20.00
    with pytest.raises(DocdataCaptureError, match="nothing left to capture"):
        client.capture(payment_id)
    attempt = engine.attempts_of(docdata_simulator.order(key))[0]
    assert (ledger.capturable(attempt), ledger.captured(attempt)) == (0, 0)
    with pytest.raises(DocdataRefundError, match="no capture to refund. EUR 50.00 of it is "
                                                 "still pending"):
        client.refund(payment_id)
    # a capture under way cannot be cancelled either
    assert client.cancel(key).result == "FAILED"


def test_a_failed_or_cancelled_line_frees_its_amount_again(client, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-4")
    client.refund(payment_id, eur("30.00"), merchant_refund_reference="A")
    client.refund(payment_id, eur("20.00"), merchant_refund_reference="B")
    assert "Refund EUR 30.00" in docdata_simulator.fail_pending(key, "A", "Account closed")
    docdata_simulator.cancel_pending(key, reference="B")
    assert lines(client, key) == [("FAILED", 3000, "A"), ("CANCELED", 2000, "B")]
    assert client.status(key).payments[0].authorization.refunds[0].reason == "Account closed"
    client.refund(payment_id)  # all 50.00 again
    assert lines(client, key)[-1] == ("NEW", 5000, None)


def test_settle_seconds_zero_books_captured_at_once(client, docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 0
    key = create_order(client, "PM-5", "10.00")
    payment_id = docdata_simulator.settle(key, "authorized").payment_id
    client.capture(payment_id)
    client.refund(payment_id, eur("4.00"))
    totals = client.status(key).totals
    assert (totals.captured, totals.refunded) == (1000, 400)


def test_back_office_events_still_book_captured_at_once(client, docdata_simulator):
    key = create_order(client, "PM-6", "10.00")
    docdata_simulator.authorize(key)
    docdata_simulator.capture(key)
    docdata_simulator.refund(key, Decimal("1.00"))
    totals = client.status(key).totals
    assert (totals.captured, totals.refunded) == (1000, 100)


# --- by age --------------------------------------------------------------------------------


def test_lines_advance_by_age(client, docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 60
    key, payment_id = captured_order(client, docdata_simulator, "PM-7")
    client.refund(payment_id, eur("5.00"))
    assert lines(client, key) == [("NEW", 500, None)]
    age(Refund, 29)
    assert lines(client, key) == [("NEW", 500, None)]
    age(Refund, 1)
    assert lines(client, key) == [("STARTED", 500, None)]
    assert client.status(key).totals.refunded == 0
    age(Refund, 30)
    assert lines(client, key) == [("CAPTURED", 500, None)]
    assert client.status(key).totals.refunded == 500


def test_a_due_capture_counts_before_the_next_request(client, docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 10
    key = create_order(client, "PM-8", "50.00")
    payment_id = docdata_simulator.settle(key, "authorized", "VISA").payment_id
    client.capture(payment_id)
    age(Capture, 10)
    client.refund(payment_id, eur("50.00"))  # the capture became CAPTURED first
    assert lines(client, key, "captures") == [("CAPTURED", 5000, None)]


def test_no_advance_by_age_without_settle_seconds(client, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-9")
    client.refund(payment_id)
    age(Refund, 10 ** 6)
    assert lines(client, key) == [("NEW", 5000, None)]


def test_the_merchant_is_notified_when_a_line_settles_by_age(client, docdata_simulator,
                                                               settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "sync"
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 10
    key, payment_id = captured_order(client, docdata_simulator, "PM-10")
    client.refund(payment_id)
    before = len(docdata_simulator.notifications(key))
    client.status(key)  # nothing due: nothing to tell
    assert len(docdata_simulator.notifications(key)) == before
    age(Refund, 10)
    client.status(key)  # noticed now: CAPTURED, and the merchant hears of it
    assert len(docdata_simulator.notifications(key)) == before + 1
    client.status(key)
    assert len(docdata_simulator.notifications(key)) == before + 1
    assert receiver.calls[-1] == "PM-10"


def test_the_overview_shows_lines_promoted_by_age(client, staff_browser, docdata_simulator,
                                                   settings):
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 10
    key, payment_id = captured_order(client, docdata_simulator, "PM-11")
    client.refund(payment_id, merchant_refund_reference="RF-11")
    page = staff_browser.get(overview_url(docdata_simulator))
    assert "refund NEW 5000 (RF-11)" in page.text
    age(Refund, 10)
    page = staff_browser.get(overview_url(docdata_simulator))
    assert "refund CAPTURED 5000 (RF-11)" in page.text


def test_the_worker_reminds_the_merchant_when_a_line_is_due(client, docdata_simulator,
                                                            settings):
    settings.DOCDATA_SIMULATOR_SETTLE_SECONDS = 30
    key, payment_id = captured_order(client, docdata_simulator, "PM-18")
    settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    client.refund(payment_id)
    later = [job for _due, _n, job in notifications.worker._queue if job.later]
    assert [job.reference for job in later] == ["PM-18"]
    assert notifications.wait_until_idle(5)  # a reminder due later is not waited for


# --- explicit actions ---------------------------------------------------------------------------


def test_settle_pending_notifies_the_merchant(client, docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "sync"
    key, payment_id = captured_order(client, docdata_simulator, "PM-12")
    client.refund(payment_id)
    before = len(docdata_simulator.notifications(key))
    assert "Refund EUR 50.00 of payment" in docdata_simulator.settle_pending(key)
    notes = docdata_simulator.notifications(key)
    assert len(notes) == before + 1 and notes[-1].delivered


def test_nothing_pending_is_an_error(client, docdata_simulator):
    key, _payment_id = captured_order(client, docdata_simulator, "PM-13")
    with pytest.raises(engine.SimulationError, match="No capture or refund of this order"):
        docdata_simulator.settle_pending(key)
    with pytest.raises(engine.SimulationError, match="has the reference NOPE"):
        docdata_simulator.cancel_pending(key, "NOPE")


def test_the_command_settles_fails_and_cancels(client, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-14")
    for reference in ("A", "B", "C"):
        client.refund(payment_id, eur("10.00"), merchant_refund_reference=reference)
    assert "is now CAPTURED" in simulate(key, "settle-pending", "--reference", "A")
    assert "is now FAILED" in simulate(key, "fail-pending", "--reference", "B",
                                       "--reason", "Refused by the bank")
    assert "is now CANCELED" in simulate(key, "cancel-pending")
    assert lines(client, key) == [("CAPTURED", 1000, "A"), ("FAILED", 1000, "B"),
                                  ("CANCELED", 1000, "C")]
    with pytest.raises(CommandError, match="No capture or refund of this order is pending"):
        simulate(key, "settle-pending")


def test_the_overview_settles_pending_lines(client, staff_browser, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-15")
    client.refund(payment_id, eur("5.00"), merchant_refund_reference="OV")
    client.refund(payment_id, eur("6.00"), merchant_refund_reference="OTHER")
    page = staff_browser.get(overview_url(docdata_simulator))
    answer = staff_browser.submit(page, {"action": "settle-pending", "reference": "OV"},
                                  order_form(page, key))
    assert answer.status_code == 302
    done = staff_browser.get(urljoin(page.url, answer.headers["Location"]))
    assert "Refund EUR 5.00 of payment" in done.text and "is now CAPTURED" in done.text
    assert lines(client, key) == [("CAPTURED", 500, "OV"), ("NEW", 600, "OTHER")]
    answer = staff_browser.submit(done, {"action": "fail-pending"}, order_form(done, key))
    assert answer.status_code == 302
    assert lines(client, key)[1][0] == "FAILED"


def test_the_overview_actions_need_staff(client, browser, docdata_simulator):
    key, payment_id = captured_order(client, docdata_simulator, "PM-16")
    client.refund(payment_id)
    page = browser.get(overview_url(docdata_simulator))
    assert page.status_code in (302, 403)
    answer = browser.session.post(overview_url(docdata_simulator),
                                  data={"order_key": key, "action": "settle-pending"},
                                  allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 403)
    assert lines(client, key) == [("NEW", 5000, None)]


# --- references on the wire -------------------------------------------------------------------


def test_references_are_reported_and_may_repeat(client, docdata_simulator):
    key = create_order(client, "PM-17", "50.00")
    payment_id = docdata_simulator.settle(key, "authorized", "VISA").payment_id
    for _ in range(2):
        body = wire.request("captureRequest", f"<d:paymentId>{payment_id}</d:paymentId>"
                            "<d:merchantCaptureReference>SAME</d:merchantCaptureReference>"
                            '<d:amount currency="EUR">1000</d:amount>')
        assert wire.find(wire.reply(wire.post(docdata_simulator.base_url, body)),
                         "captureSuccess") is not None
    docdata_simulator.settle_pending(key, "SAME")
    client.refund(payment_id, eur("3.00"), merchant_refund_reference="RF-17")
    body = wire.request("statusRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>")
    report = wire.reply(wire.post(docdata_simulator.base_url, body))  # valid against the XSD
    authorization = wire.find(report, "statusSuccess/report/payment/authorization")
    capture = wire.find(authorization, "capture")
    assert [child.tag.split("}")[1] for child in capture] == [
        "merchantCaptureId", "status", "amount"]
    assert [(c.status, c.amount, c.reference) for c in
            client.status(key).payments[0].authorization.captures] == [
        ("CAPTURED", 1000, "SAME"), ("CAPTURED", 1000, "SAME")]
    refund = wire.find(authorization, "refund")
    assert (wire.find(refund, "merchantRefundId").text, wire.find(refund, "status").text) == (
        "RF-17", "NEW")
