"""Status pulls: stale reports, and coalesced, rate-limited pulls for the two views."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from oscar_docdata.exceptions import DocdataGatewayError
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder
from oscar_docdata.operations import pulls
from oscar_docdata.testing import replies
from oscar_docdata.testing.canned import CannedSoapAdapter, canned_docdata
from oscar_docdata.views import StatusChangedNotificationView

from .conftest import payment

pytestmark = pytest.mark.django_db

PAID = replies.status_reply(
    registered=1234, acquirer_approved=1234, captured=1234,
    payments=[payment(7000000001, amount=1234, captures=[("CAPTURED", 1234)])],
)
NOTHING = replies.status_reply(registered=1234)


def pull_state(order: DocdataOrder) -> tuple[Any, Any]:
    return DocdataOrder.objects.filter(pk=order.pk).values_list(
        "status_report_pulled", "status_pull_started").get()


# --- stale reports -------------------------------------------------------------------------


class OvertakingDocdata(CannedSoapAdapter):
    """While answering the first status call, another pull of the order runs to its end."""

    def __init__(self, order: DocdataOrder):
        super().__init__()
        self.order = order
        self.overtaken = False

    def send(self, request: Any, **kwargs: Any) -> Any:
        response = super().send(request, **kwargs)
        if not self.overtaken and self.requests[-1].operation == "status":
            self.overtaken = True
            Interface().update_order(DocdataOrder.objects.get(pk=self.order.pk))
        return response


def test_a_report_of_an_earlier_pull_is_not_applied_over_a_newer_one(make_order):
    order = make_order(amount="12.34")
    adapter = OvertakingDocdata(order)
    adapter.add("status", NOTHING)  # the first call: read before the payment
    adapter.add("status", PAID)  # the overtaking call: started later, applied first
    with canned_docdata(adapter=adapter):
        update = Interface().update_order(order)

    assert not update.changed and not update.status_changed
    assert update.new_status == DocdataOrder.STATUS_PAID
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert order.payments.count() == 1


def test_a_report_started_before_the_applied_one_changes_nothing(make_order, docdata):
    later = timezone.now() + timedelta(minutes=1)
    order = make_order(status_report_pulled=later)
    docdata.set("status", PAID)

    update = Interface().update_order(order)

    assert not update.changed
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_NEW
    assert order.status_report_pulled == later
    assert order.payments.count() == 0


def test_an_applied_report_records_when_its_pull_started(make_order, docdata):
    order = make_order()
    docdata.set("status", PAID)
    before = timezone.now()

    Interface().update_order(order)

    applied, granted = pull_state(order)
    assert before <= applied <= timezone.now()
    assert granted is None  # an API call is not a notification's pull
    assert order.status_report_pulled == applied  # the caller's copy too


def test_cancel_pulls_again_when_its_report_was_overtaken(make_order):
    order = make_order(amount="12.34")
    adapter = OvertakingDocdata(order)
    adapter.add("cancel", replies.cancel_reply())
    adapter.set("status", NOTHING)
    with canned_docdata(adapter=adapter):
        Interface().cancel_order(order)

    # cancel, its first pull, the overtaking pull, its second pull
    assert adapter.operations() == ["cancel", "status", "status", "status"]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_CANCELLED


def test_expire_does_not_ask_docdata_about_an_order_that_left_new(make_order, docdata):
    order = make_order(status=DocdataOrder.STATUS_PAID)
    order.status = DocdataOrder.STATUS_NEW  # the caller's copy is old

    assert Interface().expire_order(order) is None
    assert docdata.requests == []
    assert order.status == DocdataOrder.STATUS_PAID


# --- grants ----------------------------------------------------------------------------------


class Pull:
    def __init__(self, error: BaseException | None = None):
        self.calls = 0
        self.error = error

    def __call__(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error


def test_the_first_request_is_granted_a_pull(make_order):
    order = make_order()
    pull = Pull()

    outcome = pulls.coalesced_pull(order, pull, interval=2, wait=0)

    assert (outcome.fresh, outcome.pulled, pull.calls) == (True, True, 1)
    assert pull_state(order)[1] is not None


def test_no_pull_within_the_interval_and_503_material_after_the_wait(make_order):
    order = make_order(status_pull_started=timezone.now())
    pull = Pull()
    naps: list[float] = []

    outcome = pulls.coalesced_pull(order, pull, interval=5, wait=0.3, sleep=naps.append)

    assert (outcome.fresh, outcome.pulled, pull.calls) == (False, False, 0)
    assert outcome.retry_after == 5
    assert naps and all(nap <= pulls.POLL_SECONDS for nap in naps)


def test_a_pull_is_granted_once_the_interval_has_passed(make_order):
    order = make_order(status_pull_started=timezone.now() - timedelta(seconds=3))
    pull = Pull()

    outcome = pulls.coalesced_pull(order, pull, interval=2, wait=0)

    assert outcome.pulled and pull.calls == 1


def test_a_waiting_request_shares_a_pull_that_started_after_it_arrived(make_order):
    arrived = timezone.now()
    order = make_order(status_pull_started=arrived - timedelta(seconds=1))
    pull = Pull()

    def another_process_pulls(seconds: float) -> None:
        # A pull granted after this request arrived is applied meanwhile.
        DocdataOrder.objects.filter(pk=order.pk).update(
            status_pull_started=arrived + timedelta(milliseconds=5),
            status_report_pulled=arrived + timedelta(milliseconds=5))

    outcome = pulls.coalesced_pull(order, pull, arrived=arrived, interval=2, wait=3,
                                   sleep=another_process_pulls)

    assert (outcome.fresh, outcome.pulled, pull.calls) == (True, False, 0)


def test_a_pull_that_started_before_arrival_does_not_count(make_order):
    arrived = timezone.now()
    earlier = arrived - timedelta(milliseconds=1)
    order = make_order(status_pull_started=earlier, status_report_pulled=earlier)
    pull = Pull()

    outcome = pulls.coalesced_pull(order, pull, arrived=arrived, interval=5, wait=0.2,
                                   sleep=lambda seconds: None)

    assert not outcome.fresh and pull.calls == 0


def test_a_failed_pull_hands_the_grant_back(make_order):
    before = timezone.now() - timedelta(seconds=10)
    order = make_order(status_pull_started=before)
    pull = Pull(DocdataGatewayError("status", "down"))

    with pytest.raises(DocdataGatewayError):
        pulls.coalesced_pull(order, pull, interval=2, wait=0)

    assert pull_state(order)[1] == before
    assert pulls.coalesced_pull(order, Pull(), interval=2, wait=0).pulled


def test_a_lease_of_a_dead_process_blocks_only_for_the_interval(make_order):
    # A process died after taking the grant: nothing applied, the grant stays.
    order = make_order(status_pull_started=timezone.now() - timedelta(seconds=2.5))
    assert pulls.coalesced_pull(order, Pull(), interval=2, wait=0).pulled


# --- no minimum interval ---------------------------------------------------------------------


def test_without_an_interval_each_request_after_a_pull_gets_its_own(make_order):
    order = make_order(status_pull_started=timezone.now())
    pull = Pull()

    for _ in range(3):
        assert pulls.coalesced_pull(order, pull, interval=0, wait=0).pulled
    assert pull.calls == 3


def test_without_an_interval_a_pull_that_started_after_arrival_is_still_shared(make_order):
    arrived = timezone.now()
    # Granted to another request just after this one arrived, not applied yet.
    order = make_order(status_pull_started=arrived + timedelta(milliseconds=1))
    pull = Pull()
    naps: list[float] = []

    def applied_meanwhile(seconds: float) -> None:
        naps.append(seconds)
        DocdataOrder.objects.filter(pk=order.pk).update(
            status_report_pulled=arrived + timedelta(milliseconds=1))

    outcome = pulls.coalesced_pull(order, pull, arrived=arrived, interval=0, wait=3,
                                   sleep=applied_meanwhile)

    assert (outcome.fresh, outcome.pulled, pull.calls) == (True, False, 0)
    assert len(naps) == 1


# --- the views -------------------------------------------------------------------------------


def test_notification_is_200_after_its_own_pull(make_order, docdata, notify, settings):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 2.0
    order = make_order(amount="12.34")
    docdata.set("status", PAID)

    response = notify(order)

    assert (response.status_code, response.content) == (200, b"ok")
    assert docdata.operations() == ["status"]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert order.status_pull_started <= order.status_report_pulled


def test_notification_within_the_interval_is_503_with_retry_after(
    make_order, docdata, notify, settings, signal_log,
):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 2.0
    settings.DOCDATA_NOTIFICATION_MAX_WAIT = 0.2
    order = make_order(status_pull_started=timezone.now())
    docdata.set("status", PAID)

    response = notify(order)

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert docdata.requests == []
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_NEW
    assert signal_log.of("status_changed_view_called") == []


def test_notification_answered_by_a_pull_of_another_request(make_order, docdata, rf, settings,
                                                            monkeypatch):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 2.0
    settings.DOCDATA_NOTIFICATION_MAX_WAIT = 3.0
    order = make_order(status_pull_started=timezone.now())

    def other_request_applies(seconds: float) -> None:
        # Another request was granted after this one arrived and applied its report.
        Interface().update_order(DocdataOrder.objects.get(pk=order.pk))

    docdata.set("status", PAID)
    monkeypatch.setattr(pulls.time, "sleep", other_request_applies)
    request = rf.get(reverse("order_status_update"), {"order_id": order.merchant_order_id})
    response = StatusChangedNotificationView.as_view()(request)

    assert (response.status_code, response.content) == (200, b"ok")
    assert docdata.operations() == ["status"]  # the other request's call only


def test_the_return_view_never_answers_503(make_order, docdata, client, settings):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 2.0
    settings.DOCDATA_NOTIFICATION_MAX_WAIT = 0.1
    settings.DOCDATA_PENDING_URL = "/pending/"
    settings.DOCDATA_SUCCESS_URL = "/paid/"
    order = make_order(status_pull_started=timezone.now())
    docdata.set("status", PAID)

    response = client.get(reverse("return_url"),
                          {"callback": "SUCCESS", "order_id": order.order_key})

    assert response.status_code == 302
    assert response["Location"] == "/pending/"
    assert docdata.requests == []


def test_a_shops_update_order_override_makes_the_pull(make_order, docdata, settings):
    settings.DOCDATA_NOTIFICATION_MIN_INTERVAL = 2.0
    order = make_order()
    docdata.set("status", PAID)
    seen: list[str] = []

    class ShopView(StatusChangedNotificationView):
        def update_order(self, order: DocdataOrder) -> Any:
            seen.append(order.order_key)
            return super().update_order(order)

    request = RequestFactory().get("/", {"order_id": order.merchant_order_id})
    response = ShopView.as_view()(request)

    assert response.status_code == 200
    assert seen == [order.order_key]
