"""The payment methods Docdata really offers for a shop's orders: the live method list.

Docdata's ``listPaymentMethods`` names the methods of one existing order (its
merchant's profile, for its shopper's country). The checkout's payment details page
comes before the order exists, so the answer is kept in Django's cache per
(merchant, profile, country) (:class:`MethodScope`) and the page only ever reads it:

- **filling**: right after the checkout created a Docdata order (when the Oscar order
  is committed), :func:`schedule_refresh` asks Docdata about that very order when the
  cached answer for its scope is missing or past half its life
  (``DOCDATA_PAYMENT_METHODS_CACHE_SECONDS``). The call runs as a task
  (:func:`refresh_payment_methods`, on ``DOCDATA_TASK_BACKEND``): with Django's
  immediate backend still in the "place order" request, before the redirect to the
  menu; with a worker, elsewhere. Only one process asks at a time per scope, so many
  checkouts cost one call per period.
- **never blocking**: the call may take ``DOCDATA_PAYMENT_METHODS_TIMEOUT`` seconds
  (2 by default, :func:`oscar_docdata.gateway.transport.time_limit`). A timeout or any
  error is logged and remembered per merchant for
  ``DOCDATA_PAYMENT_METHODS_RETRY_SECONDS`` (no call until then); the checkout keeps
  offering what it offered.
- **reading**: :func:`cached_methods` (cache only, no network); :func:`offered` turns a
  shop's configured list and the live list into the choices.

The first checkout of a scope (after a restart with a local-memory cache, or the
first order from a new country) offers the configured list: there is no order yet to
ask about.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import Promise

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.configured_facade import get_facade
from oscar_docdata.tasks import enqueue

try:
    from django.tasks import task
except ImportError:  # Django < 6: the backport (django-stubs know only Django 6's task)
    from django_tasks import task  # type: ignore[no-redef]

logger = logging.getLogger("oscar_docdata")

CACHE_PREFIX = "oscar_docdata:methods"


@dataclass(frozen=True)
class MethodScope:
    """What Docdata's method list depends on: merchant, payment profile, country."""

    merchant: str
    profile: str
    country: str

    @classmethod
    def of(cls, merchant: str | None = None, profile: str | None = None,
           country: str | None = None) -> MethodScope:
        """The scope, unset merchant and profile being the configured defaults."""
        return cls(
            merchant=str(merchant or docdata_settings.DOCDATA_MERCHANT_NAME or ""),
            profile=str(profile or docdata_settings.DOCDATA_PROFILE or ""),
            country=str(country or "").upper()[:2],
        )

    @property
    def cache_key(self) -> str:
        return _key("list", self.merchant, self.profile, self.country)

    @property
    def refresh_key(self) -> str:
        """Held while one process asks Docdata for this scope."""
        return _key("refreshing", self.merchant, self.profile, self.country)

    @property
    def failure_key(self) -> str:
        """Set when a call for this scope's merchant failed recently."""
        return failure_key(self.merchant)


def _key(kind: str, *parts: str) -> str:
    # Merchant and profile names are free text: hashed, the key suits every backend.
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{kind}:{digest}"


def failure_key(merchant: str) -> str:
    return _key("failed", merchant)


# --- reading ---------------------------------------------------------------------------


def cached_entry(scope: MethodScope) -> dict[str, Any] | None:
    """The cached answer ``{"methods": [...], "fetched": <unix time>}``, or None."""
    entry = cache.get(scope.cache_key)
    return entry if isinstance(entry, dict) and "methods" in entry else None


def cached_methods(scope: MethodScope) -> list[str] | None:
    """Docdata's method codes for ``scope`` in Docdata's order, or None when not known."""
    entry = cached_entry(scope)
    return None if entry is None else list(entry["methods"])


