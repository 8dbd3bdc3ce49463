"""The simulator's rules, driven by the plugin's client through the in-process adapter."""

from datetime import date
from decimal import Decimal

import pytest

from oscar_docdata.exceptions import (
    DocdataCaptureError,
    DocdataCreateError,
    DocdataRefundError,
    DocdataStartError,
)
from oscar_docdata.gateway import (
    Amount,
    BankTransferPayment,
    IdealPayment,
    SepaDirectDebitPayment,
)
from oscar_docdata.simulator import engine

from .factories import create_order

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")


def eur(value: str) -> Amount:
    return Amount(Decimal(value), "EUR")


def authorized_payment(client, sim, reference, amount="50.00") -> tuple[str, int]:
    key = create_order(client, reference, amount)
    attempt = sim.settle(key, "authorized", "VISA")
    return key, attempt.payment_id


# --- cancel ------------------------------------------------------------------------------


def test_cancel_without_payments_then_again(client):
    key = create_order(client, "C-1")
    assert client.cancel(key).result == "NO_PAYMENTS"
    assert client.cancel(key).result == "ALREADY_CANCELED"
    with pytest.raises(DocdataStartError, match="cancelled"):
        client.start(key, IdealPayment("INGBNL2A"))


def test_cancel_of_an_authorized_payment_succeeds(client, docdata_simulator):
    key, payment_id = authorized_payment(client, docdata_simulator, "C-2")
    assert client.cancel(key).result == "SUCCESS"
    [line] = client.status(key).payments
    assert (line.payment_id, line.authorization.status) == (payment_id, "CANCELED")
    assert client.status(key).totals.acquirer_approved == 0


def test_cancel_of_a_captured_payment_fails_and_changes_nothing(client, docdata_simulator):
    key = create_order(client, "C-3")
    docdata_simulator.settle(key, "paid")
    before = client.status(key)
    assert client.cancel(key).result == "FAILED"
    after = client.status(key)
    assert after.payments == before.payments and after.totals == before.totals
    assert docdata_simulator.order(key).cancelled is False


@pytest.mark.parametrize("payment", [IdealPayment("INGBNL2A"),
                                     BankTransferPayment("jan@example.com")],
                         ids=["redirected", "bank-transfer"])
def test_cancel_while_a_payment_is_in_progress_is_pending(client, payment):
    key = create_order(client, "C-4")
    client.start(key, payment, return_url="https://shop.example/back/")
    assert client.cancel(key).result == "PENDING"
    [line] = client.status(key).payments
    assert line.authorization.status == "CANCEL_REQUESTED"
    assert client.cancel(key).result == "ALREADY_CANCELED"


def test_cancel_with_finished_attempts_only_succeeds(client, docdata_simulator):
    key = create_order(client, "C-5")
    docdata_simulator.settle(key, "failed")
    docdata_simulator.settle(key, "cancelled")
    assert client.cancel(key).result == "SUCCESS"
    assert [p.authorization.status for p in client.status(key).payments] == [
        "AUTHORIZATION_FAILED", "CANCELED"]


# --- capture and refund ------------------------------------------------------------------


def test_capture_needs_an_authorization(client):
    key = create_order(client, "K-1")
    started = client.start(key, IdealPayment("INGBNL2A"))
    with pytest.raises(DocdataCaptureError, match="not authorized"):
        client.capture(started.payment_id)


def test_capture_limits_and_the_default_rest(client, docdata_simulator):
    key, payment_id = authorized_payment(client, docdata_simulator, "K-2", "50.00")
    with pytest.raises(DocdataCaptureError, match="only EUR 50.00 is left"):
        client.capture(payment_id, eur("50.01"))
    client.capture(payment_id, eur("20.00"))
    client.capture(payment_id)  # the rest: 30.00
    with pytest.raises(DocdataCaptureError, match="nothing left"):
        client.capture(payment_id, eur("0.01"))  # the pending captures count already
    docdata_simulator.settle_pending(key)
    captures = client.status(key).payments[0].authorization.captures
    assert [(c.status, c.amount) for c in captures] == [("CAPTURED", 2000), ("CAPTURED", 3000)]


def test_capture_in_another_currency_is_refused(client, docdata_simulator):
    _key, payment_id = authorized_payment(client, docdata_simulator, "K-3")
    with pytest.raises(DocdataCaptureError, match="EUR"):
        client.capture(payment_id, Amount(Decimal("10.00"), "USD"))


