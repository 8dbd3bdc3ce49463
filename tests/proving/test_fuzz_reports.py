"""Fuzzing the status-report handling through the notification view (hypothesis).

Reports are built with ``oscar_docdata.testing.replies`` from generated values (any
number of payment lines, known and unknown statuses, every total in ``xs:int`` range,
negative ones included) and then mutated: required elements dropped, numbers that are
no numbers or out of range, huge or non-positive payment ids, over-long texts, a
payment reported twice, truncated or foreign documents, an ``…Errors`` reply; or
extended harmlessly (unknown elements in the extension points, the elements older
services leave out).

The canned adapter serves each reply in-process to the real view. Never a 500 nor an
unhandled exception: a usable report is applied (200, the stored totals and payment
lines are the report's), an unusable one is refused by the gateway
(DocdataGatewayError or DocdataStatusError, so 503 and Docdata retries) with nothing
written and no signal sent.
"""

from __future__ import annotations

import copy
import string
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.money import from_minor_units
from oscar_docdata.testing import replies

from .support import DOCDATA_MODELS, next_number, order_key, snapshot

pytestmark = pytest.mark.django_db

NOTIFY_URL = "/api/docdata/update_order/"
NS = {"d": replies.TYPES_NS}
OK, UNUSABLE = "ok", "unusable"

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # xs:int: every total and amount
ID_MAX = 2**63 - 1  # the largest payment id a database can hold

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)

# --- generated reports -------------------------------------------------------------------

KNOWN_STATUSES = [
    "NEW", "STARTED", "REDIRECTED_FOR_AUTHENTICATION", "AUTHENTICATED", "RISK_CHECK_OK",
    "AUTHORIZATION_REQUESTED", "AUTHORIZED", "PAID", "CANCELED", "CANCELLED",
    "CANCEL_REQUESTED", "CLOSED_CANCELED", "CLOSED_SUCCESS", "CONFIRMED_PAID",
    "CHARGED-BACK", "CONFIRMED_CHARGEDBACK", "AUTHORIZATION_FAILED", "AUTHORIZATION_ERROR",
    "START_ERROR", "RISK_CHECK_FAILED",
]
NMTOKEN_CHARS = string.ascii_letters + string.digits + "._:-"
# XML-compatible text (no control characters, no lone surrogates).
xml_char = st.characters(exclude_categories=("Cc", "Cs", "Cn"))

int32 = st.integers(INT_MIN, INT_MAX)
small_amount = st.integers(-1_000_000, 1_000_000)
amount = st.one_of(small_amount, int32)
currencies = st.sampled_from(["EUR", "USD", "JPY", "KWD", "GBP"])
statuses = st.one_of(st.sampled_from(KNOWN_STATUSES),
                     st.text(NMTOKEN_CHARS, min_size=1, max_size=35))
methods = st.one_of(
    st.sampled_from(["IDEAL", "VISA", "MASTERCARD", "BANK_TRANSFER", "SEPA_DIRECT_DEBIT"]),
    st.text(xml_char, min_size=1, max_size=50).filter(lambda text: text.strip()),
)
confidences = st.sampled_from(["ACQUIRER_APPROVED", "ACQUIRER_PENDING", "SHOPPER_PENDING",
                               "UNKNOWN_NEW_LEVEL"])
line_statuses = st.sampled_from(["CAPTURED", "NEW", "FAILED", "CHARGED", "CANCELED", "X_NEW"])
amount_lines = st.lists(st.tuples(line_statuses, amount), max_size=2)


@st.composite
def payments(draw: Any, payment_id: int) -> str:
    currency = draw(currencies)
    return replies.payment_xml(
        payment_id,
        method=draw(methods),
        status=draw(statuses),
        amount=draw(amount),
        currency=currency,
        confidence=draw(confidences),
        captures=draw(amount_lines),
        refunds=draw(amount_lines),
        chargebacks=draw(amount_lines),
        reversal=draw(st.none() | st.tuples(small_amount, st.just("Reversed"))),
    )


@st.composite
def reports(draw: Any) -> bytes:
    ids = draw(st.lists(st.integers(1, ID_MAX), max_size=4, unique=True))
    return replies.status_reply(
        registered=draw(amount),
        shopper_pending=draw(amount),
        acquirer_pending=draw(amount),
        acquirer_approved=draw(amount),
        captured=draw(amount),
        refunded=draw(amount),
        charged_back=draw(amount),
        reversed=draw(amount),
        exchanged_to=draw(st.none() | currencies),
        payments=[draw(payments(payment_id)) for payment_id in ids],
        considered_safe=draw(st.none() | st.tuples(st.booleans(), st.just("SAFE"))),
        api_information=draw(st.booleans()),
        total_reversed=draw(st.booleans()),
    )


# --- mutations ---------------------------------------------------------------------------

TOTALS = ["totalRegistered", "totalShopperPending", "totalAcquirerPending",
          "totalAcquirerApproved", "totalCaptured", "totalRefunded", "totalChargedback"]
