"""Benchmark 3: start-up — this package against django-oscar-docdata 1.3.3, and the client.

Run from the repository root::

    .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--old-dir DIR]

Start-up is what a shop's process pays before its first Docdata call is answered:
``import oscar_docdata``, ``django.setup()`` of a shop (Oscar and the plugin, its URLconf
resolved and its system checks run) and a first status call. Each run is a fresh Python
process; the status reply is served in-process (this package: the canned adapter; the
old one: a canned suds transport reading the same bundled WSDL), so no network. Both
packages run in the same shop: the test shop's settings without the simulator app
(``BENCH_SHOP=startup``), which the old package does not have. The old package is made
to import on Django 5 by the few aliases it needs (``ugettext_lazy``, ``url``,
``Signal(providing_args)`` …), set in its child process only.

``--old-dir`` holds the old package and suds (``pip download --no-deps
django-oscar-docdata==1.3.3`` unpacked, ``pip install --target DIR suds-community``);
without it they are fetched into ``benchmarks/.old-package`` on the first run.

Then, for this package only, the client's own costs (test shop with the simulator):
first and later ``DocdataClient()``, the first call's WSDL+XSD parse, later calls.
Medians over the runs. Ends with the targets checked: start-up within 1.2 times the old
package's, the started shop's resident memory at most 5 MiB above the old one's (after
the first call zeep, requests and lxml are loaded, as they must be: shown, not a
target), zeep and requests not loaded before the first call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from common import ROOT, median, ms, print_table, setup_django

LATER_CONSTRUCTIONS = 1000
LATER_CALLS = 50
KEY = "0123456789ABCDEF0123456789ABCDEF"
OLD_VERSION = "1.3.3"
HEAVY = ("zeep", "requests", "lxml.etree", "suds")


def rss_mib() -> float:
    """Resident memory of this process, MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def shop_check() -> None:
    """What a started shop does before serving: resolve its URLconf, run its checks."""
    from django.core import checks
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    checks.run_checks()


def loaded() -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


def child_new() -> dict[str, Any]:
    """This package's start-up in a fresh process."""
    os.environ["BENCH_SHOP"] = "startup"
    sys.path.insert(0, str(ROOT))
    began = time.perf_counter()
    import oscar_docdata  # noqa: F401

    setup_django()
    shop_check()
    after_setup = time.perf_counter() - began
    heavy_before_call = loaded()
    rss_before_call = rss_mib()

    from django.test.utils import override_settings

    from oscar_docdata.gateway import DocdataClient
    from oscar_docdata.testing import replies
    from oscar_docdata.testing.canned import canned_docdata

    with canned_docdata() as docdata, override_settings(DOCDATA_TIMEOUT=5):
        docdata.set("status", replies.status_reply(registered=1000, payments=[
            replies.payment_xml(1234567890, amount=1000)]))
        DocdataClient().status(KEY)
    return {"setup": after_setup, "total": time.perf_counter() - began, "rss": rss_mib(),
            "rss_before_call": rss_before_call, "heavy_before_call": heavy_before_call}


def child_old(old_dir: str, reply_file: str) -> dict[str, Any]:
    """The old package's start-up in a fresh process (it first in ``sys.path``)."""
    os.environ["BENCH_SHOP"] = "startup"
    sys.path[:0] = [str(Path(old_dir) / "package"), str(Path(old_dir) / "suds"), str(ROOT)]
    # An editable install of this package maps ``oscar_docdata.*`` to its own files,
    # whatever sys.path says: out of the way, so the old package's modules are used.
    sys.meta_path[:] = [finder for finder in sys.meta_path
                        if "oscar_docdata" not in getattr(finder, "__module__", "")]
    reply = Path(reply_file).read_bytes()
    began = time.perf_counter()
    alias_removed_django_names()
    import oscar_docdata

    if oscar_docdata.__version__ != OLD_VERSION:
        raise SystemExit(f"expected the old package, imported {oscar_docdata.__file__}")
    setup_django()
    shop_check()
    after_setup = time.perf_counter() - began
    heavy_before_call = loaded()
    rss_before_call = rss_mib()

    import suds.client
    import suds.transport
    import suds.transport.http

    from oscar_docdata.gateway import DocdataClient

    class CannedTransport(suds.transport.http.HttpTransport):
        def send(self, request: Any) -> Any:
            return suds.transport.Reply(200, {}, reply)

    wsdl = (ROOT / "oscar_docdata" / "wsdl" / "paymentservice-1_3.wsdl").as_uri()
    client_class = suds.client.Client

    def local_client(url: str, **options: Any) -> Any:
        return client_class(wsdl, transport=CannedTransport(), **options)

    suds.client.Client = local_client
    DocdataClient(testing_mode=True).status(KEY)
    return {"setup": after_setup, "total": time.perf_counter() - began, "rss": rss_mib(),
            "rss_before_call": rss_before_call, "heavy_before_call": heavy_before_call}


