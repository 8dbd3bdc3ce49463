"""Coalesced, rate-limited status pulls for Docdata's notifications and the shopper's return.

Anyone can call the notification URL with a guessable reference, and Docdata sends
notifications in bursts: without care every request is one status call. A notification
may only be answered 200 after a status pull that *started after it arrived* was applied
(a pull already running may have read the state before the change it announces).

Two DocdataOrder fields carry the state, shared by every process:

- ``status_report_pulled``: when the pull whose report was applied last started
  (written by ``Interface.update_order``);
- ``status_pull_started``: when the last pull granted here started. It is the lease and
  the rate limit at once: a new pull is granted by one conditional UPDATE only once
  ``DOCDATA_NOTIFICATION_MIN_INTERVAL`` has passed since it.

A request arriving at T: if a pull that started at or after T was applied, it is done
(no call). Else it tries to take the grant; granted, it pulls and is done. Not granted, it
polls the two fields (plain reads, no lock) until one of those happens or
``DOCDATA_NOTIFICATION_MAX_WAIT`` has passed; then it is not fresh, and the notification
answers 503 so that Docdata retries. A granted pull that fails hands the grant back (the
failed call does not hold the others up); a process that dies holding it blocks new
requests only until the interval has passed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.models import DocdataOrder

#: Seconds between two cheap reads of a waiting request.
POLL_SECONDS = 0.075


@dataclass(frozen=True)
class PullOutcome:
    """What a request got: ``fresh`` when a pull started after its arrival was applied."""

    fresh: bool
    #: Whether this request made the status call itself.
    pulled: bool = False
    #: Seconds after which a retry may get a pull (the Retry-After of a 503).
    retry_after: int = 1


def min_interval() -> float:
    return max(float(docdata_settings.DOCDATA_NOTIFICATION_MIN_INTERVAL or 0), 0.0)


def max_wait() -> float:
    return max(float(docdata_settings.DOCDATA_NOTIFICATION_MAX_WAIT or 0), 0.0)


def retry_after_seconds(interval: float | None = None) -> int:
    """A whole number of seconds, at least 1, after which the rate limit lets a pull through."""
    return max(1, math.ceil(min_interval() if interval is None else interval))


def coalesced_pull(
    order: DocdataOrder,
    pull: Callable[[], Any],
    *,
    arrived: datetime | None = None,
    deadline: float | None = None,
    interval: float | None = None,
    wait: float | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> PullOutcome:
    """Get ``order`` a status pull that started at or after ``arrived``, sharing it.

    ``pull()`` does the status call and applies it (``UpdateOrderMixin.update_order``);
    its exceptions propagate, after the grant was handed back. ``deadline`` (a
    ``time.monotonic()`` value) ends the wait instead of ``arrived`` + ``wait``: a request
    for several orders waits once. Must not run inside a transaction (the others would not
    see the grant until it ends).
    """
    sleep = sleep or time.sleep
    clock = clock or timezone.now
    arrived = arrived or clock()
    interval = min_interval() if interval is None else interval
    if deadline is None:
        deadline = time.monotonic() + (max_wait() if wait is None else wait)
    gap = timedelta(seconds=interval)
    rows = DocdataOrder.objects.filter(pk=order.pk)
    while True:
        state = rows.values_list("status_report_pulled", "status_pull_started").first()
        if state is None:  # deleted meanwhile: nothing to pull for
            return PullOutcome(fresh=False, retry_after=retry_after_seconds(interval))
        applied, granted = state
        if applied is not None and applied >= arrived:
            return PullOutcome(fresh=True)
        now = clock()
        if _may_take(granted, arrived, now, gap) and _grant(rows, granted, arrived, now, gap):
            try:
                pull()
            except BaseException:
                # Hand the grant back: a failed call must not keep the waiting requests
                # from trying; the next one still needs the grant, so calls stay one at a time.
                rows.filter(status_pull_started=now).update(status_pull_started=granted)
                raise
            return PullOutcome(fresh=True, pulled=True)
        left = deadline - time.monotonic()
        if left <= 0:
            return PullOutcome(fresh=False, retry_after=retry_after_seconds(interval))
        sleep(min(POLL_SECONDS, left))


def _may_take(granted: datetime | None, arrived: datetime, now: datetime,
              gap: timedelta) -> bool:
    """Whether the last grant (read without a lock) lets this request pull now."""
    if granted is None:
        return True
    if granted >= arrived:
        # That pull started after this request arrived and will do for it: wait for it,
        # unless it is overdue (slow, or its process died) and the rate limit allows one.
        return bool(gap) and granted <= now - gap
    return granted <= now - gap


def _grant(rows: Any, granted: datetime | None, arrived: datetime, now: datetime,
           gap: timedelta) -> bool:
    """Take the grant with one conditional UPDATE; True when this request got it.

    The condition is the rate limit, plus that the value is still the one read (so the
    grant can be handed back exactly, and with no interval a pull that started after
    this request's arrival is waited for rather than doubled).
    """
    if gap:
        limit = Q(status_pull_started__isnull=True) | Q(status_pull_started__lte=now - gap)
    else:
        limit = Q(status_pull_started__isnull=True) | Q(status_pull_started__lt=arrived)
    same = (Q(status_pull_started__isnull=True) if granted is None
            else Q(status_pull_started=granted))
    return bool(rows.filter(limit, same).update(status_pull_started=now))
