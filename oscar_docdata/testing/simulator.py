"""The Docdata simulator wired into a shop's tests.

Two ways, both pointing ``DOCDATA_BASE_URL`` at the simulator (the prefix is derived
from where the project mounted ``oscar_docdata.simulator.urls``) and delivering
notifications synchronously, right after the change that caused them:

- :func:`in_process_simulator`: no server at all. A requests transport adapter is
  mounted on the plugin's HTTP session for a fake host; it hands every request to
  Django in the same thread (through Django's test client handler), so the plugin's
  SOAP calls, the simulator and the shop's notification view all run in-process and
  inside the test's transaction;
- :func:`live_simulator`: behind pytest-django's ``live_server``, over real HTTP.

Both yield a :class:`SimulatorHandle`. The pytest fixtures are in
``oscar_docdata.testing.fixtures``.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.client import HTTPMessage
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from oscar_docdata.gateway.transport import get_http_session
from oscar_docdata.simulator import actions, faults, notifications
from oscar_docdata.simulator.models import NotificationAttempt, PaymentAttempt, SimulatedOrder
from oscar_docdata.simulator.urls import ENDPOINT_PATH
from oscar_docdata.testing.responses import build_response

logger = logging.getLogger("oscar_docdata.simulator")

#: The fake host of the in-process simulator.
DEFAULT_HOST = "http://docdata-simulator.test"

_SKIPPED_HEADERS = {"host", "content-type", "content-length"}


def simulator_prefix() -> str:
    """The path where the project mounted the simulator, e.g. ``/docdata-sim``."""
    endpoint = reverse("docdata_simulator:soap")
    return endpoint[: -len(ENDPOINT_PATH)].rstrip("/")


_pending = threading.local()


def _pending_callbacks() -> list:
    if not hasattr(_pending, "callbacks"):
        _pending.callbacks = []
    return _pending.callbacks


def _only_test_transactions(connection) -> bool:
    """True when every open atomic block is the test's own (never committed) one."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


