"""Captures and refunds as Docdata really reports them: NEW/STARTED first, CAPTURED later.

Every test here fails on the code before the money requests were recorded: it counted
only CAPTURED lines, so a pending refund left the whole amount available, a timeout was
a plain failure, and a failing status pull after a refund rolled everything back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from oscar_docdata.exceptions import (
    DocdataDuplicateRequest,
    DocdataGatewayError,
    DocdataMoneyBlocked,
    DocdataOutcomeUnknown,
    DocdataRefundError,
)
from oscar_docdata.interface import DocdataAmountError, Interface
from oscar_docdata.models import DocdataMoneyRequest, DocdataPayment
from oscar_docdata.testing import replies

from .conftest import payment


def report(refunds: tuple = (), captures: tuple = (("CAPTURED", 1000),)) -> bytes:
    """An order of 10.00 on payment 31, captured, with ``refunds`` lines."""
    return replies.status_reply(
        registered=1000, captured=sum(a for s, a, *_ in captures if s == "CAPTURED"),
        refunded=sum(a for s, a, *_ in refunds if s == "CAPTURED"),
        payments=[payment(31, amount=1000, captures=captures, refunds=refunds)])


@pytest.fixture
def paid(docdata, make_order, django_capture_on_commit_callbacks):
    order = make_order(amount="10.00")
    docdata.set("status", report())
    Interface().update_order(order)
    docdata.reset()
    return order


def sent_refunds(docdata: Any) -> list[tuple[str, str]]:
    return [(r.xml().findtext(".//{*}amount"), r.xml().findtext(".//{*}merchantRefundReference"))
            for r in docdata.requests if r.operation == "refund"]


def refundable(order) -> Decimal:
    return sum((Interface.available(p, "refund") for p in order.payments.all()), Decimal(0))


def test_a_pending_refund_is_not_available_again(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report(refunds=(("NEW", 1000),)))
    result = Interface().refund(paid)
    assert [r.state for r in result.requests] == ["pending"]
    assert refundable(paid) == 0
    with pytest.raises(DocdataAmountError, match="nothing left to refund"):
        Interface().refund(paid)
    assert len(sent_refunds(docdata)) == 1


def test_started_and_failed_refunds(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report(refunds=(("STARTED", 400),)))
    first = Interface().refund(paid, Decimal("4.00")).requests[0]
    assert refundable(paid) == Decimal("6.00")
    # Docdata reports the refund failed: its money is available again.
    docdata.set("status", report(refunds=(("FAILED", 400, "bank said no", first.reference),)))
    Interface().update_order(paid)
    first.refresh_from_db()
    assert (first.state, first.docdata_status, first.reason) == ("failed", "FAILED", "bank said no")
    assert refundable(paid) == Decimal("10.00")


def test_an_accepted_refund_counts_before_the_report_shows_it(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report())  # Docdata's report lags behind
    result = Interface().refund(paid, Decimal("7.00"))
    assert [r.state for r in result.requests] == ["accepted"]
    assert refundable(paid) == Decimal("3.00")
    with pytest.raises(DocdataAmountError, match="more than the 3.00"):
        Interface().refund(paid, Decimal("3.01"))


def test_pending_captures_are_not_available_again(docdata, make_order,
                                                  django_capture_on_commit_callbacks):
    order = make_order(amount="10.00")
    docdata.set("status", replies.status_reply(
        registered=1000, acquirer_approved=1000, payments=[payment(41, amount=1000)]))
    Interface().update_order(order)
    docdata.set("capture", replies.capture_reply())
    docdata.set("status", replies.status_reply(
        registered=1000, acquirer_approved=1000,
        payments=[payment(41, amount=1000, captures=[("NEW", 1000)])]))
    Interface().capture(order)
    assert Interface.available(order.payments.get(), "capture") == 0
    with pytest.raises(DocdataAmountError, match="nothing left to capture"):
        Interface().capture(order)
    assert docdata.operations().count("capture") == 1


def test_the_same_submission_is_never_sent_twice(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report())
    Interface().refund(paid, Decimal("2.00"), request_key="form-1")
    with pytest.raises(DocdataDuplicateRequest) as raised:
        Interface().refund(paid, Decimal("2.00"), request_key="form-1")
    assert [r.amount for r in raised.value.requests] == [Decimal("2.00")]
    assert len(sent_refunds(docdata)) == 1
    # Another submission (another key) is a new refund.
    Interface().refund(paid, Decimal("2.00"), request_key="form-2")
    assert len(sent_refunds(docdata)) == 2


def test_every_request_has_its_own_reference(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report())
    Interface().refund(paid, Decimal("1.00"))
    Interface().refund(paid, Decimal("1.00"))
    references = [reference for _amount, reference in sent_refunds(docdata)]
    assert len(set(references)) == 2
    assert references == list(DocdataMoneyRequest.objects.values_list("reference", flat=True))


def test_a_failing_status_after_the_refund_keeps_the_recorded_refund(docdata, paid, admin_user):
    docdata.set("refund", replies.refund_reply())
    docdata.fail("status", requests.ReadTimeout("slow"))
    result = Interface().refund(paid, Decimal("4.00"), user=admin_user)
    assert isinstance(result.status_error, DocdataGatewayError)
    recorded = DocdataMoneyRequest.objects.get()
    assert (recorded.state, recorded.amount, recorded.user) == ("accepted", Decimal("4.00"),
                                                                admin_user)
    assert recorded.kind == "refund" and recorded.payment.payment_id == 31
    # Still counted: a second full refund cannot take the same money.
    assert refundable(paid) == Decimal("6.00")


def test_a_timeout_is_outcome_unknown_and_blocks_the_next_refund(docdata, paid, settings):
    settings.DOCDATA_UNKNOWN_OUTCOME_GRACE = 60
    docdata.fail("refund", requests.ReadTimeout("no answer"))
    with pytest.raises(DocdataOutcomeUnknown) as raised:
        Interface().refund(paid, Decimal("4.00"))
    assert isinstance(raised.value, DocdataGatewayError)
    assert [r.state for r in raised.value.requests] == ["unknown"]
    assert "status" not in docdata.operations()
    with pytest.raises(DocdataMoneyBlocked, match="outcome is unknown"):
        Interface().refund(paid, Decimal("1.00"))
    assert len(sent_refunds(docdata)) == 1
    # A report without it, pulled right away, does not settle it: Docdata may be late.
    docdata.set("status", report())
    Interface().update_order(paid)
    assert DocdataMoneyRequest.objects.get().state == "unknown"


def test_an_unknown_refund_the_report_shows_is_settled(docdata, paid):
    docdata.fail("refund", requests.ReadTimeout("no answer"))
    with pytest.raises(DocdataOutcomeUnknown) as raised:
        Interface().refund(paid)
    reference = raised.value.requests[0].reference
    docdata.set("status", report(refunds=(("STARTED", 1000, None, reference),)))
    Interface().update_order(paid)
    assert DocdataMoneyRequest.objects.get().state == "pending"
    assert refundable(paid) == 0


def test_an_unknown_refund_absent_after_the_grace_never_reached_docdata(docdata, paid,
                                                                        settings):
    settings.DOCDATA_UNKNOWN_OUTCOME_GRACE = 0
    docdata.fail("refund", requests.ReadTimeout("no answer"))
    with pytest.raises(DocdataOutcomeUnknown):
        Interface().refund(paid)
    docdata.set("status", report())
    Interface().update_order(paid)
    assert DocdataMoneyRequest.objects.get().state == "not_received"
    docdata.set("refund", replies.refund_reply())
    Interface().refund(paid)  # unblocked
    assert len(sent_refunds(docdata)) == 2


def test_a_refused_connection_sent_nothing_and_blocks_nothing(docdata, paid):
    error = requests.ConnectionError(
        requests.packages.urllib3.exceptions.MaxRetryError(
            None, "/", requests.packages.urllib3.exceptions.NewConnectionError(None, "refused")))
    docdata.fail("refund", error)
    with pytest.raises(DocdataGatewayError) as raised:
        Interface().refund(paid)
    assert type(raised.value) is DocdataGatewayError and not raised.value.request_sent
    assert DocdataMoneyRequest.objects.get().state == "not_sent"
    assert refundable(paid) == Decimal("10.00")


def test_a_refusal_is_recorded_and_moves_nothing(docdata, paid):
    docdata.add("refund", replies.error_reply("refund", (("REQUEST_DATA_INCORRECT", "no"),)))
    with pytest.raises(DocdataRefundError):
        Interface().refund(paid, Decimal("1.00"))
    assert DocdataMoneyRequest.objects.get().state == "refused"
    assert refundable(paid) == Decimal("10.00")
    assert docdata.operations() == ["refund"]


def test_reports_without_references_match_by_amount_in_order(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report())
    Interface().refund(paid, Decimal("3.00"))
    Interface().refund(paid, Decimal("3.00"))
    docdata.set("status", report(refunds=(("CAPTURED", 300), ("NEW", 300))))
    Interface().update_order(paid)
    assert list(DocdataMoneyRequest.objects.values_list("state", flat=True)) == [
        "done", "pending"]
    assert refundable(paid) == Decimal("4.00")


def test_a_payment_without_id_offers_nothing(paid):
    payment_row = DocdataPayment.objects.get()
    payment_row.payment_id = None
    assert Interface.available(payment_row, "refund") == 0


def test_a_reference_of_the_shops_own_names_one_request(docdata, paid):
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report())
    Interface().refund(paid, Decimal("1.00"), merchant_refund_reference="RMA-7")
    with pytest.raises(DocdataDuplicateRequest):
        Interface().refund(paid, Decimal("1.00"), merchant_refund_reference="RMA-7")
    assert sent_refunds(docdata) == [("100", "RMA-7")]
