"""One test (or more) per rule of status-rules.md, driven by Docdata XML status replies
served by the canned adapter and applied through the notification view."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.testing import replies

from .conftest import data_writes, minor, payment

pytestmark = pytest.mark.django_db

PAID = DocdataOrder.STATUS_PAID


@pytest.fixture
def apply(docdata: Any, notify: Any) -> Any:
    """Serve a status reply for ``order`` and send the notification; returns the order."""

    def apply(order: DocdataOrder, *, registered: int | None = None, **reply: Any) -> Any:
        reply.setdefault("currency", order.currency)
        body = replies.status_reply(
            registered=minor(order) if registered is None else registered, **reply
        )
        docdata.set("status", body)
        response = notify(order)
        assert response.status_code == 200, response.content
        assert response.content == b"ok"
        order.refresh_from_db()
        return order

    return apply


# --- 1. Always --------------------------------------------------------------------------


def test_1_1_totals_are_stored_in_the_orders_currency(make_order, apply):
    order = make_order(amount="12.34")
    apply(
        order, shopper_pending=1, acquirer_pending=2, acquirer_approved=1234, captured=1000,
        refunded=5, charged_back=7, payments=[payment(1, amount=1234)],
    )
    assert order.total_registered == Decimal("12.34")
    assert order.total_shopper_pending == Decimal("0.01")
    assert order.total_acquirer_pending == Decimal("0.02")
    assert order.total_acquirer_approved == Decimal("12.34")
    assert order.total_captured == Decimal("10.00")
    assert order.total_refunded == Decimal("0.05")
    assert order.total_charged_back == Decimal("0.07")


def test_1_1_totals_honour_the_minor_unit_jpy(make_order, apply):
    order = make_order(amount="1500", currency="JPY")
    apply(order, captured=1500, payments=[payment(1, amount=1500, currency="JPY",
                                                   captures=[("CAPTURED", 1500)])])
    assert order.total_registered == Decimal("1500")
    assert order.total_captured == Decimal("1500")
    assert order.status == PAID
    assert DocdataPayment.objects.get().amount_debited == Decimal("1500")


def test_1_1_totals_honour_the_minor_unit_kwd(make_order, apply):
    order = make_order(amount="12.345", currency="KWD")
    apply(order, captured=12345, payments=[payment(1, amount=12345, currency="KWD",
                                                    captures=[("CAPTURED", 12345)])])
    assert order.total_captured == Decimal("12.345")
    assert order.status == PAID


def test_1_2_one_payment_row_per_payment_element(make_order, apply):
    order = make_order(amount="10.00")
    apply(
        order,
        acquirer_approved=1000, captured=1000, refunded=300, charged_back=200,
        payments=[
            payment(
                1111111111, "AUTHORIZED", amount=1000, method="VISA",
                confidence="ACQUIRER_APPROVED",
                captures=[("CAPTURED", 600), ("CAPTURED", 400), ("FAILED", 999)],
                refunds=[("CAPTURED", 300), ("NEW", 50)],
                chargebacks=[("CHARGED", 200), ("REVERSED", 10)],
            ),
            payment(1111111112, "CANCELED", amount=1000, method="IDEAL"),
        ],
    )
    first, second = DocdataPayment.objects.order_by("payment_id")
    assert first.docdata_order == order
    assert first.payment_id == 1111111111
    assert first.payment_method == "VISA"
    assert first.status == "AUTHORIZED"
    assert first.confidence_level == "ACQUIRER_APPROVED"
    assert first.currency == "EUR"
    assert first.amount_allocated == Decimal("10.00")
    assert first.amount_debited == Decimal("10.00")  # only CAPTURED captures count
    assert first.amount_refunded == Decimal("3.00")  # only CAPTURED refunds count
    assert first.amount_chargeback == Decimal("2.00")  # only CHARGED chargebacks count
    assert [line["status"] for line in first.lines["captures"]] == [
        "CAPTURED", "CAPTURED", "FAILED"
    ]
    assert first.lines["refunds"][1] == {
        "status": "NEW", "amount": "0.50", "currency": "EUR", "reason": None,
        "reference": None,
    }
    assert second.status == "CANCELED"
    assert second.amount_allocated == Decimal("0")  # not AUTHORIZED: nothing allocated
    assert (order.total_captured, order.total_refunded) == (Decimal("10.00"), Decimal("3.00"))


def test_1_2_rows_are_upserted_by_numeric_payment_id(make_order, apply, signal_log):
    order = make_order(amount="10.00")
    apply(order, payments=[payment(100, "NEW", amount=1000), payment(9, "NEW", amount=1000),
                           payment(10, "NEW", amount=1000)])
    assert list(order.payments.values_list("payment_id", flat=True)) == [9, 10, 100]
    assert len(signal_log.of("payment_added")) == 3
    apply(order, payments=[payment(9, "NEW", amount=1000), payment(10, "AUTHORIZED", amount=1000),
                           payment(100, "NEW", amount=1000)])
    assert DocdataPayment.objects.count() == 3
    assert [k["payment"].payment_id for k in signal_log.of("payment_updated")] == [10]
    assert DocdataPayment.objects.get(payment_id=10).status == "AUTHORIZED"


def test_1_3_a_report_that_changes_nothing_writes_nothing(
    make_order, apply, signal_log, django_assert_max_num_queries
):
    order = make_order(amount="10.00")
    reply = {"captured": 1000, "payments": [payment(5, amount=1000,
                                                    captures=[("CAPTURED", 1000)])]}
    apply(order, **reply)
    updated = order.updated
    sent = len(signal_log.sent)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        apply(order, **reply)
    assert data_writes(queries) == []  # the pull bookkeeping aside
    assert order.updated == updated
    # only the view signal, no model signal
    assert [name for name, _kw in signal_log.sent[sent:]] == ["status_changed_view_called"]
    assert DocdataStatusChange.objects.count() == 1


# --- 2. Currency margin -----------------------------------------------------------------


def test_2_no_exchanged_to_means_no_margin(make_order, apply):
    order = make_order(amount="100.00")
    apply(order, captured=9950, payments=[payment(1, amount=11000, currency="USD")])
    assert order.status == DocdataOrder.STATUS_PENDING


def test_2_margin_applies_to_a_converted_foreign_payment(make_order, apply):
    order = make_order(amount="100.00")
    apply(order, captured=9950, exchanged_to="EUR", exchange_rate_date="2024-05-01 00:00:00",
          payments=[payment(1, amount=11000, currency="USD")])
    assert order.status == PAID  # 99.50 of 100.00 within the default EUR margin of 1.00


def test_2_margin_is_limited_to_the_default_per_currency(make_order, apply):
    order = make_order(amount="100.00")
    apply(order, captured=9899, exchanged_to="EUR",
          payments=[payment(1, amount=11000, currency="USD")])
    assert order.status == DocdataOrder.STATUS_PENDING  # 1.01 short: more than the margin


def test_2_no_margin_when_every_payment_is_in_the_order_currency(make_order, apply):
    order = make_order(amount="100.00")
    apply(order, captured=9950, exchanged_to="EUR", payments=[payment(1, amount=10000)])
    assert order.status == DocdataOrder.STATUS_PENDING


def test_2_no_margin_when_exchanged_to_another_currency(make_order, apply):
    order = make_order(amount="100.00")
    apply(order, captured=9950, exchanged_to="GBP",
          payments=[payment(1, amount=11000, currency="USD")])
    assert order.status == DocdataOrder.STATUS_PENDING


def test_2_margin_not_below_registered(make_order, apply):
    order = make_order(amount="1.00")  # margin 100 >= registered 100: margin is 0
    apply(order, captured=1, exchanged_to="EUR",
          payments=[payment(1, amount=110, currency="USD")])
    assert order.status == DocdataOrder.STATUS_PENDING


@override_settings(DOCDATA_PAYMENT_SUCCESS_MARGIN={"USD": 500})
def test_2_margin_setting_per_currency(make_order, apply):
    usd = make_order(amount="100.00", currency="USD")
    apply(usd, captured=9600, exchanged_to="USD",
          payments=[payment(1, amount=9000, currency="EUR")])
    assert usd.status == PAID
    eur = make_order(amount="100.00")  # EUR no longer has a margin
    apply(eur, captured=9950, exchanged_to="EUR",
          payments=[payment(2, amount=11000, currency="USD")])
    assert eur.status == DocdataOrder.STATUS_PENDING


# --- 3. Conclusions from the totals -----------------------------------------------------


def test_3_captured_rule_needs_the_capture(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_approved=1000, payments=[payment(1, amount=1000)])
    assert order.status == DocdataOrder.STATUS_PENDING
    apply(order, acquirer_approved=1000, captured=1000,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)])])
    assert order.status == PAID


@override_settings(DOCDATA_PAID_RULE="approved")
def test_3_approved_rule_accepts_acquirer_approved(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_approved=1000, payments=[payment(1, amount=1000)])
    assert order.status == PAID


@override_settings(DOCDATA_PAID_RULE="approved")
def test_3_approved_rule_does_not_accept_acquirer_pending(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_pending=1000, payments=[
        payment(1, amount=1000, method="SEPA_DIRECT_DEBIT", confidence="ACQUIRER_PENDING")])
    assert order.status == DocdataOrder.STATUS_PENDING


@override_settings(DOCDATA_PAID_RULE="docdata")
def test_3_docdata_rule_trusts_considered_safe(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_approved=1000, considered_safe=(True, "SAFE"),
          payments=[payment(1, amount=1000)])
    assert order.status == PAID


@override_settings(DOCDATA_PAID_RULE="docdata")
def test_3_docdata_rule_not_paid_when_considered_safe_is_false(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_approved=1000, considered_safe=(False, "SAFEST"),
          payments=[payment(1, amount=1000)])
    assert order.status == DocdataOrder.STATUS_PENDING


@override_settings(DOCDATA_PAID_RULE="docdata")
def test_3_docdata_rule_falls_back_to_captured_without_considered_safe(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, acquirer_approved=1000, payments=[payment(1, amount=1000)])
    assert order.status == DocdataOrder.STATUS_PENDING
    apply(order, captured=1000,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)])])
    assert order.status == PAID


@override_settings(DOCDATA_PAID_RULE="docdata")
def test_3_docdata_rule_ignores_considered_safe_after_a_refund(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=1000, refunded=400, considered_safe=(True, "SAFE"),
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                            refunds=[("CAPTURED", 400)])])
    assert order.status == DocdataOrder.STATUS_PAID_REFUNDED


def test_3_received_below_threshold_goes_to_the_attempts(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=999, payments=[payment(1, "AUTHORIZED", amount=1000,
                                                 captures=[("CAPTURED", 999)])])
    assert order.status == DocdataOrder.STATUS_PENDING


def test_3_net_at_least_threshold_is_paid(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=1200, refunded=200,
          payments=[payment(1, amount=1200, captures=[("CAPTURED", 1200)],
                            refunds=[("CAPTURED", 200)])])
    assert order.status == PAID


def test_3_partly_refunded(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=1000, refunded=300,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                            refunds=[("CAPTURED", 300)])])
    assert order.status == DocdataOrder.STATUS_PAID_REFUNDED


def test_3_partly_charged_back(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=1000, charged_back=300,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                            chargebacks=[("CHARGED", 300)])])
    assert order.status == DocdataOrder.STATUS_PAID_REFUNDED


def test_3_charged_back(make_order, apply, caplog):
    order = make_order(amount="10.00")
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, captured=1000, charged_back=1000,
              payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                                chargebacks=[("CHARGED", 1000)])])
    assert order.status == DocdataOrder.STATUS_CHARGED_BACK
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_3_charged_back_more_than_received_logs_an_error(make_order, apply, caplog):
    order = make_order(amount="10.00")
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, captured=1000, refunded=500, charged_back=1000,
              payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                                refunds=[("CAPTURED", 500)], chargebacks=[("CHARGED", 1000)])])
    assert order.status == DocdataOrder.STATUS_CHARGED_BACK
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("charged back more than received" in m and "charged_back=1000" in m
               for m in errors)


def test_3_refunded(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, captured=1000, refunded=1000,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                            refunds=[("CAPTURED", 1000)])])
    assert order.status == DocdataOrder.STATUS_REFUNDED


def test_3_otherwise_unknown_with_an_error(make_order, apply, caplog):
    # Only an inconsistent report gets here: a negative chargeback total.
    order = make_order(amount="10.00")
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, captured=1000, refunded=2000, charged_back=-10,
              payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)])])
    assert order.status == DocdataOrder.STATUS_UNKNOWN
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("totals allow no status" in m and "refunded=2000" in m for m in errors)


def test_3_registered_zero_is_not_paid_without_money(make_order, apply):
    order = make_order(amount="0.00")
    apply(order, registered=0, payments=[payment(1, "NEW", amount=0)])
    assert order.status == DocdataOrder.STATUS_NEW


def test_3_registered_zero_with_money_received_is_paid(make_order, apply):
    order = make_order(amount="0.00")
    apply(order, registered=0, captured=1,
          payments=[payment(1, amount=1, captures=[("CAPTURED", 1)])])
    assert order.status == PAID


def test_3_totals_need_a_payment(make_order, apply, caplog):
    # Money without a payment element is rule 5's inconsistent report, never "paid".
    order = make_order(amount="10.00")
    apply(order, captured=1000)
    assert order.status == DocdataOrder.STATUS_NEW


# --- 4. Conclusions from the payment attempts -------------------------------------------

ATTEMPT_TABLE = [
    *[(s, PAID) for s in ("CONFIRMED_PAID", "CLOSED_SUCCESS")],
    *[(s, DocdataOrder.STATUS_CHARGED_BACK) for s in ("CHARGED-BACK", "CONFIRMED_CHARGEDBACK")],
    *[(s, DocdataOrder.STATUS_PENDING) for s in ("AUTHORIZED", "AUTHORIZATION_REQUESTED",
                                                 "PAID")],
    *[(s, DocdataOrder.STATUS_IN_PROGRESS) for s in (
        "REDIRECTED_FOR_AUTHENTICATION", "AUTHENTICATED", "REDIRECTED_FOR_AUTHORIZATION",
        "STARTED", "RISK_CHECK_OK")],
    ("NEW", DocdataOrder.STATUS_NEW),
    *[(s, DocdataOrder.STATUS_NEW) for s in (
        "START_ERROR", "RISK_CHECK_FAILED", "AUTHENTICATION_FAILED", "AUTHENTICATION_ERROR",
        "AUTHORIZATION_FAILED", "AUTHORIZATION_ERROR", "CANCEL_FAILED", "CANCEL_ERROR")],
    *[(s, DocdataOrder.STATUS_CANCELLED) for s in (
        "CANCELED", "CANCELLED", "CANCEL_REQUESTED", "CLOSED_CANCELED", "CLOSED_CANCELLED")],
]


@pytest.mark.parametrize(("attempt", "expected"), ATTEMPT_TABLE)
def test_4_single_attempt(make_order, apply, attempt, expected):
    order = make_order(amount="10.00")
    apply(order, payments=[payment(1234567890, attempt, amount=1000)])
    assert order.status == expected
    assert DocdataPayment.objects.get().status == attempt  # the raw value is kept


def test_4_unknown_attempt_status_is_kept_and_logged(make_order, apply, caplog):
    order = make_order(amount="10.00")
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        apply(order, payments=[payment(77, "TELEPORTED", amount=1000)])
    assert order.status == DocdataOrder.STATUS_UNKNOWN
    assert DocdataPayment.objects.get().status == "TELEPORTED"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("TELEPORTED" in m and "77" in m for m in warnings)


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        # the most advanced attempt wins, whatever the order of the attempts
        (("AUTHORIZED", "NEW"), DocdataOrder.STATUS_PENDING),
        (("NEW", "AUTHORIZED"), DocdataOrder.STATUS_PENDING),
        (("AUTHORIZED", "CANCELED"), DocdataOrder.STATUS_PENDING),
        (("CANCELED", "REDIRECTED_FOR_AUTHENTICATION"), DocdataOrder.STATUS_IN_PROGRESS),
        (("CONFIRMED_CHARGEDBACK", "AUTHORIZED"), DocdataOrder.STATUS_CHARGED_BACK),
        (("CLOSED_SUCCESS", "CHARGED-BACK"), PAID),
        (("STARTED", "NEW"), DocdataOrder.STATUS_IN_PROGRESS),
        (("NEW", "AUTHORIZATION_FAILED"), DocdataOrder.STATUS_NEW),
        # cancelled only when every attempt is cancelled
        (("CANCELED", "NEW"), DocdataOrder.STATUS_NEW),
        (("CANCELED", "AUTHORIZATION_FAILED"), DocdataOrder.STATUS_NEW),
        (("CANCELED", "CLOSED_CANCELED", "CANCEL_REQUESTED"), DocdataOrder.STATUS_CANCELLED),
        # an unknown value ranks below every known one, but cancels nothing
        (("MYSTERY", "AUTHORIZED"), DocdataOrder.STATUS_PENDING),
        (("MYSTERY", "NEW"), DocdataOrder.STATUS_NEW),
        (("MYSTERY", "CANCELED"), DocdataOrder.STATUS_UNKNOWN),
    ],
)
def test_4_precedence_between_attempts(make_order, apply, attempts, expected):
    order = make_order(amount="10.00")
    apply(order, payments=[payment(1000 + i, status, amount=1000)
                           for i, status in enumerate(attempts)])
    assert order.status == expected


# --- 5. No payment attempts -------------------------------------------------------------


def test_5_new_order_without_attempts_stays_new(make_order, apply):
    order = make_order()
    apply(order)
    assert order.status == DocdataOrder.STATUS_NEW


def test_5_cancelled_stays_cancelled(make_order, apply):
    order = make_order(status=DocdataOrder.STATUS_CANCELLED, age_days=40)
    apply(order)
    assert order.status == DocdataOrder.STATUS_CANCELLED


def test_5_expired_after_expire_days(make_order, apply):
    order = make_order(age_days=21.01)
    apply(order)
    assert order.status == DocdataOrder.STATUS_EXPIRED
    young = make_order(age_days=20.9)
    apply(young)
    assert young.status == DocdataOrder.STATUS_NEW


@override_settings(DOCDATA_EXPIRE_DAYS=3)
def test_5_expire_days_setting(make_order, apply):
    order = make_order(status=DocdataOrder.STATUS_IN_PROGRESS, age_days=4)
    apply(order)
    assert order.status == DocdataOrder.STATUS_EXPIRED


def test_5_in_progress_stays_in_progress(make_order, apply):
    order = make_order(status=DocdataOrder.STATUS_IN_PROGRESS)
    apply(order)
    assert order.status == DocdataOrder.STATUS_IN_PROGRESS


def test_5_pending_without_attempts_becomes_new(make_order, apply):
    order = make_order(status=DocdataOrder.STATUS_PENDING)
    apply(order)
    assert order.status == DocdataOrder.STATUS_NEW


@pytest.mark.parametrize(
    "total",
    ["shopper_pending", "acquirer_pending", "acquirer_approved", "captured", "refunded",
     "charged_back"],
)
def test_5_money_without_attempts_keeps_the_status_and_logs(make_order, apply, caplog, total):
    order = make_order(status=DocdataOrder.STATUS_IN_PROGRESS, age_days=30)
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, **{total: 100})
    assert order.status == DocdataOrder.STATUS_IN_PROGRESS
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("inconsistent" in m and order.order_key in m for m in errors)


# --- 6. Guards --------------------------------------------------------------------------


@pytest.mark.parametrize("current", [DocdataOrder.STATUS_CANCELLED, DocdataOrder.STATUS_EXPIRED])
@pytest.mark.parametrize("attempt", ["NEW", "STARTED", "AUTHORIZATION_FAILED"])
def test_6_cancelled_and_expired_never_go_back(make_order, apply, current, attempt):
    order = make_order(status=current)
    apply(order, payments=[payment(1, attempt, amount=1234)])
    assert order.status == current


@pytest.mark.parametrize("current", [DocdataOrder.STATUS_CANCELLED, DocdataOrder.STATUS_EXPIRED])
def test_6_a_late_payment_on_a_cancelled_or_expired_order_counts(make_order, apply, current):
    order = make_order(status=current, age_days=30)
    apply(order, payments=[payment(1, "AUTHORIZED", amount=1234)])
    assert order.status == DocdataOrder.STATUS_PENDING
    apply(order, captured=1234,
          payments=[payment(1, amount=1234, captures=[("CAPTURED", 1234)])])
    assert order.status == PAID


@pytest.mark.parametrize("current", [PAID, DocdataOrder.STATUS_PAID_REFUNDED,
                                     DocdataOrder.STATUS_REFUNDED,
                                     DocdataOrder.STATUS_CHARGED_BACK])
@pytest.mark.parametrize("attempt", ["NEW", "STARTED", "AUTHORIZED"])
def test_6_settled_orders_ignore_attempt_only_conclusions(make_order, apply, current, attempt):
    order = make_order(status=current)
    apply(order, payments=[payment(1, attempt, amount=1234)])
    assert order.status == current


def test_6_settled_orders_follow_the_totals(make_order, apply):
    order = make_order(status=PAID, amount="10.00")
    apply(order, captured=1000, refunded=1000,
          payments=[payment(1, amount=1000, captures=[("CAPTURED", 1000)],
                            refunds=[("CAPTURED", 1000)])])
    assert order.status == DocdataOrder.STATUS_REFUNDED


def test_6_registered_differs_from_the_order_amount(make_order, apply, caplog):
    order = make_order(amount="10.00")
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, registered=1500, payments=[payment(1, "NEW", amount=1500)])
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("1500" in m and "1000" in m for m in errors)


def test_6_registered_differs_is_not_logged_when_cancelled(make_order, apply, caplog):
    order = make_order(amount="10.00")
    with caplog.at_level(logging.ERROR, logger="oscar_docdata"):
        apply(order, registered=1500, payments=[payment(1, "CANCELED", amount=1500)])
    assert order.status == DocdataOrder.STATUS_CANCELLED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- 8. Effects -------------------------------------------------------------------------


def test_8_every_change_is_recorded_with_its_trigger(make_order, apply):
    order = make_order(amount="10.00")
    apply(order, payments=[payment(1, "STARTED", amount=1000)])
    apply(order, payments=[payment(1, "AUTHORIZED", amount=1000)])
    history = list(
        order.status_changes.order_by("id").values_list("old_status", "new_status", "trigger")
    )
    assert history == [
        ("new", "in_progress", "notification"),
        ("in_progress", "pending", "notification"),
    ]


def test_8_signals_once_per_change(make_order, apply, signal_log):
    order = make_order(amount="10.00")
    apply(order, payments=[payment(1, "STARTED", amount=1000)])
    apply(order, payments=[payment(1, "STARTED", amount=1000)])
    apply(order, payments=[payment(1, "AUTHORIZED", amount=1000), payment(2, "NEW", amount=1000)])
    assert signal_log.status_changes() == [("new", "in_progress"), ("in_progress", "pending")]
    assert [k["payment"].payment_id for k in signal_log.of("payment_added")] == [1, 2]
    assert [k["payment"].payment_id for k in signal_log.of("payment_updated")] == [1]
    changed = signal_log.of("order_status_changed")[0]
    assert changed["order"] == order
    assert changed["sender"] is DocdataOrder  # the old package's sender
