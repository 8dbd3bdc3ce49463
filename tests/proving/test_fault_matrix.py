"""The fault matrix: every operation the shop uses × every way Docdata can fail.

Against the simulator behind the live server, over real HTTP, with its fault
injection (refused connections: DOCDATA_BASE_URL points at a local port that refuses
them). For each operation and fault:

- the caller gets the documented exception: DocdataGatewayError naming the operation
  and what happened, or the operation's DocdataRequestError for an ``…Errors`` reply;
  for status, Docdata's notification is answered 503 so that Docdata retries;
- nothing is half-written: every row of the plugin's tables and of the Oscar tables
  its receivers write (order, status changes, notes, payment events, sources,
  transactions) is unchanged, and no signal is sent; the simulator did nothing either;
- a capture or refund is recorded as what it is: refused, not sent, or sent with an
  unknown outcome (which blocks the next one until a status pull settles it);
- once Docdata is back, the operation succeeds and a notification converges to the
  right status, the Oscar order following.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from oscar_docdata.exceptions import (
    REQUEST_ERRORS,
    DocdataGatewayError,
    DocdataMoneyBlocked,
    DocdataOutcomeUnknown,
)
from oscar_docdata.facade import get_facade
from oscar_docdata.gateway.values import Address, Amount, Destination, IdealPayment, Name, Shopper
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataMoneyRequest, DocdataOrder
from oscar_docdata.simulator.models import (
    Capture,
    Chargeback,
    PaymentAttempt,
    Refund,
    SimulatedOrder,
)

from .support import (
    DOCDATA_MODELS,
    NEEDS_POSTGRES,
    OSCAR_MODELS,
    next_number,
    on_postgres,
    snapshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

Order = get_model("order", "Order")
SIMULATOR_MODELS = (SimulatedOrder, PaymentAttempt, Capture, Refund, Chargeback)
TIMEOUT = 1  # DOCDATA_TIMEOUT during these tests, in seconds

#: fault → what the DocdataGatewayError's reason says.
FAULTS: dict[str, str] = {
    "timeout": "timed out",
    "refused": "connection refused",
    "http_500": "HTTP 500",
    "soap_fault": "SOAP fault",
    "malformed_xml": "unparsable XML",
    "errors": "",  # the operation's DocdataRequestError instead
}
OPERATIONS = ("create", "start", "cancel", "capture", "refund", "status")
MONEY_OPERATIONS = ("capture", "refund")


# --- the shop's side ---------------------------------------------------------------------


def shopper_args(number: str) -> dict[str, Any]:
    name = Name(first="Jan", last="Jansen")
    return {
        "shopper": Shopper(id=f"shopper-{number}", name=name, email="jan@example.com",
                           language="nl"),
        "bill_to": Destination(name=name, address=Address(
            street="Damrak", house_number="1", house_number_addition=None,
            postal_code="1012LG", city="Amsterdam", state=None, country_code="NL")),
    }


def create_payment(number: str) -> DocdataOrder:
    key = Interface().create_payment(number, Amount(Decimal("10.00"), "EUR"), None,
                                     **shopper_args(number))
    return DocdataOrder.objects.get(order_key=key)


@dataclass
class Shop:
    """The shop under test: the live server's URL and the simulator's handle."""

    url: str
    simulator: Any
    reference: str = ""  # of the order the create scenario creates

    def notify(self, order: DocdataOrder) -> requests.Response:
        """Docdata's notification for ``order``, over HTTP."""
        return requests.get(f"{self.url}/api/docdata/update_order/",
                            params={"order_id": order.merchant_order_id}, timeout=30)

    def placed_order(self) -> DocdataOrder:
        """An Oscar order (EUR 10.00) paid through a new Docdata order."""
        number = f"FM{next_number():05d}"
        create_order(number=number)
        return create_payment(number)

    def notified(self, order: DocdataOrder, status: str) -> DocdataOrder:
        response = self.notify(order)
        assert (response.status_code, response.text) == (200, "ok")
        order.refresh_from_db()
        assert order.status == status
        return order


# --- one scenario per operation ----------------------------------------------------------


@dataclass
class Scenario:
    """How to reach the state an operation needs, call it, and what success leads to."""

    prepare: Callable[[Shop], DocdataOrder | None]
    call: Callable[[Shop, DocdataOrder | None], Any]
    final_status: str
    oscar_status: str | None  # the Oscar order's status once converged


