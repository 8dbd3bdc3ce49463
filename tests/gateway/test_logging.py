"""No log record of any logger, at any level, contains a secret.

DEBUG is switched on for the root logger and every logger that exists; every record
(message, arguments' repr, extras, exception text) is captured while every operation
runs through its success and failure paths, over real HTTP and in-process.
"""

from __future__ import annotations

import logging
import re
import traceback
from decimal import Decimal

import pytest
import requests

from oscar_docdata.exceptions import DocdataError
from oscar_docdata.gateway import (
    CardPayment,
    DocdataClient,
    IdealAuthorizationResult,
    IdealPayment,
    RefundBankAccount,
    SepaDirectDebitPayment,
    ShopperInfo,
    ThreeDSecureResult,
    transport,
)
from oscar_docdata.testing import replies as r
from oscar_docdata.testing.canned import canned_docdata

from .conftest import ORDER_KEY, PASSWORD, eur

VISA = "4111111111111111"
MASTERCARD = "5100000000000008"
CVC = "7391"
IBAN = "NL91ABNA0417164300"
REFUND_IBAN = "DE89370400440532013000"
ENCRYPTED = "ENCRYPTED-CARD-DATA-0xDEADBEEF"
SECRETS = (PASSWORD, VISA, MASTERCARD, CVC, IBAN, REFUND_IBAN, ENCRYPTED, "Sub-Acc0unt-pw")

_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 1, "x", (), None))) | {
    "message", "asctime"}


