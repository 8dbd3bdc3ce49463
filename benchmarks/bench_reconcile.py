"""Benchmark 2: reconciliation throughput against the simulator with 100 ms latency.

Run from the repository root (PostgreSQL required: many threads, one connection each)::

    .venv/bin/python benchmarks/bench_reconcile.py [--orders 2000] [--subset 100]
        [--workers 1,8,32] [--latency 0.1] [--docdata simulator,canned]
        [--simulator-processes 2] [--pool-size N]

2,000 orders (and a subset of 100 for one worker, which would otherwise take minutes)
are pending in the shop, created more than 30 minutes ago; Docdata holds their
payments (half authorized, half paid) and answers every status call after the
injected latency. ``reconcile_docdata_orders --workers N`` then refreshes them all
(``--processes`` is gone: work beyond one process runs on task workers); the shop's
state is reset before each run so that every run does the same work (one status change
and one new payment line per order). Docdata is, per table:

- ``simulator``: the simulator in processes of its own (benchmarks/simulator_server.py,
  Django's threaded server, ``--simulator-processes`` forked processes on one socket)
  over loopback HTTP, with its latency fault: end to end;
- ``canned``: a canned reply per order served in-process after the same latency: only
  the plugin's own work (and PostgreSQL's) takes CPU, as with the real, remote Docdata.

The tables show orders per second, the speed-up over one worker, and the CPU time per
order of the shop (this process: zeep, parsing, engine, SQL, receivers), of PostgreSQL
(postmaster and backends) and of the simulator. All of them share the machine's cores.
The plugin's session keeps as many connections to the simulator alive as the largest
worker count (``--pool-size`` sets another number; requests' default is 10 per host).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import socket
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from common import ROOT, database, print_table, seed_simulated_orders, setup_django
from requests.adapters import HTTPAdapter

HERE = Path(__file__).resolve().parent
MERCHANT, SUBSET_MERCHANT = "shop_test", "shop_sub"
AMOUNT = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu(pid: int) -> float:
    """CPU seconds of process ``pid``, its ended children and its live children (Linux).

    Ended children count once their parent has reaped them (PostgreSQL's postmaster
    reaps its backends), live ones are read one level down.
    """
    ticks = sum(int(value) for value in _stat(pid)[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(pid):
            try:
                fields = _stat(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
            if fields[1] == str(pid):  # its parent
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_pid() -> int:
    """The postmaster's pid: the parent of this connection's backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return int(_stat(backend)[1])


def own_cpu() -> float:
    """CPU seconds of this process and its reaped children."""
    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def seed(orders: int, subset: int) -> None:
    """Pending shop orders and their payments in the simulator, in bulk."""
    from django.utils import timezone

    from oscar_docdata.models import DocdataOrder

    plan = [(MERCHANT, number) for number in range(orders)] + \
           [(SUBSET_MERCHANT, orders + number) for number in range(subset)]
    seed_simulated_orders(
        [(merchant, f"{0xBE4C0000 + number:032X}", f"REC-{number}") for merchant, number in plan],
        amount=AMOUNT, first_payment_id=4_200_000_000, capture_every=2)
    DocdataOrder.objects.bulk_create([
        DocdataOrder(merchant_name=merchant, merchant_order_id=f"REC-{number}",
                     order_number=f"REC-{number}", order_key=f"{0xBE4C0000 + number:032X}",
                     total_gross_amount=Decimal(AMOUNT) / 100, currency="EUR")
        for merchant, number in plan
    ], batch_size=500)
    DocdataOrder.objects.update(created=timezone.now() - timedelta(hours=1))