def _prepare_authorized(shop: Shop) -> DocdataOrder:
    order = shop.placed_order()
    shop.simulator.settle(order.order_key, "authorized")
    return shop.notified(order, DocdataOrder.STATUS_PENDING)


def _prepare_paid(shop: Shop) -> DocdataOrder:
    order = shop.placed_order()
    shop.simulator.settle(order.order_key, "paid")
    return shop.notified(order, DocdataOrder.STATUS_PAID)


def _prepare_paid_at_docdata(shop: Shop) -> DocdataOrder:
    order = shop.placed_order()
    shop.simulator.settle(order.order_key, "paid")  # the shop does not know yet
    return order


def _prepare_reference(shop: Shop) -> None:
    shop.reference = f"FC{next_number():05d}"


def _create(shop: Shop, order: DocdataOrder | None) -> DocdataOrder:
    return create_payment(shop.reference)


def _status(shop: Shop, order: DocdataOrder) -> Any:
    response = shop.notify(order)
    if response.status_code != 200:
        return response
    return get_facade().update_order(order)


SCENARIOS: dict[str, Scenario] = {
    "create": Scenario(_prepare_reference, _create, DocdataOrder.STATUS_NEW, None),
    "start": Scenario(
        lambda shop: shop.placed_order(),
        lambda shop, order: get_facade().start_payment(order, IdealPayment("INGBNL2A")),
        DocdataOrder.STATUS_IN_PROGRESS, "Pending",
    ),
    "cancel": Scenario(
        lambda shop: shop.placed_order(),
        lambda shop, order: get_facade().cancel_order(order),
        DocdataOrder.STATUS_CANCELLED, "Cancelled",
    ),
    "capture": Scenario(
        _prepare_authorized,
        lambda shop, order: get_facade().capture(order),
        DocdataOrder.STATUS_PAID, "Paid",
    ),
    "refund": Scenario(
        _prepare_paid,
        lambda shop, order: get_facade().refund(order, Decimal("4.00")),
        DocdataOrder.STATUS_PAID_REFUNDED, "Paid",
    ),
    "status": Scenario(_prepare_paid_at_docdata, _status, DocdataOrder.STATUS_PAID, "Paid"),
}


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that refuses connections (bound, never listening) while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def shop(live_simulator_quiet, live_server, settings, oscar_receivers) -> Shop:
    settings.DOCDATA_TIMEOUT = TIMEOUT
    return Shop(live_server.url, live_simulator_quiet)


def break_docdata(shop: Shop, operation: str, fault: str, settings: Any, port: int) -> None:
    if fault == "refused":
        settings.DOCDATA_BASE_URL = f"http://127.0.0.1:{port}/ps"
    elif fault == "timeout":
        # The simulator answers after the client gave up (it then changes nothing).
        shop.simulator.inject_fault(operation, "no_answer", seconds=TIMEOUT + 0.5)
    else:
        shop.simulator.inject_fault(operation, fault)


def mend_docdata(shop: Shop, settings: Any) -> None:
    settings.DOCDATA_BASE_URL = shop.simulator.base_url
    shop.simulator.clear_faults()


def outcome_of(call: Callable[[], Any]) -> Any:
    """What ``call`` returned, or the exception it raised (checked by check_failure)."""
    try:
        return call()
    except Exception as error:
        return error.with_traceback(None)  # its frames need not outlive the test


def check_failure(operation: str, fault: str, outcome: Any) -> None:
    """The caller got the documented exception (or, for status, the 503 answer)."""
    if isinstance(outcome, requests.Response):
        assert operation == "status"
        assert outcome.status_code == 503
        assert outcome.headers["Content-Type"].startswith("text/plain")
        return
    assert isinstance(outcome, Exception), f"{operation} did not fail: {outcome!r}"
    if fault == "errors":
        assert type(outcome) is REQUEST_ERRORS[operation]
        assert outcome.errors == [("INTERNAL_ERROR", "Simulated error.")]
    else:
        # A capture or refund that was sent may have moved money: outcome unknown.
        unknown = operation in MONEY_OPERATIONS and fault != "refused"
        expected = DocdataOutcomeUnknown if unknown else DocdataGatewayError
        assert type(outcome) is expected, repr(outcome)
        assert outcome.operation == operation
        assert FAULTS[fault] in outcome.reason, outcome.reason