REQUIRED = [
    *(f"//d:approximateTotals/d:{name}" for name in TOTALS),
    "//d:report/d:approximateTotals", "//d:statusSuccess/d:report",
    "//d:statusResponse/d:statusSuccess", "//d:payment/d:id", "//d:payment/d:paymentMethod",
    "//d:payment/d:authorization", "//d:authorization/d:status", "//d:authorization/d:amount",
    "//d:capture/d:status", "//d:capture/d:amount", "//d:refund/d:status", "//d:refund/d:amount",
    "//d:chargeback/d:status", "//d:reversal/d:amount",
]
OPTIONAL = ["//d:apiInformation", "//d:approximateTotals/d:totalReversed", "//d:consideredSafe",
            "//d:authorization/d:confidenceLevel", "//d:payment/d:extended",
            "//d:statusSuccess/d:success"]
INTEGERS = [*(f"//d:approximateTotals/d:{name}" for name in TOTALS),
            "//d:approximateTotals/d:totalReversed", "//d:authorization/d:amount",
            "//d:capture/d:amount", "//d:refund/d:amount", "//d:chargeback/d:amount"]
EXTENSION_POINTS = ["//d:report", "//d:approximateTotals", "//d:authorization", "//d:payment",
                    "//d:capture"]
TEXTS = {  # element → the longest value stored (schema: string50, string35, NMTOKEN)
    "//d:payment/d:paymentMethod": 50,
    "//d:authorization/d:confidenceLevel": 35,
    "//d:authorization/d:status": 100,
}


def not_an_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return True
    return False


bad_numbers = st.one_of(
    st.sampled_from(["", " ", "abc", "12.5", "1e3", "0x10", "--1", "NaN", "½", "1 000"]),
    st.text(xml_char, max_size=12).filter(not_an_int),
)
out_of_range = st.one_of(st.integers(min_value=INT_MAX + 1, max_value=10**30),
                         st.integers(min_value=-(10**30), max_value=INT_MIN - 1))
bad_ids = st.one_of(st.integers(min_value=ID_MAX + 1, max_value=10**40),
                    st.integers(min_value=-(10**12), max_value=0))
bad_currencies = st.one_of(st.sampled_from(["EURO", "eur", "E1R", "€€€", "EU"]),
                           st.text(string.ascii_uppercase, min_size=4, max_size=10))

mutations = st.one_of(
    st.tuples(st.just("none")),
    st.tuples(st.just("drop"), st.sampled_from(REQUIRED), st.integers(0, 7)),
    st.tuples(st.just("drop optional"), st.sampled_from(OPTIONAL), st.integers(0, 7)),
    st.tuples(st.just("number"), st.sampled_from(INTEGERS), st.integers(0, 7), bad_numbers),
    st.tuples(st.just("number"), st.sampled_from(INTEGERS), st.integers(0, 7), out_of_range),
    st.tuples(st.just("number"), st.sampled_from(INTEGERS), st.integers(0, 7), int32),
    st.tuples(st.just("id"), st.integers(0, 7), bad_ids | bad_numbers),
    st.tuples(st.just("text"), st.sampled_from(sorted(TEXTS)), st.integers(0, 7),
              st.integers(1, 250)),
    st.tuples(st.just("currency"), st.integers(0, 7), bad_currencies),
    st.tuples(st.just("duplicate payment"), st.integers(0, 7)),
    st.tuples(st.just("extension"), st.sampled_from(EXTENSION_POINTS), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("replace"), st.sampled_from([
        b"", b"   ", b"<html><body>Service unavailable</body></html>", b"\x00\xff\xfe",
        replies.error_reply("status"), replies.cancel_reply(), replies.soap_fault(),
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
    ]) | st.binary(max_size=64)),
)


def _pick(tree: etree._Element, path: str, index: int) -> etree._Element | None:
    found = tree.xpath(path, namespaces=NS)
    return found[index % len(found)] if found else None


