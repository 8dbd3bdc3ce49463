"""Load: 200 notifications for 20 orders from 8 threads while Docdata keeps changing.

Against the PostgreSQL-backed live server, over loopback HTTP: 8 threads send
Docdata's notifications (180 while another thread keeps changing the orders' payments
in the simulator — authorizations, partial and full captures, refunds, chargebacks,
failed attempts — and injects a few faults; then the last 20, one per order, once the
changes are done). Then:

- no answer but 200, except exactly one 503 per injected status fault;
- every order's stored state equals a fresh serial recomputation: the pure status
  engine run over a fresh status report from Docdata, from the order's first state and
  from its current one;
- the signals were sent exactly once per change: one payment_added per payment line,
  one order_status_changed per recorded status change (and no other), and no payment
  line announced twice with the same values.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.db import connections
from django.utils import timezone

from oscar_docdata.gateway import DocdataClient
from oscar_docdata.gateway.values import Address, Amount, Destination, Name, Shopper
from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.status_engine import EngineSettings, OrderState, evaluate

from .support import NEEDS_POSTGRES, on_postgres, payment_state

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not on_postgres(), reason=NEEDS_POSTGRES),
]

ORDERS = 20
THREADS = 8
DURING_CHANGES = 180  # then one more per order: 200 in all
INJECTED_FAULTS = 6
SEED = 20240607

#: What Docdata does to each order, in order (actions of the simulator's handle), and
#: the status the plugin must end with. Amounts in euros of an order of EUR 20.00.
PLANS: list[tuple[list[tuple[str, tuple]], str]] = [
    ([("settle", ("authorized",)), ("capture", (Decimal("10.00"),)), ("capture", ()),
      ("refund", (Decimal("5.00"),))], DocdataOrder.STATUS_PAID_REFUNDED),
    ([("settle", ("failed",)), ("settle", ("paid",))], DocdataOrder.STATUS_PAID),
    ([("settle", ("pending",)), ("pay", ())], DocdataOrder.STATUS_PAID),
    ([("settle", ("paid",)), ("chargeback", ())], DocdataOrder.STATUS_CHARGED_BACK),
    ([("settle", ("authorized",))], DocdataOrder.STATUS_PENDING),
]


def shopper_args(number: str) -> dict[str, Any]:
    name = Name(first="Lo", last="Ad")
    return {
        "shopper": Shopper(id=number, name=name, email="load@example.com", language="en"),
        "bill_to": Destination(name=name, address=Address(
            street="Damrak", house_number="1", house_number_addition=None,
            postal_code="1012LG", city="Amsterdam", state=None, country_code="NL")),
    }


class Results:
    """Answers to the notifications and errors of the threads, from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: list[int] = []
        self.errors: list[BaseException] = []

    def code(self, code: int) -> None:
        with self.lock:
            self.codes.append(code)

    def error(self, error: BaseException) -> None:
        with self.lock:
            self.errors.append(error)


def notifier(url: str, jobs: queue.Queue, results: Results) -> None:
    session = requests.Session()
    try:
        while True:
            reference = jobs.get()
            if reference is None:
                return
            response = session.get(url, params={"order_id": reference}, timeout=30)
            results.code(response.status_code)
    except BaseException as error:  # reported by the test
        results.error(error)
    finally:
        session.close()


def changer(simulator: Any, orders: list[DocdataOrder], results: Results,
            rng: random.Random) -> None:
    """Docdata's side: run every order's plan, interleaved at random."""
    try:
        steps = {order.order_key: list(PLANS[index % len(PLANS)][0])
                 for index, order in enumerate(orders)}
        done = 0
        while any(steps.values()):
            key = rng.choice([key for key, left in steps.items() if left])
            action, args = steps[key].pop(0)
            getattr(simulator, action)(key, *args)
            done += 1
            if done == 10:  # Docdata stumbles for a few calls, in the thick of it
                simulator.inject_fault("status", "http_500", count=INJECTED_FAULTS)
            time.sleep(rng.uniform(0, 0.02))
    except BaseException as error:
        results.error(error)
    finally:
        connections.close_all()


