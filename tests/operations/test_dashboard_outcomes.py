"""The dashboard says what happened: one message per outcome of an action, at the right
level, in sentences without Docdata's codes; actions only where the order allows them.

Docdata is the canned in-process service (see test_dashboard.py).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from oscar_docdata.dashboard import actions
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder
from oscar_docdata.testing import replies

from .test_dashboard import PAYMENT, apply, form, levels_of, messages_of, report, url

OTHER = 4000000002


@pytest.fixture
def order(make_order: Any) -> DocdataOrder:
    return make_order(amount="25.00", order_number="100077", merchant_order_id="100077")


@pytest.fixture
def paid(order: DocdataOrder, docdata: Any) -> DocdataOrder:
    return apply(order, docdata, report(captured=2500))


def refund(client: Any, order: DocdataOrder, amount: str = "4.00", **data: Any) -> Any:
    return client.post(url("refund", order), form(amount=amount, **data), follow=True)


def sent(docdata: Any, operation: str) -> int:
    return docdata.operations().count(operation)


# --- cancel ----------------------------------------------------------------------------

@pytest.mark.parametrize(("result", "level", "text"), [
    ("SUCCESS", "success", "Docdata cancelled the order; the order is now Cancelled."),
    ("ALREADY_CANCELED", "success",
     "Docdata had already cancelled this order; the order is Cancelled."),
    ("NO_PAYMENTS", "success",
     "The order was cancelled at Docdata before the shopper paid anything; the order is "
     "now Cancelled."),
    ("PENDING", "warning",
     "Docdata is still cancelling: a payment is being processed. Refresh the status later; "
     "the order is New for now."),
])
def test_each_cancel_result_has_its_own_message(staff_client, order, docdata, result, level,
                                                text):
    docdata.add("cancel", replies.cancel_reply(result))
    docdata.add("status", replies.status_reply(
        registered=2500, shopper_pending=2500 if result == "PENDING" else 0))

    response = staff_client.post(url("cancel", order), follow=True)

    assert levels_of(response) == [level]
    assert messages_of(response) == [text]


def test_an_unknown_cancel_answer_is_a_warning_without_the_code(staff_client, order, docdata):
    docdata.add("cancel", replies.cancel_reply("SOMETHING_NEW"))
    docdata.add("status", replies.status_reply(registered=2500))
    response = staff_client.post(url("cancel", order), follow=True)
    assert levels_of(response) == ["warning"]
    assert "SOMETHING_NEW" not in messages_of(response)[0]


def test_cancel_unreachable_says_nothing_was_sent(staff_client, order, docdata):
    docdata.fail("cancel", requests.ConnectTimeout("no route"))
    response = staff_client.post(url("cancel", order), follow=True)
    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Docdata could not be reached; nothing was sent. Try again later."]


# --- capture and refund: success and warnings ------------------------------------------

def test_a_refund_in_progress_says_so(staff_client, staff_user, paid, docdata):
    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunds=[("NEW", 400)]))

    response = refund(staff_client, paid)

    assert levels_of(response) == ["success"]
    assert messages_of(response) == [
        "Refund of €4.00 requested; Docdata reports it in progress. The order is Paid."]
    request = paid.money_requests.get()
    assert (request.state, request.amount, request.user) == ("pending", 4, staff_user)
    latest = paid.status_changes.order_by("-id").first()
    assert (latest.old_status, latest.new_status, latest.note) == ("paid", "paid",
                                                                   "refund €4.00")


def test_a_refund_done_at_once_says_done(staff_client, paid, docdata):
    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunded=400, refunds=[("CAPTURED", 400)]))
    response = refund(staff_client, paid)
    assert messages_of(response) == [
        "Refund of €4.00 done; the order is now Paid, part refunded."]


def test_a_refund_whose_status_cannot_be_pulled_was_still_accepted(staff_client, paid,
                                                                   docdata):
    docdata.add("refund", replies.refund_reply())
    docdata.fail("status", requests.ConnectTimeout("gone"))

    response = refund(staff_client, paid)

    assert levels_of(response) == ["warning"]
    assert messages_of(response) == [
        "Refund of €4.00 accepted by Docdata, but the status could not be refreshed "
        "afterwards: refresh it before doing more."]
    assert paid.money_requests.get().state == DocdataMoneyRequest.STATE_ACCEPTED


# --- capture and refund: errors --------------------------------------------------------

def test_a_timeout_is_outcome_unknown_and_blocks_the_next(staff_client, paid, docdata):
    docdata.fail("refund", requests.ReadTimeout("no answer in 30 s"))

    response = refund(staff_client, paid)

    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Refund of €4.00 requested, outcome unknown: Docdata did not answer. Refresh the "
        "status before trying again."]
    latest = paid.status_changes.order_by("-id").first()
    assert latest.note == "refund €4.00: outcome unknown"

    # The detail page says so, and offers neither refund nor capture until settled.
    detail = staff_client.get(url("detail", paid)).content.decode()
    assert 'id="docdata_unsettled"' in detail
    assert ("Refund of €4.00 requested, outcome unknown: Docdata did not answer. Refresh "
            "the status before trying again. If Docdata never reports it, it is released by "
            "a refresh a few minutes after it was sent.") in detail
    assert url("refund", paid) not in detail
    page = staff_client.get(url("refund", paid), follow=True)
    assert levels_of(page) == ["error"] and "outcome unknown" in messages_of(page)[0]
    assert sent(docdata, "refund") == 1


def test_an_unsettled_request_met_on_sending_is_an_error(staff_client, paid, docdata,
                                                         monkeypatch):
    # Another request became unsettled after the page's own check (two staff at once).
    form_data = form(amount="4.00")
    paid.money_requests.create(
        payment=paid.payments.get(), kind="refund", amount="1.00", currency="EUR",
        reference="R-other-0", request_key="other", state=DocdataMoneyRequest.STATE_UNKNOWN)
    monkeypatch.setattr(actions, "unsettled_notice", lambda order: "")

    response = staff_client.post(url("refund", paid), form_data, follow=True)

    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Nothing was sent: an earlier capture or refund of this order is still being sent "
        "or its outcome is unknown. Refresh the status before trying again."]
    assert sent(docdata, "refund") == 0


def test_a_second_submission_sends_nothing_again(staff_client, paid, docdata):
    page = staff_client.get(url("refund", paid))
    key = page.context["form"]["request_key"].value()
    assert len(key) == 32
    assert staff_client.get(url("refund", paid)).context["form"]["request_key"].value() != key
    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunds=[("NEW", 400)]))

    first = refund(staff_client, paid, request_key=key)
    again = refund(staff_client, paid, request_key=key)  # double click, back and resubmit

    assert levels_of(first) == ["success"]
    assert levels_of(again) == ["warning"]
    assert messages_of(again) == [
        "This form was already submitted; nothing was sent again. The capture and refund "
        "requests below show how the first submission went."]
    assert sent(docdata, "refund") == 1
    assert paid.money_requests.count() == 1


def test_a_post_without_request_key_sends_nothing(staff_client, paid, docdata):
    response = staff_client.post(url("refund", paid), {"amount": "4.00"})
    assert response.status_code == 200
    assert "out of date" in str(response.context["form"].non_field_errors())
    assert docdata.requests == []


def test_a_refusal_shows_docdata_text_not_its_code(staff_client, paid, docdata):
    docdata.add("refund", replies.error_reply("refund", [("INTERNAL_ERROR", "Try later.")]))
    response = refund(staff_client, paid)
    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Docdata refused the refund: Try later. Nothing was refunded."]


def test_unreachable_docdata_is_nothing_sent(staff_client, paid, docdata):
    docdata.fail("refund", requests.ConnectTimeout("no route"))
    response = refund(staff_client, paid)
    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        "Docdata could not be reached; nothing was sent. Try again later."]
    assert paid.money_requests.get().state == DocdataMoneyRequest.STATE_NOT_SENT


def test_a_partial_failure_lists_each_payment(staff_client, order, docdata):
    def two_payments(refunds=()):
        return replies.status_reply(
            registered=2500, acquirer_approved=2500, captured=2500,
            payments=[
                replies.payment_xml(PAYMENT, amount=1000, captures=[("CAPTURED", 1000)],
                                    refunds=refunds),
                replies.payment_xml(OTHER, amount=1500, captures=[("CAPTURED", 1500)]),
            ])

    apply(order, docdata, two_payments())
    docdata.add("refund", replies.refund_reply())
    docdata.add("refund", replies.error_reply(
        "refund", [("REQUEST_DATA_INCORRECT", "Payment is blocked.")]))
    docdata.add("status", two_payments(refunds=[("NEW", 1000)]))

    response = refund(staff_client, order, amount="15.00")

    assert levels_of(response) == ["error"]
    assert messages_of(response) == [
        f"Refund of €15.00 went through in part: payment {PAYMENT}: €10.00 in progress at "
        f"Docdata; payment {OTHER}: €5.00 refused by Docdata. Docdata refused the rest: "
        "Payment is blocked."]


# --- which actions the order allows ----------------------------------------------------

@pytest.mark.parametrize("status", ["paid", "refunded", "cancelled", "expired",
                                    "charged_back", "paid_refunded"])
def test_cancel_is_neither_offered_nor_done_for_a_finished_order(staff_client, make_order,
                                                                 docdata, status):
    finished = make_order(status=status)

    detail = staff_client.get(url("detail", finished)).content.decode()
    assert url("cancel", finished) not in detail
    for response in (staff_client.get(url("cancel", finished), follow=True),
                     staff_client.post(url("cancel", finished), follow=True)):
        assert response.redirect_chain[-1][0] == url("detail", finished)
        assert levels_of(response) == ["error"]
        assert "only new, in-progress or pending orders can be cancelled" in \
            messages_of(response)[0]
    assert docdata.requests == []


def test_cancel_is_not_offered_once_money_was_captured(staff_client, order, docdata):
    apply(order, docdata, report(captured=1000))  # part captured: still pending
    assert order.status == "pending"
    detail = staff_client.get(url("detail", order)).content.decode()
    assert url("cancel", order) not in detail
    assert url("capture", order) in detail and url("refund", order) in detail
    response = staff_client.post(url("cancel", order), follow=True)
    assert messages_of(response) == [
        "Money was captured on this order: refund it instead of cancelling."]
    assert docdata.requests == []


def test_a_new_order_offers_cancel_only(staff_client, order):
    detail = staff_client.get(url("detail", order)).content.decode()
    assert url("cancel", order) in detail
    assert url("capture", order) not in detail and url("refund", order) not in detail
    response = staff_client.get(url("refund", order), follow=True)
    assert messages_of(response) == ["No captured amount is left to refund."]


# --- labels and money on the detail page -----------------------------------------------

def test_the_detail_page_lists_requests_with_readable_labels(staff_client, staff_user, paid,
                                                             docdata):
    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunds=[("NEW", 400)]))
    refund(staff_client, paid)

    html = staff_client.get(url("detail", paid)).content.decode()

    table = html[html.index('id="docdata_money_requests"'):]
    table = table[:table.index("</table>")]
    for text in ("Refund", "€4.00", str(PAYMENT), "In progress at Docdata", "Sam Staff",
                 paid.money_requests.get().reference):
        assert text in table, text
    assert "Refund: €4.00 — requested" in html  # the report's line, readable
    assert "Approved by the bank" in html  # the confidence level
    history = html[html.index('id="docdata_history"'):]
    assert "<td>Paid</td>" in history and "<td>New</td>" in history
    for code in ("ACQUIRER_APPROVED", "AUTHORIZED", ">NEW<", "EUR 4", "unknown"):
        assert code not in html, code


def test_the_refund_form_offers_what_is_available_in_one_format(staff_client, paid, docdata):
    docdata.add("refund", replies.refund_reply())
    docdata.add("status", report(captured=2500, refunds=[("NEW", 400)]))
    refund(staff_client, paid)

    page = staff_client.get(url("refund", paid))

    html = page.content.decode()
    assert "€21.00" in html  # available: the pending refund is subtracted
    choices = dict(page.context["form"].fields["payment"].choices)
    assert choices[PAYMENT] == f"{PAYMENT} iDEAL (€21.00)"
    response = staff_client.post(url("refund", paid), form(amount="21.01"))
    assert response.context["form"].errors["amount"] == ["At most €21.00 is available."]