def reset() -> None:
    """Every order back to what the shop knew before reconciliation."""
    from django.db import connection

    from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange

    DocdataPayment.objects.all().delete()
    DocdataStatusChange.objects.all().delete()
    DocdataOrder.objects.update(
        status=DocdataOrder.STATUS_NEW, total_registered=0, total_shopper_pending=0,
        total_acquirer_pending=0, total_acquirer_approved=0, total_captured=0,
        total_refunded=0, total_charged_back=0)
    # Every run starts from the same tables: without this, the dead rows of the
    # previous run make autovacuum compete for the cores during the next one.
    with connection.cursor() as cursor:
        for model in (DocdataOrder, DocdataPayment, DocdataStatusChange):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reconcile(workers: int, merchant: str) -> tuple[float, str]:
    from django.core.management import CommandError, call_command

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        call_command("reconcile_docdata_orders", "--workers", str(workers),
                     "--merchant", merchant, "--older-than", "0",
                     stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\n{error}")
    elapsed = time.perf_counter() - started
    summary = re.search(r"Updated: \d+, unchanged: \d+, failed: \d+", out.getvalue())
    failures = err.getvalue().strip().splitlines()
    text = summary.group(0) if summary else "no summary"
    if failures:
        text += f" ({failures[0][:80]})"
    return elapsed, text


class LatencyDocdata:
    """Canned status replies per order key, each served after ``latency`` seconds."""

    KEY = re.compile(rb"paymentOrderKey>([0-9A-F]{32})<")

    def __init__(self, latency: float) -> None:
        from oscar_docdata.simulator.models import PaymentAttempt
        from oscar_docdata.testing import replies
        from oscar_docdata.testing.canned import CannedSoapAdapter

        class Adapter(CannedSoapAdapter):
            def send(inner, request, *args, **kwargs):  # noqa: N805 - the adapter's self
                key = self.KEY.search(request.body).group(1).decode()
                time.sleep(latency)
                return inner._response(request, self.answers[key])

        self.answers: dict[str, object] = {}
        for attempt in PaymentAttempt.objects.select_related("order").prefetch_related(
                "captures"):
            captured = sum(capture.amount for capture in attempt.captures.all())
            body = replies.status_reply(
                registered=AMOUNT, acquirer_approved=AMOUNT, captured=captured,
                payments=[replies.payment_xml(
                    attempt.payment_id, amount=AMOUNT,
                    captures=[("CAPTURED", captured)] if captured else ())])
            self.answers[attempt.order.order_key] = _Reply(body, 200, "text/xml")
        self.adapter = Adapter()


class _Reply:
    def __init__(self, body: bytes, status: int, content_type: str) -> None:
        self.body, self.status, self.content_type = body, status, content_type


def runs(options: argparse.Namespace) -> list[int]:
    """The worker count of every run."""
    return [int(w) for w in options.workers.split(",")]


def run_table(docdata: str, options: argparse.Namespace, name: str) -> list[list[object]]:
    """Reconcile with every worker count against ``docdata``; one row per count."""
    from django.test.utils import override_settings

    from oscar_docdata.gateway.transport import get_http_session
    from oscar_docdata.models import DocdataOrder

    server = None
    if docdata == "simulator":
        port = free_port()
        env = dict(os.environ, BENCH_DATABASE="postgres", BENCH_DB_NAME=name)
        server = subprocess.Popen(  # noqa: S603 - our own helper script
            [sys.executable, str(HERE / "simulator_server.py"), str(port),
             str(options.latency), str(options.simulator_processes)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the simulator server did not start")
        host = f"http://127.0.0.1:{port}"
        base_url = f"{host}/docdata-sim"
        # Keep a connection per worker alive (requests keeps 10 per host by default; the
        # others would each cost the server a new connection, thread and database session).
        pool_size = options.pool_size or max(int(w) for w in options.workers.split(","))
        get_http_session().mount(f"{host}/", HTTPAdapter(
            max_retries=0, pool_connections=4, pool_maxsize=pool_size))
    else:
        host = "http://docdata.bench"
        base_url = f"{host}/ps"
        get_http_session().mount(f"{host}/", LatencyDocdata(options.latency).adapter)
    rows: list[list[object]] = []
    postmaster = postgres_pid()
    try:
        with override_settings(DOCDATA_BASE_URL=base_url, DOCDATA_TIMEOUT=30):
            reconcile(1, SUBSET_MERCHANT)  # warm up: WSDL, connections, caches
            base_rate = None
            for workers in runs(options):
                merchant = SUBSET_MERCHANT if workers == 1 else MERCHANT
                reset()
                cpu, pg_cpu = own_cpu(), process_cpu(postmaster)
                server_cpu = process_cpu(server.pid) if server else 0.0
                elapsed, summary = reconcile(workers, merchant)
                cpu, pg_cpu = own_cpu() - cpu, process_cpu(postmaster) - pg_cpu
                server_cpu = process_cpu(server.pid) - server_cpu if server else 0.0
                count = DocdataOrder.objects.filter(merchant_name=merchant).count()
                rate = count / elapsed
                base_rate = base_rate or rate
                per_order = [f"{value / count * 1000:.1f}" for value in (cpu, pg_cpu)]
                rows.append([workers, count, f"{elapsed:.1f}", f"{rate:.1f}",
                             f"{rate / base_rate:.1f}x", *per_order,
                             f"{server_cpu / count * 1000:.1f}" if server else "-", summary])
    finally:
        get_http_session().adapters.pop(f"{host}/", None)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--subset", type=int, default=100,
                        help="orders reconciled with one worker")
    parser.add_argument("--workers", default="1,8,32")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--docdata", default="simulator,canned",
                        help="simulator, canned or both (comma-separated)")
    parser.add_argument("--pool-size", type=int, default=None,
                        help="kept-alive connections to the simulator (default: most workers)")
    parser.add_argument("--simulator-processes", type=int, default=2,
                        help="processes serving the simulator")
    options = parser.parse_args()
    setup_django(postgres=True)

    tables = {}
    with database() as name:
        seed(options.orders, options.subset)
        for docdata in options.docdata.split(","):
            tables[docdata] = run_table(docdata, options, name)
    for docdata, rows in tables.items():
        where = (f"the simulator in {options.simulator_processes} process(es) of its own, "
                 "over loopback HTTP" if docdata == "simulator"
                 else "canned replies in-process")
        print(f"Reconciliation throughput, Docdata = {where} "
              f"({options.latency * 1000:.0f} ms latency per status call; PostgreSQL"
              f"{f'; pool of {options.pool_size}' if options.pool_size else ''}; "
              f"1 worker measured on {options.subset} orders)")
        print_table(["workers", "orders", "seconds", "orders/s", "speed-up",
                     "shop CPU ms/order", "PostgreSQL CPU ms/order",
                     "simulator CPU ms/order", "result"], rows)
        print()


if __name__ == "__main__":
    main()