def run_notifiers(url: str, references: list[str], results: Results) -> None:
    jobs: queue.Queue = queue.Queue()
    for reference in references:
        jobs.put(reference)
    threads = [threading.Thread(target=notifier, args=(url, jobs, results))
               for _ in range(THREADS)]
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a notifier thread hangs"


def test_notifications_under_load(live_simulator_quiet, live_server, signal_recorder):
    # The simulator does not notify: the notifier threads are Docdata here.
    started = time.monotonic()
    orders = []
    for number in range(ORDERS):
        reference = f"LOAD-{number}"
        key = Interface().create_payment(reference, Amount(Decimal("20.00"), "EUR"), None,
                                         **shopper_args(reference))
        orders.append(DocdataOrder.objects.get(order_key=key))
    first_state = {order.pk: OrderState(status=order.status, currency=order.currency,
                                        total_gross_amount=order.total_gross_amount,
                                        created=order.created, order_key=order.order_key)
                   for order in orders}
    rng = random.Random(SEED)
    references = [order.merchant_order_id for order in orders] * (DURING_CHANGES // ORDERS)
    rng.shuffle(references)
    url = f"{live_server.url}/api/docdata/update_order/"
    results = Results()

    changes = threading.Thread(target=changer,
                               args=(live_simulator_quiet, orders, results, rng))
    changes.start()
    run_notifiers(url, references, results)
    changes.join(timeout=120)
    assert not changes.is_alive(), "the simulator's changes hang"
    run_notifiers(url, [order.merchant_order_id for order in orders], results)

    assert results.errors == []
    assert len(results.codes) == DURING_CHANGES + ORDERS
    assert Counter(results.codes) == {200: DURING_CHANGES + ORDERS - INJECTED_FAULTS,
                                      503: INJECTED_FAULTS}

    # The stored state is what a serial recomputation from a fresh report gives.
    client = DocdataClient()
    engine_settings = EngineSettings.from_settings()
    for index, order in enumerate(orders):
        order.refresh_from_db()
        report = client.status(order.order_key)
        current = OrderState(status=order.status, currency=order.currency,
                             total_gross_amount=order.total_gross_amount,
                             created=order.created, order_key=order.order_key)
        for state in (first_state[order.pk], current):
            outcome = evaluate(report, state, engine_settings, now=timezone.now())
            assert order.status == outcome.status, order.merchant_order_id
            assert {name: getattr(order, name) for name in outcome.totals} == outcome.totals
            stored = {payment.payment_id: payment for payment in order.payments.all()}
            assert set(stored) == {values.payment_id for values in outcome.payments}
            for values in outcome.payments:
                row = stored[values.payment_id]
                assert {name: getattr(row, name) for name in values.as_fields()} == \
                    values.as_fields()
        assert order.status == PLANS[index % len(PLANS)][1], order.merchant_order_id

    # Signals: exactly once per change.
    payments = list(DocdataPayment.objects.all())
    assert signal_recorder.added_per_payment() == Counter(p.payment_id for p in payments)
    history = Counter(DocdataStatusChange.objects.values_list(
        "docdata_order_id", "old_status", "new_status"))
    assert Counter(signal_recorder.status_changes) == history
    assert max(history.values()) == 1
    # The notifications did race the changes: many intermediate states were seen.
    assert sum(history.values()) > ORDERS, history
    for order in orders:
        chain = list(order.status_changes.order_by("id").values_list("old_status",
                                                                       "new_status"))
        assert chain[0][0] == DocdataOrder.STATUS_NEW
        assert all(old == previous_new for (_o, previous_new), (old, _n)
                   in zip(chain, chain[1:], strict=False))
        assert chain[-1][1] == order.status
    announced: dict[int, list[tuple]] = {}
    for payment_id, state in signal_recorder.added + signal_recorder.updated:
        announced.setdefault(payment_id, []).append(state)
    for payment in payments:
        states = announced[payment.payment_id]
        assert len(states) == len(set(states)), payment.payment_id
        assert payment_state(payment) in states
    assert time.monotonic() - started < 120
