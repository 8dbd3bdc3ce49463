"""Benchmark 4: what one SOAP ``status`` call costs the simulator, in-process.

Run from the repository root::

    .venv/bin/python benchmarks/bench_simulator_status.py [--postgres]
        [--orders 200] [--calls 1000] [--rounds 10] [--profile]

Seeds ``--orders`` simulated orders, each with one payment attempt (iDEAL, authorized)
and one capture, as bench_reconcile.py's ``seed()`` does, then posts ``--calls`` status
requests, round robin over the orders, to the simulator's SOAP endpoint through
Django's test ``Client`` (URL resolution, the middleware, the view: all but the HTTP
server). The request envelope is the plugin's own (``DocdataClient.build_envelope``),
serialised once, with each order's key put in. The simulator is configured as
benchmarks/simulator_server.py configures it (a ``latency`` fault on status, here of
0 seconds, and no notifications), with DOCDATA_SIMULATOR_CHECK_REPLIES off (its
default) and, in a second row, on (as in the test suite).

The table shows wall and CPU (``time.process_time``) milliseconds per call, each the
best of ``--rounds`` rounds (as ``timeit`` does: other processes on the machine only
ever make a round slower), and SQL statements per call (every statement through
Django's cursors, SQLite's BEGIN included; commits are not statements). ``--profile``
adds the cProfile functions that took the most time of the calls without reply
checking. The PostgreSQL database is named after this script (common.database()
drops a database of the same name), so it can run next to the other benchmarks.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from common import database, print_table, seed_simulated_orders, setup_django

MERCHANT = "shop_test"
AMOUNT = 1000
FIRST_KEY = 0xB51A0000


def order_key(number: int) -> str:
    return f"{FIRST_KEY + number:032X}"


def seed(orders: int) -> list[str]:
    """``orders`` simulated orders with one authorized attempt and one capture each."""
    seed_simulated_orders(
        [(MERCHANT, order_key(number), f"SIM-{number}") for number in range(orders)],
        amount=AMOUNT, first_payment_id=4_300_000_000)
    return [order_key(number) for number in range(orders)]


def status_bodies(keys: list[str]) -> list[bytes]:
    """The plugin's status request for every key (one envelope, each key put in)."""
    from lxml import etree

    from oscar_docdata.gateway import builders
    from oscar_docdata.gateway.client import DocdataClient

    envelope = DocdataClient(merchant_name=MERCHANT).build_envelope(
        "status", builders.order_key_only(keys[0]))
    template = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    marker = keys[0].encode()
    if template.count(marker) != 1:
        raise SystemExit("the order key is not once in the plugin's status request")
    return [template.replace(marker, key.encode()) for key in keys]


class Endpoint:
    """Posts status requests to the simulator's SOAP view and checks every answer."""

    def __init__(self) -> None:
        from django.test import Client
        from django.urls import reverse

        self.client = Client()
        self.url = reverse("docdata_simulator:soap")

    def call(self, body: bytes) -> None:
        response = self.client.post(self.url, data=body, content_type="text/xml; charset=utf-8",
                                    HTTP_SOAPACTION='"status"')
        if response.status_code != 200 or b"statusSuccess" not in response.content:
            raise SystemExit(f"unexpected answer {response.status_code}: "
                             f"{response.content[:300]!r}")


class StatementCounter:
    """Counts the SQL statements run through Django's cursors (no query log kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(endpoint: Endpoint, bodies: list[bytes], calls: int, rounds: int,
            profiler: cProfile.Profile | None = None) -> tuple[float, float, float]:
    """Best of ``rounds`` rounds of (wall s, CPU s) per call; SQL statements per call."""
    from django.db import connection

    for body in bodies[:20]:  # warm up: schema, compiled queries, URL resolver, connection
        endpoint.call(body)
    walls, cpus = [], []
    counter = StatementCounter()
    per_round = max(calls // rounds, 1)
    with connection.execute_wrapper(counter):
        for round_number in range(rounds):
            if profiler:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            for index in range(round_number * per_round, (round_number + 1) * per_round):
                endpoint.call(bodies[index % len(bodies)])
            walls.append((time.perf_counter() - wall) / per_round)
            cpus.append((time.process_time() - cpu) / per_round)
            if profiler:
                profiler.disable()
    return min(walls), min(cpus), counter.count / (per_round * rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10,
                        help="the calls are timed in this many rounds; the best is shown")
    parser.add_argument("--profile", action="store_true",
                        help="print the functions that took the most time")
    options = parser.parse_args()
    # A database name of its own: common.database() clobbers a database of the same name,
    # and other benchmarks may be running with the default one.
    os.environ.setdefault("BENCH_DB_NAME", "oscar_docdata_bench_simulator_status")
    setup_django(postgres=options.postgres)

    from django.test.utils import override_settings

    rows = []
    profiler = cProfile.Profile() if options.profile else None
    with database():
        bodies = status_bodies(seed(options.orders))
        endpoint = Endpoint()
        for check in (False, True):
            with override_settings(
                    DOCDATA_SIMULATOR_FAULTS={"status": {"mode": "latency", "seconds": 0}},
                    DOCDATA_SIMULATOR_NOTIFY="off", DOCDATA_SIMULATOR_CHECK_REPLIES=check):
                wall, cpu, queries = measure(endpoint, bodies, options.calls, options.rounds,
                                             None if check else profiler)
            rows.append(["on" if check else "off", options.calls, f"{wall * 1000:.2f}",
                         f"{cpu * 1000:.2f}", f"{queries:.1f}"])
    backend = "PostgreSQL" if options.postgres else "SQLite in memory"
    print(f"Simulator status call, in-process through the test Client ({backend}; "
          f"{options.orders} orders with 1 attempt + 1 capture)")
    print_table(["reply check", "calls", "wall ms/call", "CPU ms/call", "queries/call"], rows)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