class Trap(logging.Handler):
    """Keeps the text of every record: message, args, extras and exception."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.texts: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        parts = [str(record.msg), record.getMessage(), repr(record.args)]
        parts += [repr(value) for key, value in vars(record).items() if key not in _STANDARD]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        if record.stack_info:
            parts.append(record.stack_info)
        self.texts.append((record.name, "\n".join(parts)))


@pytest.fixture
def trap(monkeypatch):
    """DEBUG everywhere, every record captured; the WSDL is loaded again under it."""
    monkeypatch.setattr(transport, "_zeep_client", None)
    monkeypatch.setattr(transport, "_services", {})
    handler = Trap()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)]
    for name in ("zeep", "zeep.transports", "zeep.xsd.schema", "urllib3",
                 "urllib3.connectionpool", "requests", "oscar_docdata.gateway.soap"):
        loggers.append(logging.getLogger(name))
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.removeHandler(handler)


def echo(text: str, operation: str = "") -> str:
    """A service text echoing secrets: card numbers and IBANs (found by their checksums)
    whatever was sent, and the security code when the request carried one."""
    cvc = f" cvc {CVC}" if operation == "start" else ""
    return f"{text}: card {VISA} / {MASTERCARD}{cvc} iban {IBAN} pw {PASSWORD}"


def run_everything(client: DocdataClient, docdata, shopper, bill_to, invoice) -> list:
    """Every operation, once succeeding and once with each kind of failure."""
    visa = CardPayment("VISA", card_holder_name="J. Jansen", card_number=VISA,
                       expiry_month=12, expiry_year=2031, security_code=CVC)
    calls = {
        "create": lambda: client.create("1001", eur("12.10"), shopper, bill_to,
                                        invoice=invoice),
        "start": lambda: client.start(
            ORDER_KEY, visa, shopper_info=ShopperInfo("192.0.2.1", "text/html", "Mozilla"),
            return_url="https://shop.example/return"),
        "proceed": lambda: client.proceed(1234567890, ThreeDSecureResult("md", "pares")),
        "cancel": lambda: client.cancel(ORDER_KEY),
        "capture": lambda: client.capture(1234567890, eur("1.00")),
        "refund": lambda: client.refund(1234567890, eur("1.00"), refund_bank_account=(
            RefundBankAccount("J. Jansen", "Berlin", "DE", REFUND_IBAN))),
        "status": lambda: client.status(ORDER_KEY),
        "statusExtended": lambda: client.status_extended(ORDER_KEY),
        "listPaymentMethods": lambda: client.list_payment_methods(ORDER_KEY),
    }
    extra_starts = [
        lambda: client.start(ORDER_KEY, CardPayment(
            "MASTERCARD", card_holder_name="J", card_number=MASTERCARD, expiry_month=1,
            expiry_year=30, security_code=CVC)),
        lambda: client.start(ORDER_KEY, CardPayment("VISA", encrypted_data=ENCRYPTED)),
        lambda: client.start(ORDER_KEY, SepaDirectDebitPayment(iban=IBAN, holder_name="J")),
        lambda: client.start(ORDER_KEY, IdealPayment("INGBNL2A")),
        lambda: client.proceed(1234567890, IdealAuthorizationResult()),
    ]
    successes = {
        "create": r.create_reply(ORDER_KEY),
        "start": r.start_reply(1, redirect=("POST", "https://acs.example", {"MD": "m"})),
        "proceed": r.proceed_reply(1),
        "cancel": r.cancel_reply(),
        "capture": r.capture_reply(),
        "refund": r.refund_reply(),
        "status": r.status_reply(registered=1210, payments=[r.payment_xml(1, amount=1210)]),
        "statusExtended": r.status_reply(registered=1210, extended=True, payments=[
            r.payment_xml(1, amount=1210, extended_xml=r.ideal_info_xml(iban=IBAN)),
            r.payment_xml(2, method="SEPA_DIRECT_DEBIT", amount=1210,
                          extended_xml=r.sepa_info_xml(iban=IBAN))]),
        "listPaymentMethods": r.list_payment_methods_reply(["IDEAL"]),
    }
    failures = [
        lambda op: docdata.add(op, r.error_reply(op, [("REQUEST_DATA_INCORRECT",
                                                       echo("XML request does not match", op))])),
        lambda op: docdata.add(op, r.soap_fault(echo("Fault", op)), status=500),
        lambda op: docdata.add(op, f"<html>{echo('Server error', op)}</html>".encode(), status=500,
                               content_type="text/html"),
        lambda op: docdata.add(op, f"<broken>{echo('half', op)}".encode()),
        lambda op: docdata.add(op, b""),
        lambda op: docdata.fail(op, requests.ConnectTimeout(echo("timeout", op))),
        lambda op: docdata.fail(op, requests.ConnectionError(echo("refused", op))),
        lambda op: docdata.fail(op, requests.ConnectionError(echo("reset by peer", op))),
    ]
    errors = []
    for operation, run in calls.items():
        docdata.add(operation, successes[operation])
        run()
        for fail in failures:
            fail(operation)
            try:
                run()
            except DocdataError as error:
                errors.append(error)
            else:
                raise AssertionError(f"{operation} did not fail")
    docdata.set("start", successes["start"])
    docdata.set("proceed", successes["proceed"])
    for run in extra_starts:
        run()
    return errors


#: Object addresses in reprs (zeep logs its types at DEBUG): a four-digit CVC can occur
#: in one by chance ("0x7fbe2f473910" holds "7391").
ADDRESS = re.compile(r"0x[0-9a-f]+")


def assert_clean(texts) -> None:
    for name, text in texts:
        text = ADDRESS.sub("0x…", text)
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked in a record of {name!r}:\n{text}"


def test_no_secret_in_any_log_record_or_error(trap, shopper, bill_to, invoice):
    with canned_docdata() as docdata:
        errors = run_everything(DocdataClient(), docdata, shopper, bill_to, invoice)
    assert len(errors) == 9 * 8
    assert_clean(trap.texts)
    assert_clean(("error", f"{error!s} {error!r} {vars(error)!r}") for error in errors)
    names = {name for name, _ in trap.texts}
    assert {"oscar_docdata", "oscar_docdata.gateway.soap"} <= names
    soap_records = [text for name, text in trap.texts if name == "oscar_docdata.gateway.soap"]
    assert any("cardNumber>***<" in text for text in soap_records)
    assert any('password="***"' in text for text in soap_records)
    assert any("zeep" in name for name in names), "the WSDL load was logged under DEBUG"


def test_no_secret_in_records_over_real_http(trap, local_server, settings, shopper, bill_to):
    settings.DOCDATA_BASE_URL = local_server.base_url
    replies = iter([r.start_reply(1), r.error_reply("start", [("X", echo("refused", "start"))])])

    def handler(request):
        body = next(replies)
        request.send_response(200)
        request.send_header("Content-Type", "text/xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    local_server.handler = handler
    client = DocdataClient()
    card = CardPayment("VISA", card_holder_name="J", card_number=VISA, expiry_month=1,
                       expiry_year=30, security_code=CVC)
    client.start(ORDER_KEY, card)
    with pytest.raises(DocdataError):
        client.start(ORDER_KEY, card)
    assert VISA.encode() in local_server.posts[0], "the card number was sent, not logged"
    assert any(name.startswith("urllib3") for name, _ in trap.texts)
    assert_clean(trap.texts)


def test_events_are_logged_at_info_and_failures_at_warning_or_error(caplog, docdata, client):
    caplog.set_level(logging.DEBUG, logger="oscar_docdata")
    docdata.add("status", r.status_reply(registered=100, payments=[
        r.payment_xml(1, amount=100)]))
    docdata.add("cancel", r.error_reply("cancel"))
    docdata.fail("capture", requests.ReadTimeout())
    client.status(ORDER_KEY)
    with pytest.raises(DocdataError):
        client.cancel(ORDER_KEY)
    with pytest.raises(DocdataError):
        client.capture(1234567890, eur("1.00"))
    events = [(rec.levelname, rec.getMessage()) for rec in caplog.records
              if rec.name == "oscar_docdata"]
    assert events == [
        ("INFO", f"Docdata status for merchant shop_test (order key {ORDER_KEY}): 1 payment(s),"
                 " registered 100, approved 0, captured 0, refunded 0, charged back 0"),
        ("WARNING", f"Docdata cancel for merchant shop_test (order key {ORDER_KEY}) was "
                    "refused: REQUEST_DATA_INCORRECT: Request data incorrect."),
        ("ERROR", "Docdata capture for merchant shop_test (payment 1234567890) failed: "
                  "timed out waiting for the reply after 5 s"),
    ]
    soap = [rec for rec in caplog.records if rec.name == "oscar_docdata.gateway.soap"]
    assert {rec.levelname for rec in soap} == {"DEBUG"}
    assert len(soap) == 5  # request and reply of status and cancel, request of capture


def test_redaction_of_decimal_lookalikes_keeps_ordinary_numbers():
    from oscar_docdata.gateway.redaction import redact_text

    text = f"payment 1234567890 amount {Decimal('12.10')} card {VISA} iban {IBAN}"
    assert redact_text(text) == "payment 1234567890 amount 12.10 card *** iban ***"
