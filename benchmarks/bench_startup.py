"""Benchmark 3: client start-up — first and later DocdataClient construction and call.

Run from the repository root::

    /work/venv311/bin/python benchmarks/bench_startup.py [--runs 7]

Each run is a fresh Python process (so "first" really is the first in the process):
it configures Django, imports the gateway, constructs a DocdataClient, constructs a
thousand more, makes a first status call (the reply served in-process by the canned
adapter: no network) and fifty more. The first call parses the bundled WSDL and XSD
(zeep), once per process; that part is shown on its own line. Medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

from common import ROOT, median, ms, print_table, setup_django

LATER_CONSTRUCTIONS = 1000
LATER_CALLS = 50
KEY = "0123456789ABCDEF0123456789ABCDEF"


def child() -> dict[str, float]:
    """One process's measurements, in seconds."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    started = time.perf_counter()
    from oscar_docdata.gateway import DocdataClient, transport  # zeep, lxml, requests
    times: dict[str, float] = {"import oscar_docdata.gateway": time.perf_counter() - started}

    started = time.perf_counter()
    setup_django()
    times["django.setup() (the whole test shop)"] = time.perf_counter() - started

    from django.test.utils import override_settings

    from oscar_docdata.testing import replies
    from oscar_docdata.testing.canned import canned_docdata

    load_client = transport._load_client
    parsed: list[float] = []

    def timed_load_client() -> Any:
        began = time.perf_counter()
        try:
            return load_client()
        finally:
            parsed.append(time.perf_counter() - began)

    transport._load_client = timed_load_client

    started = time.perf_counter()
    client = DocdataClient()
    times["first DocdataClient()"] = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(LATER_CONSTRUCTIONS):
        DocdataClient()
    times["later DocdataClient()"] = (time.perf_counter() - started) / LATER_CONSTRUCTIONS

    with canned_docdata() as docdata, override_settings(DOCDATA_TIMEOUT=5):
        docdata.set("status", replies.status_reply(registered=1000, payments=[
            replies.payment_xml(1234567890, amount=1000)]))
        started = time.perf_counter()
        client.status(KEY)
        times["first call (status)"] = time.perf_counter() - started
        times["  of which WSDL+XSD parse"] = parsed[0] if parsed else 0.0
        calls = []
        for _ in range(LATER_CALLS):
            began = time.perf_counter()
            DocdataClient().status(KEY)  # a new client each time, as the views do
            calls.append(time.perf_counter() - began)
        times["later call (new client + status)"] = median(calls)
    if len(parsed) != 1:
        raise SystemExit(f"the WSDL was parsed {len(parsed)} times in one process")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes to measure")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child()))
        return

    runs = []
    for _ in range(options.runs):
        output = subprocess.run(  # noqa: S603 - this very script, with our interpreter
            [sys.executable, __file__, "--child"], cwd=ROOT, capture_output=True, text=True,
            check=True,
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    print(f"Client start-up (ms, median of {options.runs} fresh processes; replies "
          "in-process)")
    print_table(["step", "ms"], [[name, ms(median([run[name] for run in runs]))]
                                 for name in runs[0]])


if __name__ == "__main__":
    main()