def recorded_request_state(fault: str) -> str:
    """How a capture or refund that met ``fault`` is recorded."""
    return {"errors": "refused", "refused": "not_sent"}.get(fault, "unknown")


# --- the matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("operation", OPERATIONS)
def test_fault(operation, fault, shop, settings, closed_port, signal_recorder):
    scenario = SCENARIOS[operation]
    order = scenario.prepare(shop)
    signal_recorder.clear()
    before = snapshot(DOCDATA_MODELS + OSCAR_MODELS + SIMULATOR_MODELS)

    break_docdata(shop, operation, fault, settings, closed_port)
    check_failure(operation, fault, outcome_of(lambda: scenario.call(shop, order)))
    if operation == "status":  # the shop's own status call fails the same way
        check_failure(operation, fault, outcome_of(lambda: get_facade().update_order(order)))

    assert snapshot(DOCDATA_MODELS + OSCAR_MODELS + SIMULATOR_MODELS) == before
    assert signal_recorder.empty
    if operation in MONEY_OPERATIONS:  # recorded, never half-written
        assert list(DocdataMoneyRequest.objects.values_list("state", flat=True)) == [
            recorded_request_state(fault)]

    # Docdata is back: the operation succeeds, and a notification converges.
    mend_docdata(shop, settings)
    if operation in MONEY_OPERATIONS and recorded_request_state(fault) == "unknown":
        # Blocked until a status pull shows the request never reached Docdata.
        with pytest.raises(DocdataMoneyBlocked):
            scenario.call(shop, order)
        settings.DOCDATA_UNKNOWN_OUTCOME_GRACE = 0
        shop.notified(order, order.status)
        assert DocdataMoneyRequest.objects.get().state == "not_received"
    if operation == "create":
        order = scenario.call(shop, None)
    elif operation != "status":
        scenario.call(shop, order)
    if operation in MONEY_OPERATIONS:  # Docdata reports it NEW until it is executed
        shop.simulator.settle_pending(order.order_key)
    converged = shop.notified(order, scenario.final_status)
    if operation == "create":
        assert converged.merchant_order_id == shop.reference  # not "<reference>-2"
        assert DocdataOrder.objects.count() == 1
    else:
        oscar_order = Order.objects.get(number=converged.order_number)
        assert oscar_order.status == scenario.oscar_status
    changes = [new for _pk, _old, new in signal_recorder.status_changes]
    assert changes == ([] if scenario.final_status == DocdataOrder.STATUS_NEW
                       else [scenario.final_status])


@pytest.mark.postgres
@pytest.mark.parametrize("fault", [name for name in FAULTS if name != "refused"])
def test_docdata_retries_until_the_notification_converges(fault, shop, settings, signal_recorder):
    """The simulator notifies as Docdata does: the 503 makes it retry, the retry lands.

    PostgreSQL only: the fault clears itself after one call, and the simulator counts
    that call down in the live server's own connection. On SQLite every thread of the
    live server shares one connection, so the shop's transaction around its status call
    would roll the count-down back with its own work.
    """
    if not on_postgres():
        pytest.skip(NEEDS_POSTGRES)
    order = shop.placed_order()
    settings.DOCDATA_SIMULATOR_NOTIFY = "sync"
    settings.DOCDATA_SIMULATOR_NOTIFY_BACKOFF = 0.01
    mode = "no_answer" if fault == "timeout" else fault
    seconds = TIMEOUT + 0.5 if fault == "timeout" else None
    shop.simulator.inject_fault("status", mode, seconds=seconds, count=1)

    shop.simulator.settle(order.order_key, "paid")  # notifies, retrying until answered 200

    codes = [attempt.status_code for attempt in shop.simulator.notifications(order.order_key)]
    assert codes == [503, 200]
    order.refresh_from_db()
    assert order.status == DocdataOrder.STATUS_PAID
    assert Order.objects.get(number=order.order_number).status == "Paid"
    assert signal_recorder.status_changes == [(order.pk, "new", "paid")]
    assert list(signal_recorder.added_per_payment().values()) == [1]
