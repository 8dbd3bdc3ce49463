"""The management commands at scale: memory growth and progress output.

``section(n_orders)`` is run by ``bench_scale.py`` on a PostgreSQL database already
seeded with ``n_orders`` Docdata orders (three payments each). It runs, in-process:

- ``expire_docdata_orders --dry-run`` (lists every candidate),
- ``reconcile_docdata_orders`` against canned status replies (each order's stored
  payments, all captured: the order becomes paid),
- ``expire_docdata_orders`` against the same replies (the orders are paid meanwhile, so
  none expires: each is still asked and updated),

each with its output going to a pipe (no terminal), and reports the growth of the
process's resident memory during the command (peak minus start; ``/proc/self/clear_refs``
resets the peak) and the progress lines printed. So that every order is a candidate,
all of them are made ``new`` and 30 days old first; the orders, their payments and the
status history are copied aside on the server first and restored afterwards, so the
seeded database is left as it was (not one rolled-back transaction: its on-commit
callbacks, one per change, would pile up in memory and be measured). A one-order
update runs first, unmeasured, so that the client's one-time set-up (service
description, zeep) is not counted as growth. Target: at most +10 MB.

Run alone, it seeds a database of its own first (PostgreSQL, see benchmarks/settings.py)::

    python benchmarks/scale_commands.py [--orders 10000] [--commands dry-run,reconcile,expire]
"""

from __future__ import annotations

import argparse
import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

try:
    from common import database, print_table, setup_django
except ImportError:  # imported as benchmarks.scale_commands
    from benchmarks.common import database, print_table, setup_django

TARGET_MB = 10.0
PROGRESS_EVERY = 1000
HOST = "http://docdata.scale"


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    # Writing 5 resets the peak resident set size (VmHWM) to the current one (Linux).
    Path("/proc/self/clear_refs").write_text("5")


class Pipe(io.TextIOBase):
    """Standard output as a pipe to a log would take it: not kept in this process's
    memory (which is measured), except the progress and summary lines, and counted."""

    KEEP = re.compile(r"\d+/\d+ orders: |Updated: |Expired: |\d+ orders older than ")

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.lines: dict[str, int] = {}

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if self.KEEP.match(line):
                self.kept.append(line)
            else:
                prefix = line.split(":", 1)[0]
                self.lines[prefix] = self.lines.get(prefix, 0) + 1
        return len(text)

    def getvalue(self) -> str:
        counted = "".join(f"{prefix}: {count}\n" for prefix, count in self.lines.items())
        return "\n".join(self.kept) + "\n" + counted


def measured(name: str, *args: str) -> tuple[float, float, str, str]:
    """Run command ``name``; (memory growth in MB, seconds, stdout, stderr)."""
    import gc

    from django.core.management import CommandError, call_command

    out, err = Pipe(), io.StringIO()
    gc.collect()
    start = _status_kb("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    try:
        call_command(name, *args, "--progress-every", str(PROGRESS_EVERY), stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\n{error}")
    elapsed = time.perf_counter() - started
    return (_status_kb("VmHWM") - start) / 1024, elapsed, out.getvalue(), err.getvalue()


class StoredPaymentsDocdata:
    """A requests adapter answering each status call with the order's stored payments,
    all captured (read from the database per call: nothing held for all orders)."""

    KEY = re.compile(rb"paymentOrderKey>([0-9A-F]{32})<")

    def __new__(cls):
        from oscar_docdata.models import DocdataOrder, DocdataPayment
        from oscar_docdata.testing import replies
        from oscar_docdata.testing.canned import CannedSoapAdapter

        key_pattern = cls.KEY

        class Adapter(CannedSoapAdapter):
            def send(self, request, *args, **kwargs):
                body = request.body if isinstance(request.body, bytes) else request.body.encode()
                key = key_pattern.search(body).group(1).decode()
                order = DocdataOrder.objects.only("total_gross_amount").get(order_key=key)
                payments = list(DocdataPayment.objects.filter(docdata_order=order)
                                .values_list("payment_id", "amount_allocated"))
                cents = [int(amount * 100) for _id, amount in payments]
                reply = replies.status_reply(
                    registered=int(order.total_gross_amount * 100),
                    acquirer_approved=sum(cents), captured=sum(cents),
                    payments=[replies.payment_xml(payment_id, amount=amount,
                                                  captures=[("CAPTURED", amount)])
                              for (payment_id, _a), amount in zip(payments, cents, strict=True)])
                return self._response(request, type("Reply", (), {
                    "body": reply, "status": 200, "content_type": "text/xml"}))

        return Adapter()


def _progress_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"\d+/\d+ orders: ", line)]


def _make_all_candidates() -> None:
    from django.utils import timezone

    from oscar_docdata.models import DocdataOrder

    DocdataOrder.objects.update(status=DocdataOrder.STATUS_NEW,
                                created=timezone.now() - timedelta(days=30))


COMMANDS = ("dry-run", "reconcile", "expire")