def alias_removed_django_names() -> None:
    """Names Django 4/5 removed that the old package (written for Django 2) imports."""
    import django.conf.urls
    import django.urls
    import django.utils.encoding
    import django.utils.translation as translation

    translation.ugettext_lazy = translation.gettext_lazy
    translation.ugettext = translation.gettext
    translation.ungettext = translation.ngettext
    django.utils.encoding.python_2_unicode_compatible = lambda cls: cls
    django.conf.urls.url = django.urls.re_path

    import django.dispatch

    class Signal(django.dispatch.Signal):
        def __init__(self, providing_args: Any = None, use_caching: bool = False) -> None:
            super().__init__(use_caching=use_caching)

    django.dispatch.Signal = Signal


def child_client() -> dict[str, float]:
    """This package's client costs in the test shop, in seconds."""
    sys.path.insert(0, str(ROOT))
    setup_django()

    from django.test.utils import override_settings

    from oscar_docdata.gateway import DocdataClient, transport
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
    times: dict[str, float] = {}
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


def fetch_old_package(old_dir: Path) -> None:
    """The old package and suds, with pip, into ``old_dir`` (once)."""
    if (old_dir / "package" / "oscar_docdata").is_dir() and (old_dir / "suds").is_dir():
        return
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    wheels = old_dir / "wheels"
    subprocess.run([*pip, "download", "--no-deps", "-d", str(wheels),  # noqa: S603
                    f"django-oscar-docdata=={OLD_VERSION}"], check=True)
    wheel = next(wheels.glob(f"django_oscar_docdata-{OLD_VERSION}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(old_dir / "package")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(old_dir / "suds"),  # noqa: S603
                    "suds-community"], check=True)


def run_child(*args: str) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 - this very script, with our interpreter
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )
    if output.returncode:
        raise SystemExit(f"child {args} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def status_reply_file(old_dir: Path) -> Path:
    setup_django()
    from oscar_docdata.testing import replies

    path = old_dir / "status-reply.xml"
    path.write_bytes(replies.status_reply(registered=1000, payments=[
        replies.payment_xml(1234567890, amount=1000)]))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes to measure")
    parser.add_argument("--old-dir", type=Path, default=ROOT / "benchmarks" / ".old-package",
                        help="the old package and suds (fetched when missing)")
    parser.add_argument("--child", choices=["new", "old", "client"], help=argparse.SUPPRESS)
    parser.add_argument("--reply", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "new":
        print(json.dumps(child_new()))
        return
    if options.child == "old":
        print(json.dumps(child_old(str(options.old_dir), options.reply)))
        return
    if options.child == "client":
        print(json.dumps(child_client()))
        return

    old_dir = options.old_dir.resolve()
    fetch_old_package(old_dir)
    reply = status_reply_file(old_dir)
    runs: dict[str, list[dict[str, Any]]] = {"new": [], "old": []}
    for _ in range(options.runs):  # interleaved, so both see the same machine load
        runs["new"].append(run_child("--child", "new"))
        runs["old"].append(run_child("--child", "old", "--old-dir", str(old_dir),
                                     "--reply", str(reply)))
    clients = [run_child("--child", "client") for _ in range(options.runs)]

    def med(kind: str, key: str) -> float:
        return median([run[key] for run in runs[kind]])

    print(f"Start-up (median of {options.runs} fresh processes; replies in-process): "
          "import oscar_docdata, django.setup() + URLconf + checks, first status call")
    rows = []
    for kind, name in (("old", f"django-oscar-docdata {OLD_VERSION}"), ("new", "this package")):
        rows.append([name, ms(med(kind, "setup")), ms(med(kind, "total")),
                     f"{med(kind, 'rss_before_call'):.1f}", f"{med(kind, 'rss'):.1f}",
                     " ".join(runs[kind][0]["heavy_before_call"]) or "-"])
    print_table(["package", "set-up ms", "+ first call ms", "RSS set-up MiB",
                 "RSS after call MiB", "loaded before the call"], rows)
    print()
    print("The client (this package, the test shop; ms)")
    print_table(["step", "ms"], [[name, ms(median([run[name] for run in clients]))]
                                 for name in clients[0]])

    ratio = med("new", "total") / med("old", "total")
    extra = med("new", "rss_before_call") - med("old", "rss_before_call")
    extra_after_call = med("new", "rss") - med("old", "rss")
    heavy = {name for run in runs["new"] for name in run["heavy_before_call"]}
    lazy = not heavy & {"zeep", "requests"}
    print()
    print(f"start-up time vs the old package: {ratio:.2f}x (target <= 1.2): "
          f"{'met' if ratio <= 1.2 else 'MISSED'}")
    print(f"resident memory of the started shop vs the old package: {extra:+.1f} MiB "
          f"(target <= +5): {'met' if extra <= 5 else 'MISSED'}")
    print(f"  after the first call (zeep, requests, lxml vs suds): {extra_after_call:+.1f} MiB")
    print(f"zeep and requests loaded before the first call: {sorted(heavy) or 'none'} "
          f"(target none): {'met' if lazy else 'MISSED'}")


if __name__ == "__main__":
    main()
