"""Card data, IBANs and merchant passwords stay out of error reports and reprs.

Django's error reports (the HTML e-mailed by ``AdminEmailHandler(include_html=True)``,
error trackers that capture frame locals) show every frame's local variables; the
``sensitive_variables`` decorators on the gateway and interface hide the secret ones,
and the input values' reprs mask what they hold.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.test import RequestFactory, override_settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from oscar_docdata.gateway import Address, Amount, Destination, DocdataClient, Name, Shopper
from oscar_docdata.gateway.legacy import AmexPayment, DirectDebitPayment, MasterCardPayment
from oscar_docdata.gateway.values import (
    CardPayment,
    RefundBankAccount,
    SepaDirectDebitPayment,
    ThreeDSecureResult,
)
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies
from oscar_docdata.testing.fixtures import docdata_simulator  # noqa: F401 - a fixture

from .conftest import payment

pytestmark = pytest.mark.django_db

# Module constants, not locals: the test's own frames must not hold the secrets.
CARD = "4111111111111111"
AMEX = "378282246310005"
CVC = "9731"
IBAN = "NL91ABNA0417164300"
SPACED_IBAN = "NL91 ABNA 0417 1643 00"
ENCRYPTED = "ENCRYPTED-CARD-BLOB-8c1f"
PARES = "PARES-SIGNED-BLOB-77e2"
MD = "MD-SESSION-5d1a"
PASSWORDS = ("Sup3r-Secret-pw", "Sub-Acc0unt-pw")  # tests/settings.py
SUBJECT_TOKEN = "tea-C0rner-token-7f3a"  # noqa: S105 - a subject merchant's token


def _card() -> CardPayment:
    return CardPayment("VISA", "J. Jansen", CARD, 12, 31, CVC)


def _bank_account() -> RefundBankAccount:
    return RefundBankAccount("J. Jansen", "Amsterdam", "NL", IBAN, "ABNANL2A")


def _error_report(call: Callable[[], Any]) -> tuple[str, str]:
    """Django's HTML and plain-text error reports of what ``call`` raises."""
    request = RequestFactory().get("/checkout/pay/")
    try:
        call()
    except Exception:
        exc_type, exc_value, tb = sys.exc_info()
    else:
        pytest.fail("the call did not fail")
    reporter = ExceptionReporter(request, exc_type, exc_value, tb)
    return reporter.get_traceback_html(), reporter.get_traceback_text()


def _leaked(text: str) -> list[str]:
    """The secrets found in ``text``."""
    found = [secret for secret in (CARD, AMEX, IBAN, SPACED_IBAN, ENCRYPTED, PARES, MD,
                                   *PASSWORDS) if secret in text]
    if re.search(rf"\b{CVC}\b", text):  # not inside a hex address or a longer number
        found.append(CVC)
    return found


def _assert_clean(html: str, text: str, *expected: str) -> None:
    assert _leaked(html) == []
    assert _leaked(text) == []
    for name in expected:  # a real report: the frames and variables that matter are in it
        assert name in html


@pytest.fixture
def paid_order(docdata: Any, make_order: Callable[..., DocdataOrder]) -> DocdataOrder:
    order = make_order(amount="10.00")
    docdata.set("status", replies.status_reply(
        registered=1000, captured=1000,
        payments=[payment(31, amount=1000, captures=[("CAPTURED", 1000)])]))
    Interface().update_order(order)
    return order