def section(n_orders: int, commands: tuple[str, ...] = COMMANDS) -> list[tuple[str, str, bool]]:
    """(measure, figure, target met) of each of ``commands`` over the seeded orders."""
    from django.test.utils import override_settings

    from oscar_docdata.gateway.transport import get_http_session

    rows: list[tuple[str, str, bool]] = []
    expected_lines = n_orders // PROGRESS_EVERY

    def report(label: str, growth: float, elapsed: float, lines: list[str] | None) -> None:
        rows.append((f"{label}: memory growth", f"{growth:+.1f} MB in {elapsed:.0f} s "
                     f"({n_orders:,} orders)", growth <= TARGET_MB))
        if lines is not None:
            rows.append((f"{label}: progress lines without a terminal",
                         f"{len(lines)} (every {PROGRESS_EVERY:,} orders or 30 s); last: "
                         f"{lines[-1] if lines else '-'}", len(lines) >= expected_lines))

    session = get_http_session()
    session.mount(f"{HOST}/", StoredPaymentsDocdata())
    try:
        with override_settings(DOCDATA_BASE_URL=f"{HOST}/ps", DOCDATA_EXPIRE_DAYS=21), \
                saved_orders():
            _make_all_candidates()
            _warm_up()
            _make_all_candidates()
            if "dry-run" in commands:
                growth, elapsed, out, _err = measured("expire_docdata_orders", "--dry-run")
                listed = int(re.search(r"^would expire: (\d+)$", out, re.M).group(1))
                report("expire --dry-run", growth, elapsed, None)
                rows.append(("expire --dry-run: orders listed", f"{listed:,}",
                             listed == n_orders))
            if "reconcile" in commands:
                growth, elapsed, out, err = measured("reconcile_docdata_orders", "--workers",
                                                     "4", "--older-than", "0")
                report("reconcile --workers 4", growth, elapsed, _progress_lines(out))
                summary = re.search(r"Updated: .*", out)
                rows.append(("reconcile: summary", summary.group(0) if summary else err[-200:],
                             bool(summary) and not err.strip()))
                _make_all_candidates()
            if "expire" in commands:
                growth, elapsed, out, err = measured("expire_docdata_orders", "--workers", "4")
                report("expire --workers 4", growth, elapsed, _progress_lines(out))
                expired = re.search(r"Expired: .*", out)
                rows.append(("expire: summary (paid meanwhile: not expired)",
                             expired.group(0) if expired else err[-200:], bool(expired)))
    finally:
        session.adapters.pop(f"{HOST}/", None)
    return rows


def _warm_up() -> None:
    from django.core.management import call_command

    from oscar_docdata.models import DocdataOrder

    first = DocdataOrder.objects.order_by("pk").values_list("order_number", flat=True).first()
    if first is not None:
        call_command("update_docdata_order", first, stdout=io.StringIO(), stderr=io.StringIO())


@contextmanager
def saved_orders() -> Iterator[None]:
    """Copy the orders, payments and status history aside (on the server) and restore them."""
    from django.db import connection, transaction

    from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange

    tables = [model._meta.db_table for model in (DocdataOrder, DocdataPayment,
                                                 DocdataStatusChange)]
    quote = connection.ops.quote_name
    # The table names come from the models, not from input.
    with connection.cursor() as cursor:
        for table in tables:
            saved = quote("saved_" + table)
            cursor.execute(f"CREATE TEMPORARY TABLE {saved} AS SELECT * FROM {quote(table)}")  # noqa: S608
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in reversed(tables):  # children first
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
            for table in tables:
                saved = quote("saved_" + table)
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {saved}")  # noqa: S608
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE {quote('saved_' + table)}")
                cursor.execute(f"ANALYZE {quote(table)}")


def seed(n_orders: int) -> None:
    """``n_orders`` new Docdata orders of 30.00 EUR, three 10.00 EUR payments each."""
    from oscar_docdata.models import DocdataOrder, DocdataPayment

    batch = 5000
    for first in range(0, n_orders, batch):
        orders = DocdataOrder.objects.bulk_create([
            DocdataOrder(merchant_name="shop_test", merchant_order_id=f"SCALE-{number}",
                         order_number=f"SCALE-{number}", order_key=f"{0x5CA1E000 + number:032X}",
                         total_gross_amount=Decimal("30.00"), currency="EUR")
            for number in range(first, min(first + batch, n_orders))
        ])
        DocdataPayment.objects.bulk_create([
            DocdataPayment(docdata_order=order, payment_id=7_000_000_000 + order.pk * 3 + index,
                           payment_method="IDEAL", status="AUTHORIZED", currency="EUR",
                           amount_allocated=Decimal("10.00"))
            for order in orders for index in range(3)
        ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help=f"which to measure, comma-separated (default {','.join(COMMANDS)})")
    options = parser.parse_args()
    setup_django(postgres=True)
    with database():
        seed(options.orders)
        rows = section(options.orders, tuple(options.commands.split(",")))
    print(f"Management commands over {options.orders:,} orders (PostgreSQL, canned replies, "
          f"target: memory growth at most +{TARGET_MB:g} MB)")
    print_table(["measure", "figure", "target met"],
                [[name, figure, "yes" if met else "NO"] for name, figure, met in rows])


if __name__ == "__main__":
    main()
