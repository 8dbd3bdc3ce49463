"""docdata_simulate ORDER_KEY ACTION [--amount A] [--method M]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oscar_docdata.gateway import DocdataClient, IdealPayment

from .factories import create_order
from .receiver_urls import receiver

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")


def simulate(*args) -> str:
    out = StringIO()
    call_command("docdata_simulate", *args, stdout=out)
    return out.getvalue()


def test_pay_refund_chargeback(client):
    key = create_order(client, "CMD-1", "20.00")
    assert "authorized and captured: EUR 20.00" in simulate(key, "pay", "--method", "VISA")
    assert "Refunded EUR 5.00" in simulate(key.lower(), "refund", "--amount", "5")
    assert "Charged back EUR 15.00" in simulate(key, "chargeback")
    totals = client.status(key).totals
    assert (totals.captured, totals.refunded, totals.charged_back) == (2000, 500, 1500)
    assert client.status(key).payments[0].payment_method == "VISA"


def test_authorize_then_partial_captures(client):
    key = create_order(client, "CMD-2", "20.00")
    assert "authorized: EUR 20.00" in simulate(key, "authorize")
    assert "Captured EUR 12.50" in simulate(key, "capture", "--amount", "12.50")
    assert "Captured EUR 7.50" in simulate(key, "capture")
    with pytest.raises(CommandError, match="anything left to capture"):
        simulate(key, "capture")


def test_pay_completes_a_pending_bank_transfer(client, docdata_simulator):
    key = create_order(client, "CMD-3")
    docdata_simulator.settle(key, "pending")
    simulate(key, "pay")
    [line] = client.status(key).payments
    assert (line.payment_method, line.authorization.status) == ("BANK_TRANSFER", "AUTHORIZED")


def test_cancel_expire_fail_reverse(client):
    started_key = create_order(client, "CMD-4")
    started = client.start(started_key, IdealPayment("INGBNL2A"))
    assert str(started.payment_id) in simulate(started_key, "cancel")
    assert client.status(started_key).payments[0].authorization.status == "CANCELED"

    expiring = create_order(client, "CMD-5")
    assert "expired" in simulate(expiring, "expire")
    with pytest.raises(CommandError, match="expired"):
        simulate(expiring, "pay")

    failing = create_order(client, "CMD-6")
    assert "(MASTERCARD) failed" in simulate(failing, "fail", "--method", "mastercard")

    reversing = create_order(client, "CMD-7")
    simulate(reversing, "authorize")
    assert "Reversed EUR 12.34" in simulate(reversing, "reverse")
    assert client.status(reversing).totals.reversed == 1234


@pytest.mark.parametrize("args,message", [
    (["0" * 32, "pay"], "Unknown order key"),
    (["KEY", "pay", "--amount", "abc"], "not an amount"),
    (["KEY", "pay", "--amount", "-1"], "positive"),
    (["KEY", "refund"], "no payment has a captured amount"),
    (["KEY", "pay", "--method", "DOGECOIN"], "not in profile"),
])
def test_clear_errors(client, args, message):
    key = create_order(client, "CMD-ERR")
    args = [key if arg == "KEY" else arg for arg in args]
    with pytest.raises(CommandError, match=f"(?i){message}"):
        simulate(*args)


def test_an_unknown_action_is_refused(client):
    with pytest.raises(CommandError, match="invalid choice"):
        simulate("0" * 32, "explode")


def test_too_much_is_refused_and_nothing_changes(client):
    key = create_order(client, "CMD-8", "10.00")
    simulate(key, "pay")
    with pytest.raises(CommandError, match="only EUR 10.00"):
        simulate(key, "refund", "--amount", "10.01")
    assert client.status(key).totals.refunded == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_reports_the_notification(docdata_simulator, settings):
    settings.DOCDATA_SIMULATOR_NOTIFY = "thread"
    receiver.reset([502])
    key = create_order(DocdataClient(), "CMD-9")
    output = simulate(key, "pay", "--wait", "10")
    assert "Notification #1 http://docdata-simulator.test/shop/update_order/?order_id=CMD-9: " \
           "HTTP 502" in output
    assert "Notification #2" in output and output.rstrip().endswith("HTTP 200")