def offered(
    configured: Sequence[tuple[str, str | Promise]],
    live: Iterable[str] | None,
    name: Any,
) -> list[tuple[str, str | Promise]]:
    """The ``(code, label)`` choices to offer.

    With a live list, a configured list keeps (in its own order) only what Docdata
    offers, and no configured list means every live method, in Docdata's order, named
    by ``name(code)``. Without a live list (or an empty one) the configured list as it
    is. An empty result: no choice, the menu offers what Docdata has.
    """
    live = [code for code in (live or ()) if code]
    if not live:
        return list(configured)
    if not configured:
        return [(code, name(code)) for code in dict.fromkeys(live)]
    available = {code.upper() for code in live}
    return [(code, label) for code, label in configured if code.upper() in available]


def failure_remembered(merchant: str) -> bool:
    return cache.get(failure_key(merchant)) is not None


def needs_refresh(scope: MethodScope, now: float | None = None) -> bool:
    """Whether the cached answer is missing or past half its life (and no failure of
    the merchant is remembered)."""
    if failure_remembered(scope.merchant):
        return False
    entry = cached_entry(scope)
    if entry is None:
        return True
    lifetime = float(docdata_settings.DOCDATA_PAYMENT_METHODS_CACHE_SECONDS)
    age = (time.time() if now is None else now) - float(entry.get("fetched") or 0)
    return age >= lifetime / 2


# --- filling ---------------------------------------------------------------------------


def refresh(scope: MethodScope, order_key: str) -> list[str] | None:
    """Ask Docdata for the methods of ``order_key`` (an order of ``scope``) and cache them.

    Returns the method codes, or None when not asked (another process is asking, a
    failure is remembered) or when the call failed (the failure is then remembered).
    Never raises.
    """
    if failure_remembered(scope.merchant):
        return None
    timeout = float(docdata_settings.DOCDATA_PAYMENT_METHODS_TIMEOUT)
    if not cache.add(scope.refresh_key, order_key, timeout=max(int(timeout * 2) + 1, 10)):
        return None
    try:
        # Here, not at import: starting the shop loads neither zeep nor requests.
        from oscar_docdata.gateway import transport

        with transport.time_limit(timeout):
            found = get_facade().client_for(scope.merchant).list_payment_methods(order_key)
        codes = list(dict.fromkeys(method.name for method in found if method.name))
    except Exception as error:
        # Text only: the exception would keep the failed call's connection alive.
        reason = str(error)[:200]
        del error
        retry = docdata_settings.DOCDATA_PAYMENT_METHODS_RETRY_SECONDS
        logger.warning(
            "Docdata's payment methods for merchant %s, profile %s, country %s were not "
            "read (order key %s): %s; the checkout offers its configured methods, next "
            "try in %s s", scope.merchant, scope.profile, scope.country or "-", order_key,
            reason, retry,
        )
        if retry:
            cache.set(failure_key(scope.merchant), reason, timeout=retry)
        return None
    finally:
        cache.delete(scope.refresh_key)
    cache.set(
        scope.cache_key,
        {"methods": codes, "fetched": time.time()},
        timeout=docdata_settings.DOCDATA_PAYMENT_METHODS_CACHE_SECONDS,
    )
    logger.info(
        "Docdata's payment methods for merchant %s, profile %s, country %s: %s",
        scope.merchant, scope.profile, scope.country or "-", ", ".join(codes) or "none",
    )
    return codes


@task
def refresh_payment_methods(merchant: str, profile: str, country: str,
                            order_key: str) -> list[str] | None:
    """The task of :func:`refresh` (plain values only)."""
    return refresh(MethodScope(merchant, profile, country), order_key)


def schedule_refresh(scope: MethodScope, order_key: str) -> bool:
    """After the current transaction commits, refresh ``scope`` from order ``order_key``
    when its answer is missing or old; whether a refresh was scheduled."""
    if not needs_refresh(scope):
        return False
    transaction.on_commit(partial(_enqueue, scope, order_key))
    return True


def _enqueue(scope: MethodScope, order_key: str) -> None:

    try:
        enqueue(refresh_payment_methods, scope.merchant, scope.profile, scope.country,
                order_key)
    except Exception:  # the order is placed; a missing refresh must not turn it into an error
        logger.exception("The refresh of Docdata's payment methods was not enqueued")