@contextmanager
def deliver_on_commit(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the on-commit callbacks registered inside the block as if it had committed.

    A real server commits every request; inside a test's transaction nothing ever
    commits, so the notifications the simulator schedules "on commit" would never be
    sent. They run when the block ends, or, when the shop's own code still has a
    transaction open (e.g. a capture inside the shop's ``atomic``), as soon as a
    later block ends with no such transaction open, so a notification never reaches
    the shop in the middle of its own transaction. Outside any transaction the
    callbacks already ran, and nothing is left to do.
    """
    connection = connections[using]
    start = len(connection.run_on_commit)
    try:
        yield
    finally:
        pending = _pending_callbacks()
        # Django keeps (savepoints, callback, robust) triples (the stubs say pairs).
        entries: list[Any] = connection.run_on_commit[start:]
        pending.extend((callback, robust) for _savepoints, callback, robust in entries)
        del connection.run_on_commit[start:]
        if _only_test_transactions(connection):
            flush_pending()


def flush_pending() -> None:
    """Run the deferred on-commit callbacks (notifications) of this thread now."""
    pending = _pending_callbacks()
    while pending:
        callback, robust = pending.pop(0)
        try:
            callback()
        except Exception:
            if not robust:
                raise
            logger.exception("on-commit callback %r failed", callback)


class _RawResponse:
    """What requests reads cookies from (``raw._original_response.msg``)."""

    def __init__(self, set_cookies: list[str]):
        message = HTTPMessage()
        for value in set_cookies:
            message.add_header("Set-Cookie", value)
        self._original_response = SimpleNamespace(msg=message)

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


class InProcessAdapter(BaseAdapter):
    """A requests transport adapter that lets Django answer in this very thread."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: float | tuple[float, float] | tuple[float, None] | None = None,
             verify: bool | str = True, cert: Any = None, proxies: Any = None,
             ) -> requests.Response:
        url = urlsplit(str(request.url))
        path = url.path + (f"?{url.query}" if url.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        sent = {name: value for name, value in request.headers.items()
                if name.lower() not in _SKIPPED_HEADERS}
        sent["host"] = url.netloc
        self.client.cookies = SimpleCookie()  # cookies are the requests session's business
        started = time.monotonic()
        with deliver_on_commit():
            answer: Any = self.client.generic(
                str(request.method), path, data=body,
                content_type=request.headers.get("Content-Type", "application/octet-stream"),
                secure=url.scheme == "https", headers=sent)
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        if read_timeout is not None and time.monotonic() - started > read_timeout:
            raise requests.ReadTimeout(f"in-process answer took longer than {read_timeout} s",
                                       request=request)
        headers = CaseInsensitiveDict(answer.headers.items())
        set_cookies = [morsel.OutputString() for morsel in answer.cookies.values()]
        if set_cookies:
            headers["Set-Cookie"] = ", ".join(set_cookies)
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        response = build_response(request, answer.status_code, content, headers=headers,
                                  reason=answer.reason_phrase, raw=_RawResponse(set_cookies))
        response.connection = self  # type: ignore[assignment]  # requests reads only .close
        return response

    def close(self) -> None:
        pass


def _decimal(amount: Decimal | int | str | None) -> Decimal | None:
    if amount is None:
        return None
    if isinstance(amount, float):
        raise TypeError("amounts must be Decimal (or int/str), not float")
    return Decimal(str(amount))


class SimulatorHandle:
    """What a test does with the simulator: settle orders, later events, notifications.

    Amounts are in major units of the order's currency (``Decimal("12.50")``);
    ``None`` means "all" (the rest of the order, what is left to capture/refund).
    """

    def __init__(self, base_url: str):
        #: Where DOCDATA_BASE_URL points (``…/docdata-sim``).
        self.base_url = base_url

    def settle(self, order_key: str, outcome: str, method: str | None = None,
               amount: Decimal | int | str | None = None, *, currency: str | None = None,
               issuer: str | None = None) -> PaymentAttempt:
        """Pay the order as a shopper in the menu would, with outcome ``paid``,
        ``authorized``, ``pending``, ``cancelled`` or ``failed`` (method: IDEAL, or
        BANK_TRANSFER for pending); the shop is notified before this returns."""
        with deliver_on_commit():
            return actions.settle_order(order_key, outcome, method, _decimal(amount),
                                       currency=currency, issuer=issuer)

    def event(self, order_key: str, action: str, amount: Decimal | int | str | None = None,
              method: str | None = None) -> str:
        """A later event (as ``docdata_simulate``); returns what happened."""
        with deliver_on_commit():
            return actions.perform(order_key, action, amount=_decimal(amount), method=method)

    def pay(self, order_key, amount=None, method=None) -> str:
        return self.event(order_key, "pay", amount, method)

    def authorize(self, order_key, amount=None, method=None) -> str:
        return self.event(order_key, "authorize", amount, method)

    def capture(self, order_key, amount=None) -> str:
        """A capture made in Docdata's Back Office: CAPTURED at once (the plugin's SOAP
        captures start NEW instead; see :meth:`settle_pending`)."""
        return self.event(order_key, "capture", amount)

    def refund(self, order_key, amount=None) -> str:
        """A refund made in Docdata's Back Office: CAPTURED at once (the plugin's SOAP
        refunds start NEW instead; see :meth:`settle_pending`)."""
        return self.event(order_key, "refund", amount)

    def _end_pending(self, order_key: str, action: str, reference: str | None,
                     reason: str | None = None) -> str:
        with deliver_on_commit():
            return actions.perform(order_key, action, reference=reference, reason=reason)

    def settle_pending(self, order_key: str, reference: str | None = None) -> str:
        """The NEW/STARTED captures and refunds of the order (only those with merchant
        ``reference``) become CAPTURED; the shop is notified before this returns."""
        return self._end_pending(order_key, "settle-pending", reference)

    def fail_pending(self, order_key: str, reference: str | None = None,
                     reason: str | None = None) -> str:
        """The pending captures and refunds become FAILED (with ``reason``)."""
        return self._end_pending(order_key, "fail-pending", reference, reason)

    def cancel_pending(self, order_key: str, reference: str | None = None) -> str:
        """The pending captures and refunds become CANCELED."""
        return self._end_pending(order_key, "cancel-pending", reference)

    def chargeback(self, order_key, amount=None) -> str:
        return self.event(order_key, "chargeback", amount)

    def cancel(self, order_key) -> str:
        return self.event(order_key, "cancel")

    def expire(self, order_key) -> str:
        return self.event(order_key, "expire")

    def fail(self, order_key, method=None) -> str:
        return self.event(order_key, "fail", method=method)

    def notifications(self, order_key: str | None = None) -> list[NotificationAttempt]:
        """The recorded notification attempts (of one order), oldest first."""
        if _only_test_transactions(connections[DEFAULT_DB_ALIAS]):
            flush_pending()
        attempts = NotificationAttempt.objects.order_by("id")
        if order_key is not None:
            attempts = attempts.filter(order_key=order_key)
        return list(attempts)

    def order(self, order_key: str) -> SimulatedOrder:
        return SimulatedOrder.objects.get(order_key=order_key)

    def inject_fault(self, operation: str, mode: str, **options) -> None:
        """See :func:`oscar_docdata.simulator.faults.inject`."""
        faults.inject(operation, mode, **options)

    def clear_faults(self, operation: str | None = None) -> None:
        faults.clear(operation)


def _overrides(base_url: str, **extra) -> dict:
    return {
        # Explicitly: a shop's test settings usually have DEBUG off, where the
        # simulator answers only when enabled.
        "DOCDATA_SIMULATOR_ENABLED": True,
        "DOCDATA_BASE_URL": base_url,
        "DOCDATA_SIMULATOR_NOTIFY": "sync",
        "DOCDATA_SIMULATOR_NOTIFY_BACKOFF": 0.0,
        **extra,
    }


@contextmanager
def in_process_simulator(host: str = DEFAULT_HOST) -> Iterator[SimulatorHandle]:
    """The simulator answering in-process at ``host`` (see the module docstring)."""
    host = host.rstrip("/")
    base_url = host + simulator_prefix()
    hostname = urlsplit(host).hostname
    session = get_http_session()
    with override_settings(**_overrides(
            base_url, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, hostname])):
        session.mount(host + "/", InProcessAdapter())
        try:
            yield SimulatorHandle(base_url)
        finally:
            session.adapters.pop(host + "/", None)
            _pending_callbacks().clear()
            notifications.worker.discard()


@contextmanager
def live_simulator(live_server_url: str) -> Iterator[SimulatorHandle]:
    """The simulator behind a running live server at ``live_server_url``."""
    base_url = live_server_url.rstrip("/") + simulator_prefix()
    with override_settings(**_overrides(base_url)):
        try:
            yield SimulatorHandle(base_url)
        finally:
            notifications.worker.discard()
            # No kept-alive connection may outlive the server it points at: close them,
            # and let the server's threads for them end while the database is still
            # shared with them (an in-memory SQLite database is shared only until the
            # live server stops).
            get_http_session().close()
            gc.collect()  # responses still referenced keep their socket open
            _join_request_threads(timeout=2.0)


def _join_request_threads(timeout: float) -> None:
    """Wait (briefly) for the live server's per-connection threads to end."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and \
                thread.name.endswith("(process_request_thread)"):
            thread.join(max(deadline - time.monotonic(), 0))