def test_refund_needs_a_capture(client, docdata_simulator):
    _key, payment_id = authorized_payment(client, docdata_simulator, "R-1")
    with pytest.raises(DocdataRefundError, match="no capture"):
        client.refund(payment_id, eur("1.00"))


def test_several_partial_refunds_never_more_than_captured(client, docdata_simulator):
    key, payment_id = authorized_payment(client, docdata_simulator, "R-2", "50.00")
    client.capture(payment_id, eur("40.00"))
    docdata_simulator.settle_pending(key)
    with pytest.raises(DocdataRefundError, match="only EUR 40.00"):
        client.refund(payment_id, eur("40.01"))
    client.refund(payment_id, eur("15.00"))
    client.refund(payment_id, eur("5.00"))
    with pytest.raises(DocdataRefundError, match="only EUR 20.00"):
        client.refund(payment_id, eur("20.01"))
    client.refund(payment_id)  # the rest
    with pytest.raises(DocdataRefundError, match="in full"):
        client.refund(payment_id, eur("0.01"))
    docdata_simulator.settle_pending(key)
    totals = client.status(key).totals
    assert (totals.captured, totals.refunded) == (4000, 4000)


def test_a_refused_operation_writes_nothing(client, docdata_simulator):
    key, payment_id = authorized_payment(client, docdata_simulator, "R-3")
    before = client.status(key)
    with pytest.raises(DocdataRefundError):
        client.refund(payment_id, eur("1.00"))
    assert client.status(key).payments == before.payments


# --- totals ------------------------------------------------------------------------------


def test_totals_of_several_attempts(client, docdata_simulator):
    key = create_order(client, "T-1", "100.00")
    sim = docdata_simulator
    sim.settle(key, "failed")                                     # counts nothing
    sim.settle(key, "cancelled", "VISA")                          # counts nothing
    sim.settle(key, "pending", "BANK_TRANSFER", Decimal("10.00"))  # shopper pending
    client.start(key, SepaDirectDebitPayment(iban="NL91ABNA0417164300", holder_name="J"),
                 payment_amount=eur("20.00"))                     # acquirer pending
    paid = sim.settle(key, "paid", "IDEAL", Decimal("70.00"))      # approved + captured
    client.refund(paid.payment_id, eur("5.00"))
    sim.settle_pending(key)
    sim.chargeback(key, Decimal("2.50"))
    report = client.status(key)
    totals = report.totals
    assert (totals.registered, totals.shopper_pending, totals.acquirer_pending,
            totals.acquirer_approved, totals.captured, totals.refunded, totals.charged_back,
            totals.reversed) == (10000, 1000, 2000, 7000, 7000, 500, 250, 0)
    assert totals.exchanged_to is None
    assert [p.authorization.status for p in report.payments] == [
        "AUTHORIZATION_FAILED", "CANCELED", "AUTHORIZATION_REQUESTED", "AUTHORIZED",
        "AUTHORIZED"]
    assert report.considered_safe.value is False


def test_considered_safe_when_captured_covers_the_order(client, docdata_simulator):
    key = create_order(client, "T-2", "10.00")
    docdata_simulator.settle(key, "paid")
    safe = client.status(key).considered_safe
    assert (safe.value, safe.level, safe.reason) == (True, "SAFE", "EXACT_MATCH")


def test_a_payment_in_another_currency_is_converted(client, docdata_simulator):
    key = create_order(client, "T-3", "100.00")
    started = client.start(key, SepaDirectDebitPayment(iban="NL91ABNA0417164300"),
                           payment_amount=Amount(Decimal("50.00"), "USD"))
    client.capture(started.payment_id, Amount(Decimal("50.00"), "USD"))
    docdata_simulator.settle_pending(key)
    report = client.status(key)
    totals = report.totals
    # USD 50.00 at the simulated rate 0.92 EUR per USD: EUR 46.00
    assert (totals.exchanged_to, totals.acquirer_pending, totals.captured) == ("EUR", 4600, 4600)
    assert totals.exchange_rate_date == f"{date.today():%Y-%m-%d} 00:00:00"
    [line] = report.payments
    assert (line.authorization.amount, line.authorization.currency) == (5000, "USD")


def test_payment_ids_grow_and_sort_numerically(client, docdata_simulator):
    key = create_order(client, "T-4", "30.00")
    engine.set_next_payment_id(9)
    for _ in range(2):
        docdata_simulator.settle(key, "failed")
    engine.set_next_payment_id(100)
    docdata_simulator.settle(key, "paid")
    assert [p.payment_id for p in client.status(key).payments] == [9, 10, 100]
    other = create_order(client, "T-5")
    assert docdata_simulator.settle(other, "failed").payment_id == 101


