"""Fault injection for reliability tests.

A fault applies to one operation (create, start, proceed, cancel, capture, refund,
status, statusExtended, listPaymentMethods) or to all of them ("*"; a fault for the
operation itself wins). Modes:

- ``latency``: wait ``seconds`` (default 1), then answer normally;
- ``http_500``: HTTP 500 with an HTML error page;
- ``soap_fault``: a SOAP fault (HTTP 500);
- ``malformed_xml``: HTTP 200 with a truncated XML reply;
- ``no_answer``: wait ``seconds`` (default ``DOCDATA_TIMEOUT`` + 1: the client times
  out), then answer with a SOAP fault;
- ``errors``: an ``…Errors`` reply with ``code`` (default INTERNAL_ERROR).

Every mode but ``latency`` answers without running the operation: nothing changes.
With ``count`` the fault affects the next ``count`` calls and then clears itself.

Faults are stored in the database (so a test can switch them for a live server
thread) with :func:`inject` and :func:`clear`; ``DOCDATA_SIMULATOR_FAULTS``
(``{"status": {"mode": "latency", "seconds": 2}}``) adds permanent ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from oscar_docdata.appsettings import docdata_settings

from .conf import sim_settings
from .models import Fault

OPERATIONS = ("create", "start", "proceed", "cancel", "capture", "refund", "status",
              "statusExtended", "listPaymentMethods")
MODES = ("latency", "http_500", "soap_fault", "malformed_xml", "no_answer", "errors")
ALL = "*"


@dataclass(frozen=True)
class ActiveFault:
    mode: str
    seconds: float
    code: str


def _check(operation: str, mode: str, seconds: float | None, count: int | None) -> None:
    if operation not in (*OPERATIONS, ALL):
        raise ValueError(f"unknown operation {operation!r}; choose one of {OPERATIONS} or '*'")
    if mode not in MODES:
        raise ValueError(f"unknown fault mode {mode!r}; choose one of {MODES}")
    if seconds is not None and seconds < 0:
        raise ValueError("seconds must not be negative")
    if count is not None and count < 1:
        raise ValueError("count must be at least 1")


def inject(operation: str, mode: str, *, seconds: float | None = None, count: int | None = None,
           code: str | None = None) -> Fault:
    """Make ``operation`` (or "*") fail with ``mode`` (for the next ``count`` calls)."""
    _check(operation, mode, seconds, count)
    fault, _ = Fault.objects.update_or_create(
        operation=operation,
        defaults={"mode": mode, "seconds": seconds, "remaining": count, "code": code or ""},
    )
    return fault


def clear(operation: str | None = None) -> None:
    """Remove the injected fault of ``operation``, or every injected fault."""
    faults = Fault.objects.all()
    if operation is not None:
        faults = faults.filter(operation=operation)
    faults.delete()


def _active(mode: str, seconds: float | None, code: str | None) -> ActiveFault:
    if seconds is None:
        seconds = float(docdata_settings.DOCDATA_TIMEOUT) + 1 if mode == "no_answer" else 1.0
    return ActiveFault(mode, float(seconds), code or "INTERNAL_ERROR")


def take(operation: str) -> ActiveFault | None:
    """The fault for this call of ``operation`` (counting it down), or None."""
    # Every SOAP call looks its faults up: one query, no transaction, no lock. Only a
    # fault with a count needs the locked count-down.
    stored = {fault.operation: fault
              for fault in Fault.objects.filter(operation__in=(operation, ALL))}
    fault = stored.get(operation) or stored.get(ALL)
    if fault is not None and fault.remaining is None:
        return _active(fault.mode, fault.seconds, fault.code)
    if fault is not None:
        counted = _count_down(operation)
        if counted is not None:
            return counted
    configured = sim_settings.DOCDATA_SIMULATOR_FAULTS
    spec = configured.get(operation) or configured.get(ALL)
    if spec:
        _check(operation, spec["mode"], spec.get("seconds"), None)
        return _active(spec["mode"], spec.get("seconds"), spec.get("code"))
    return None


def _count_down(operation: str) -> ActiveFault | None:
    """The stored fault for ``operation`` or "*", its row locked while its count goes down.

    None when concurrent calls took its last turns (or it was cleared) meanwhile.
    """
    with transaction.atomic():
        for name in (operation, ALL):
            fault = Fault.objects.select_for_update().filter(operation=name).first()
            if fault is None:
                continue
            if fault.remaining is not None:
                if fault.remaining <= 1:
                    fault.delete()
                else:
                    fault.remaining -= 1
                    fault.save(update_fields=["remaining"])
            return _active(fault.mode, fault.seconds, fault.code)
    return None