# What the failing call meets: an HTTP 500 reply, a refused connection, or an error
# raised deep in the transport (every zeep and requests frame is in that traceback).
FAILURES = {
    "http_500": lambda docdata, operation: docdata.add(operation, b"<html>down</html>", 500),
    "refused": lambda docdata, operation: docdata.fail(
        operation, requests.ConnectionError("connection refused")),
    "raised in the transport": lambda docdata, operation: docdata.fail(
        operation, RuntimeError("the adapter broke")),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_card_start_shows_no_card_data_or_password(docdata, make_order, failure):
    order = make_order()
    FAILURES[failure](docdata, "start")
    html, text = _error_report(
        lambda: Interface().start_payment(order, _card(), payment_method="VISA"))
    _assert_clean(html, text, "start_payment", "full_payload")


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_refund_shows_no_iban_or_password(docdata, paid_order, failure):
    FAILURES[failure](docdata, "refund")
    html, text = _error_report(lambda: Interface().refund(
        paid_order, Decimal("1.00"), refund_bank_account=_bank_account()))
    _assert_clean(html, text, "_move_money", "refund_bank_account", "full_payload")


def test_a_card_start_the_simulator_answers_with_http_500(docdata_simulator):  # noqa: F811
    client = DocdataClient()
    name = Name(first="Jan", last="Jansen")
    address = Address("Dorpsstraat", "1", None, "1234 AB", "Amsterdam", None, "NL")
    key = client.create(
        "SECRETS-1", Amount(Decimal("10.00"), "EUR"),
        Shopper(id="42", name=name, email="jan@example.com", language="nl"),
        Destination(name=name, address=address)).order_key
    docdata_simulator.inject_fault("start", "http_500")
    html, text = _error_report(lambda: client.start(key, _card()))
    _assert_clean(html, text, "_call", "full_payload")


def test_a_failing_sub_account_start_shows_no_password(docdata, make_order):
    order = make_order(merchant="shop_sub")
    docdata.fail("start", RuntimeError("the adapter broke"))
    html, text = _error_report(lambda: Interface().start_payment(
        order, AmexPayment(AMEX, "12/31", CVC, "J. Jansen")))
    _assert_clean(html, text, "start_payment")


def test_failing_client_calls_show_no_secrets(docdata):
    """The client used directly: SEPA start, encrypted card data, 3-D Secure proceed."""
    docdata.fail("start", RuntimeError("the adapter broke"), repeat=True)
    docdata.fail("proceed", RuntimeError("the adapter broke"))
    client = DocdataClient()
    for call in (
        lambda: client.start("A" * 32, SepaDirectDebitPayment(SPACED_IBAN, "ABNANL2A", "J")),
        lambda: client.start("A" * 32, CardPayment("VISA", encrypted_data=ENCRYPTED)),
        lambda: client.start("A" * 32, DirectDebitPayment("J", "A", "NL", None, IBAN)),
        lambda: client.proceed(1234567890, ThreeDSecureResult(MD, PARES)),
    ):
        _assert_clean(*_error_report(call), "_call", "full_payload")


def test_a_refused_card_number_shows_no_card_data(docdata, make_order):
    """A validation error raised while building the request (no call is made)."""
    order = make_order()
    html, text = _error_report(lambda: Interface().start_payment(
        order, CardPayment("VISA", "J. Jansen", CARD + "0000", 12, 31, CVC)))
    _assert_clean(html, text, "_card_input", "cardNumber")
    assert docdata.requests == []


@override_settings(DEBUG=True)
def test_django_shows_every_variable_with_debug_on(docdata, make_order):
    """Django filters frame variables only with DEBUG off: this proves the reports above
    would show the secrets without the filter (the masked reprs still hold with DEBUG
    on, but the raw request payload does not)."""
    order = make_order()
    docdata.fail("start", RuntimeError("the adapter broke"))
    html, _text = _error_report(lambda: Interface().start_payment(order, _card()))
    assert CARD in html and PASSWORDS[0] in html


# --- reprs ------------------------------------------------------------------------------

SECRET_VALUES = [
    CardPayment("VISA", "J. Jansen", CARD, 12, 31, CVC),
    CardPayment("VISA", "J. Jansen", encrypted_data=ENCRYPTED),
    AmexPayment(AMEX, "12/31", CVC, "J. Jansen", "jan@example.com"),
    MasterCardPayment(CARD, "12/31", CVC, "J. Jansen", None),
    SepaDirectDebitPayment(IBAN, "ABNANL2A", "J. Jansen"),
    SepaDirectDebitPayment(SPACED_IBAN, "ABNANL2A", "J. Jansen"),
    DirectDebitPayment("J. Jansen", "Amsterdam", "NL", "ABNANL2A", IBAN),
    RefundBankAccount("J. Jansen", "Amsterdam", "NL", IBAN, "ABNANL2A"),
    ThreeDSecureResult(MD, PARES),
]


@pytest.mark.parametrize("value", SECRET_VALUES, ids=lambda value: type(value).__name__)
def test_reprs_show_no_secrets(value):
    for text in (repr(value), str(value), repr([value]), f"{value!r}"):
        assert _leaked(text) == []
        assert CARD[-8:] not in text and IBAN[4:-4] not in text


def test_reprs_keep_what_helps():
    assert "card='****1111'" in repr(SECRET_VALUES[0])
    assert "encrypted_data_given='***'" in repr(SECRET_VALUES[1])
    assert "card='****0005'" in repr(SECRET_VALUES[2])
    assert "iban='NL****4300'" in repr(SECRET_VALUES[4])
    assert "iban='NL****4300'" in repr(SECRET_VALUES[5])
    assert "iban='NL****4300'" in repr(SECRET_VALUES[7])
    assert "J. Jansen" in repr(SECRET_VALUES[0]) and "ABNANL2A" in repr(SECRET_VALUES[4])


def test_client_and_interface_reprs_show_no_password():
    for value in (DocdataClient(), DocdataClient.for_merchant("shop_sub"), Interface(),
                  Interface.for_merchant("shop_sub"),
                  Interface(merchant_name="shop_sub", merchant_password=PASSWORDS[1])):
        assert _leaked(repr(value)) == [] and _leaked(str(value)) == []
        assert "shop_" in repr(value)


def test_a_failing_subject_merchant_call_shows_no_token(docdata, make_order, settings):
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": SUBJECT_TOKEN}
    order = make_order(subject_merchant_name="tea_corner")
    docdata.fail("status", RuntimeError("the adapter broke"))
    html, text = _error_report(lambda: Interface().update_order(order))
    _assert_clean(html, text, "update_order", "tea_corner")
    assert SUBJECT_TOKEN not in html
    assert SUBJECT_TOKEN not in text
    # The setting's name says TOKEN, so Django's reports mask it like the passwords.
    assert "DOCDATA_SUBJECT_MERCHANT_TOKENS" in html
    assert SafeExceptionReporterFilter().get_safe_settings()[
        "DOCDATA_SUBJECT_MERCHANT_TOKENS"] == SafeExceptionReporterFilter.cleansed_substitute