def test_keys_are_32_upper_case_hex_characters(client):
    keys = {create_order(client, f"KEY-{n}") for n in range(5)}
    assert len(keys) == 5
    assert all(len(key) == 32 and key == key.upper() and int(key, 16) >= 0 for key in keys)


# --- profiles, methods, statusExtended -----------------------------------------------------


def test_list_payment_methods_follows_the_profile(client, settings):
    settings.DOCDATA_SIMULATOR_PROFILES = {"cards": ["VISA", "MASTERCARD"]}
    key = create_order(client, "P-1", profile="cards")
    assert [m.name for m in client.list_payment_methods(key)] == ["VISA", "MASTERCARD"]
    with pytest.raises(DocdataStartError, match="not in profile"):
        client.start(key, IdealPayment("INGBNL2A"))
    with pytest.raises(DocdataCreateError, match="Unknown payment profile"):
        create_order(client, "P-2", profile="nonexistent")


def test_sepa_mandates_of_the_shopper_are_listed(client):
    first = create_order(client, "M-1")
    client.start(first, SepaDirectDebitPayment(iban="NL91ABNA0417164300", bic="ABNANL2A",
                                               holder_name="Jan Jansen"))
    second = create_order(client, "M-2")
    [sepa] = [m for m in client.list_payment_methods(second) if m.name == "SEPA_DIRECT_DEBIT"]
    [mandate] = sepa.mandates
    assert (mandate.scheme, mandate.state) == ("CORE", "ACTIVE")
    started = client.start(second, SepaDirectDebitPayment(mandate_number=mandate.id))
    assert started.status == "AUTHORIZED"
    with pytest.raises(DocdataStartError, match="Unknown mandate"):
        client.start(create_order(client, "M-3"),
                     SepaDirectDebitPayment(mandate_number="NOT-A-MANDATE"))


def test_status_extended_details_per_method(client, docdata_simulator):
    key = create_order(client, "E-1", "40.00")
    docdata_simulator.settle(key, "paid", "IDEAL", Decimal("10.00"), issuer="ABNANL2A")
    docdata_simulator.settle(key, "authorized", "MASTERCARD", Decimal("10.00"))
    client.start(key, SepaDirectDebitPayment(iban="NL91ABNA0417164300", bic="ABNANL2A"),
                 payment_amount=eur("10.00"))
    client.start(key, BankTransferPayment("jan@example.com"), payment_amount=eur("10.00"))
    lines = client.status_extended(key).payments
    infos = {line.payment_method: line.extended for line in lines}
    assert infos["IDEAL"].method_info == "iDealPaymentInfo"
    assert infos["IDEAL"].details["issuerId"] == "ABNANL2A"
    assert infos["IDEAL"].details["shopperBankAccount"]["iban"].startswith("NL")
    assert infos["MASTERCARD"].method_info == "masterCardPaymentInfo"
    assert infos["MASTERCARD"].details["panLast4"] == "0008"
    assert infos["SEPA_DIRECT_DEBIT"].details["iban"] == "NL91ABNA0417164300"
    assert infos["SEPA_DIRECT_DEBIT"].details["mandateNumber"].startswith("SIM-MANDATE-")
    assert infos["BANK_TRANSFER"].method_info == "bankTransferPaymentInfo"
    assert all(line.extended.risk_score == 0 for line in lines)
    assert all(line.extended is None for line in client.status(key).payments)


def test_an_invoice_that_does_not_add_up_is_refused(client):
    from .factories import invoice
    with pytest.raises(DocdataCreateError, match="add up"):
        create_order(client, "I-1", "10.00", invoice=invoice(Decimal("9.00")))


def test_settling_in_another_currency_converts_what_is_left(client, docdata_simulator):
    key = create_order(client, "T-6", "46.00")
    attempt = docdata_simulator.settle(key, "paid", "VISA", currency="USD")
    assert (attempt.amount, attempt.currency) == (5000, "USD")
    totals = client.status(key).totals
    assert (totals.captured, totals.exchanged_to) == (4600, "EUR")
    with pytest.raises(engine.SimulationError, match="XTS"):
        docdata_simulator.settle(create_order(client, "T-7"), "paid", currency="XTS")