def mutate(body: bytes, mutation: tuple) -> tuple[bytes, str]:
    """The mutated reply and whether it is still usable (OK) or not (UNUSABLE)."""
    kind, *args = mutation
    if kind == "truncate":
        return body[: args[0] % len(body)], UNUSABLE
    if kind == "replace":
        return args[0], UNUSABLE
    tree = etree.fromstring(body)
    expected = OK
    if kind == "drop" or kind == "drop optional":
        element = _pick(tree, args[0], args[1])
        if element is not None:
            element.getparent().remove(element)
            expected = UNUSABLE if kind == "drop" else OK
    elif kind == "number":
        path, index, value = args
        element = _pick(tree, path, index)
        if element is not None:
            element.text = str(value)
            usable = not isinstance(value, str) or not not_an_int(value)
            expected = OK if usable and INT_MIN <= int(value) <= INT_MAX else UNUSABLE
    elif kind == "id":
        index, value = args
        element = _pick(tree, "//d:payment/d:id", index)
        if element is not None:
            element.text = str(value)
            expected = UNUSABLE
    elif kind == "text":
        path, index, length = args
        element = _pick(tree, path, index)
        if element is not None:
            element.text = ("A" * length)
            expected = OK if length <= TEXTS[path] else UNUSABLE
    elif kind == "currency":
        index, value = args
        element = _pick(tree, "//d:authorization/d:amount", index)
        if element is not None:
            element.set("currency", value)
            expected = UNUSABLE
    elif kind == "duplicate payment":
        element = _pick(tree, "//d:payment", args[0])
        if element is not None:
            element.addnext(copy.deepcopy(element))
            expected = UNUSABLE
    elif kind == "extension":
        element = _pick(tree, args[0], args[1])
        if element is not None:
            etree.SubElement(element, f"{{{replies.TYPES_NS}}}addedInVersion1_3_99").text = "x"
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8"), expected


# --- the property ------------------------------------------------------------------------

ONE_PAYMENT = replies.status_reply(registered=1000, acquirer_approved=1000, payments=[
    replies.payment_xml(1, amount=1000)])


def expected_state(body: bytes, currency: str) -> tuple[dict[str, Decimal], dict[int, str]]:
    """The totals and the payment statuses a usable reply must leave stored (read with
    lxml, independently of the gateway's parser)."""
    tree = etree.fromstring(body)
    totals = {
        name: from_minor_units(int(tree.xpath(f"//d:{element}", namespaces=NS)[0].text),
                               currency)
        for name, element in zip(
            ("total_registered", "total_shopper_pending", "total_acquirer_pending",
             "total_acquirer_approved", "total_captured", "total_refunded",
             "total_charged_back"), TOTALS, strict=True)
    }
    payments = {
        int(element.findtext("d:id", namespaces=NS)):
            element.findtext("d:authorization/d:status", namespaces=NS).strip()
        for element in tree.xpath("//d:payment", namespaces=NS)
    }
    return totals, payments


def test_status_reports(docdata, signal_recorder, django_capture_on_commit_callbacks):
    outcomes: list[str] = []

    @FUZZ
    @given(report=reports(), mutation=mutations, currency=st.sampled_from(["EUR", "JPY", "KWD"]))
    # What the fuzzer found before the gateway checked these (each was a 500, some only
    # on PostgreSQL): a payment id beyond a bigint, a payment id of 0 or below, an
    # amount beyond xs:int, a payment reported twice, texts longer than their columns,
    # a currency that is none.
    @example(report=ONE_PAYMENT, mutation=("id", 0, ID_MAX + 1), currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("id", 0, -5), currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("number", "//d:authorization/d:amount", 0, 10**30),
             currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("number", "//d:approximateTotals/d:totalRegistered",
                                           0, 10**30), currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("duplicate payment", 0), currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("text", "//d:payment/d:paymentMethod", 0, 61),
             currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("text", "//d:authorization/d:confidenceLevel", 0, 51),
             currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("text", "//d:authorization/d:status", 0, 101),
             currency="EUR")
    @example(report=ONE_PAYMENT, mutation=("currency", 0, "EURO"), currency="EUR")
    def check(report: bytes, mutation: tuple, currency: str) -> None:
        body, expected = mutate(report, mutation)
        number = next_number()
        order = DocdataOrder.objects.create(
            merchant_name="shop_test", merchant_order_id=f"REPORT-{number}",
            order_number=f"REPORT-{number}", order_key=order_key(number),
            total_gross_amount=Decimal("10.00"), currency=currency,
        )
        docdata.reset()
        docdata.add("status", body)
        signal_recorder.clear()
        before = snapshot(DOCDATA_MODELS)

        with django_capture_on_commit_callbacks(execute=True):
            response = Client(raise_request_exception=True).get(
                NOTIFY_URL, {"order_id": order.merchant_order_id})

        outcomes.append(expected)
        assert docdata.operations() == ["status"]
        if expected == UNUSABLE:
            assert response.status_code == 503, (mutation, body[:3000])
            assert snapshot(DOCDATA_MODELS) == before
            assert signal_recorder.empty
            return
        assert response.status_code == 200, (mutation, body[:3000], response.content)
        totals, statuses = expected_state(body, currency)
        order.refresh_from_db()
        assert {name: getattr(order, name) for name in totals} == totals
        stored = {payment.payment_id: payment for payment in
                  DocdataPayment.objects.filter(payment_id__in=statuses)}
        assert set(stored) == set(statuses)
        for payment_id, status in statuses.items():
            payment = stored[payment_id]
            if payment.docdata_order_id == order.pk:  # else an earlier example's line: kept
                assert payment.status == status

    check()
    # Both kinds of report were tried, many times each.
    assert outcomes.count(OK) >= 40 and outcomes.count(UNUSABLE) >= 40, outcomes
