"""Update notifications, sent as the live service sends them.

After every state change (once the transaction commits) the merchant's update URL
gets an HTTP GET with the order's merchantOrderReference appended. Any answer but
HTTP 200, and any connection error, is retried with exponential backoff, up to
``DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS`` attempts. Every attempt and its answer is
recorded as a :class:`~oscar_docdata.simulator.models.NotificationAttempt`.

``DOCDATA_SIMULATOR_NOTIFY`` chooses how:

- ``"thread"`` (default): a daemon worker thread delivers them off the request path,
  each attempt with its own database connection, closed afterwards;
- ``"sync"``: delivered in the thread that made the change, right after commit
  (retries sleep there too);
- ``"off"``: nothing is sent.

The update URL is ``DOCDATA_SIMULATOR_UPDATE_URLS[merchant]``, else the plugin's own
notification view (URL name ``order_status_update``) on the host the order was
created through. When neither is known nothing is sent, a warning is logged and the
failed attempt is recorded with the reason.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db import connections, transaction
from django.urls import NoReverseMatch, reverse

from .conf import sim_settings
from .models import NotificationAttempt, SimulatedOrder

if TYPE_CHECKING:
    import requests

logger = logging.getLogger("oscar_docdata.simulator")

MODES = ("thread", "sync", "off")


@dataclass(frozen=True)
class Job:
    order_id: int
    order_key: str
    reference: str
    url: str | None
    attempt: int = 1
    #: For a change due later: :func:`wait_until_idle` does not wait for it.
    later: bool = False


def update_url(order: SimulatedOrder) -> str | None:
    """The merchant's update URL (ending in ``=``), None when it cannot be known."""
    configured = sim_settings.DOCDATA_SIMULATOR_UPDATE_URLS.get(order.merchant.name)
    if configured:
        return configured
    if not order.origin:
        return None
    try:
        path = reverse("order_status_update")
    except NoReverseMatch:
        return None
    return f"{order.origin}{path}?order_id="


def order_changed(order: SimulatedOrder, *, delay: float = 0.0) -> None:
    """Schedule a notification for ``order``, sent after the transaction commits.

    ``delay``: seconds to wait after the commit (a change that is due later, e.g. a
    pending capture). Only the worker thread can wait: other modes skip such a one.
    """
    mode = sim_settings.DOCDATA_SIMULATOR_NOTIFY
    if mode == "off" or (delay and mode == "sync"):
        return
    if mode not in MODES:
        raise ValueError(f"DOCDATA_SIMULATOR_NOTIFY must be one of {MODES}, not {mode!r}")
    # The URL is resolved now, in the thread that knows the request's URLconf.
    job = Job(order.pk, order.order_key, order.merchant_order_reference, update_url(order),
              later=bool(delay))
    transaction.on_commit(lambda: _dispatch(job, mode, delay))


def _dispatch(job: Job, mode: str, delay: float = 0.0) -> None:
    if mode == "sync":
        pause = deliver(job)
        while pause is not None:
            time.sleep(pause)
            job = replace(job, attempt=job.attempt + 1)
            pause = deliver(job)
    else:
        worker.submit(job, delay)


def _session() -> requests.Session:
    try:
        from oscar_docdata.gateway.transport import get_http_session
    except ImportError:  # the gateway is optional for the simulator itself
        return _fallback_session()
    return get_http_session()


@functools.cache
def _fallback_session() -> requests.Session:
    import requests  # see deliver()

    return requests.Session()


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``."""
    delay = float(sim_settings.DOCDATA_SIMULATOR_NOTIFY_BACKOFF) * 2 ** (attempt - 1)
    return min(delay, float(sim_settings.DOCDATA_SIMULATOR_NOTIFY_MAX_DELAY))


def deliver(job: Job) -> float | None:
    """Make one attempt and record it; the delay before the next one, or None."""
    status_code: int | None = None
    error = ""
    url = ""
    if job.url is None:
        error = ("No update URL: set DOCDATA_SIMULATOR_UPDATE_URLS for this merchant or "
                 "mount oscar_docdata.urls (URL name 'order_status_update').")
        logger.warning("Simulator: not notifying order %s: %s", job.reference, error)
    else:
        # Imported here: the simulator's URLconf loads this module at start-up, and
        # requests (some 15 MiB) is needed only once a notification goes out.
        import requests

        url = job.url + quote(job.reference, safe="")
        try:
            response = _session().get(
                url, timeout=float(sim_settings.DOCDATA_SIMULATOR_NOTIFY_TIMEOUT),
                allow_redirects=False)
            status_code = response.status_code
            response.close()
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
    NotificationAttempt.objects.create(
        order_id=job.order_id if SimulatedOrder.objects.filter(pk=job.order_id).exists()
        else None,
        order_key=job.order_key, merchant_order_reference=job.reference, url=url,
        attempt=job.attempt, status_code=status_code, error=error[:2000])
    if status_code == 200:
        logger.info("Simulator: notified %s (attempt %d)", url, job.attempt)
        return None
    answer = status_code if status_code is not None else error
    if job.url is None or job.attempt >= int(sim_settings.DOCDATA_SIMULATOR_NOTIFY_ATTEMPTS):
        logger.warning("Simulator: notification %s failed (%s); giving up after attempt %d",
                       url, answer, job.attempt)
        return None
    logger.info("Simulator: notification %s failed (%s); will retry", url, answer)
    return backoff(job.attempt)


class Worker:
    """One daemon thread delivering due notifications, retries scheduled by time."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: list[tuple[float, int, Job]] = []
        self._sequence = itertools.count()
        self._busy = 0
        self._thread: threading.Thread | None = None

    def submit(self, job: Job, delay: float = 0.0) -> None:
        with self._condition:
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._sequence), job))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="docdata-simulator-notifications")
                self._thread.start()
            self._condition.notify_all()

    def _next(self) -> Job:
        with self._condition:
            while True:
                if not self._queue:
                    self._condition.wait()
                    continue
                wait = self._queue[0][0] - time.monotonic()
                if wait <= 0:
                    self._busy += 1
                    return heapq.heappop(self._queue)[2]
                self._condition.wait(wait)

    def _run(self) -> None:
        while True:
            job = self._next()
            delay = None
            try:
                delay = deliver(job)
            except Exception:
                logger.exception("Simulator: notification for %s crashed", job.reference)
            finally:
                for connection in connections.all(initialized_only=True):
                    connection.close()
            with self._condition:
                self._busy -= 1
                if delay is not None:
                    heapq.heappush(self._queue, (time.monotonic() + delay,
                                                 next(self._sequence),
                                                 replace(job, attempt=job.attempt + 1)))
                self._condition.notify_all()

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued (but changes due later) or being sent; False on
        timeout."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._busy or any(not job.later for _due, _n, job in self._queue):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
        return True

    def discard(self) -> None:
        """Drop every queued delivery (test teardown)."""
        with self._condition:
            self._queue.clear()
            self._condition.notify_all()


worker = Worker()


def wait_until_idle(timeout: float = 10.0) -> bool:
    """Wait for the worker thread's queue to drain (tests, the management command)."""
    return worker.wait_until_idle(timeout)
