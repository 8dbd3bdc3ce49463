"""The two URLs Docdata and the shopper come back to.

Both only pull the order's status from Docdata (a GET that changes state, as Docdata's
protocol requires); neither trusts its parameters for anything but finding the order.
Both are built on ``UpdateOrderMixin``, the old package's base class of these views, and
share status calls for one order (``oscar_docdata.operations.pulls``): a burst of requests
causes at most one call per ``DOCDATA_NOTIFICATION_MIN_INTERVAL``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.configured_facade import get_facade
from oscar_docdata.exceptions import DocdataError
from oscar_docdata.interface import CALLBACKS, Interface
from oscar_docdata.models import DocdataOrder, DocdataStatusChange
from oscar_docdata.operations import pulls
from oscar_docdata.signals import return_view_called, send_logged, status_changed_view_called
from oscar_docdata.tasks import enqueue, pull_notified_status
from oscar_docdata.updater import StatusUpdate

logger = logging.getLogger("oscar_docdata")

#: The longest reference Docdata accepts (merchantOrderReference is a string255).
MAX_PARAMETER_LENGTH = 255

MISSING = _("Missing parameter: %(name)s")
REPEATED = _("Repeated parameter: %(name)s")
TOO_LONG = _("Parameter too long: %(name)s")
INVALID = _("Invalid parameter: %(name)s")
UNKNOWN_ORDER = _("Unknown order")
UNAVAILABLE = _("Docdata is unavailable, please retry")
BUSY = _("The order's status is being updated, please retry")
OK = "ok"


class BadParameter(KeyError):
    """A query parameter is missing, repeated, too long or unusable.

    A KeyError, as the old ``UpdateOrderMixin.get_order_slug()`` raised.
    """

    def __init__(self, message: Any):
        self.message = message
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message)


def single_parameter(request: HttpRequest, name: str) -> str:
    """The one non-empty value of query parameter ``name``, or BadParameter."""
    values = request.GET.getlist(name)
    if len(values) > 1:
        raise BadParameter(REPEATED % {"name": name})
    value = values[0].strip() if values else ""
    if not value:
        raise BadParameter(MISSING % {"name": name})
    if len(value) > MAX_PARAMETER_LENGTH:
        raise BadParameter(TOO_LONG % {"name": name})
    # Control characters (NUL among them) are in no reference, and PostgreSQL refuses NUL.
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise BadParameter(INVALID % {"name": name})
    return value


def text_response(message: Any, status: int) -> HttpResponse:
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


class UpdateOrderMixin:
    """Finds a Docdata order from the request and pulls its status from Docdata.

    The old package's base of the two views, with its attributes and methods: set
    ``facade_class`` (or, better, ``DOCDATA_FACADE_CLASS``) to use another facade.
    """

    request: HttpRequest
    #: The query parameter with the order's reference or key.
    order_query_arg = "order_id"
    #: The DocdataOrder field ``get_order()`` looks the parameter up in.
    order_slug_field = "order_key"
    #: A facade class for this view; None: the one DOCDATA_FACADE_CLASS names.
    facade_class: type[Interface] | None = None
    #: How the status changes this view makes are recorded.
    trigger = DocdataStatusChange.TRIGGER_API

    _facade: Interface | None = None

    def get_facade(self) -> Interface:
        """A new facade: ``facade_class``, or the one DOCDATA_FACADE_CLASS names."""
        if self.facade_class is not None:
            return self.facade_class()
        return get_facade()

    def get_order_slug(self) -> str:
        """The value of ``order_query_arg``; BadParameter (a KeyError) when unusable."""
        return single_parameter(self.request, self.order_query_arg)

    def get_order(self, order_slug: str) -> DocdataOrder:
        """The active merchants' order with ``order_slug_field`` = ``order_slug``.

        The newest when several match; Http404 when none does.
        """
        order = (
            DocdataOrder.objects.active_merchants()
            .filter(**{self.order_slug_field: order_slug})
            .order_by("-pk")
            .first()
        )
        if order is None:
            raise Http404(UNKNOWN_ORDER)
        return order

    def update_order(self, order: DocdataOrder) -> StatusUpdate:
        """Ask Docdata for ``order``'s status and apply it (one status call, every time)."""
        if self._facade is None:
            self._facade = self.get_facade()
        return self._facade.update_order(order, trigger=self.trigger)

    def pull_status(self, order: DocdataOrder, *, arrived: Any = None,
                    deadline: float | None = None) -> pulls.PullOutcome:
        """Get ``order`` a status call that started after ``arrived``, shared with the
        other requests for it and rate-limited (see :mod:`oscar_docdata.operations.pulls`).

        The call itself is ``update_order()``, so a subclass's override still makes it;
        its gateway errors propagate.
        """
        return pulls.coalesced_pull(
            order, lambda: self.update_order(order), arrived=arrived, deadline=deadline
        )

    def start_wait(self) -> tuple[Any, float]:
        """This request's arrival time and the monotonic deadline of its wait."""
        return timezone.now(), time.monotonic() + pulls.max_wait()


# Not in a request-wide transaction (ATOMIC_REQUESTS): the grant of a status call must be
# seen by the other requests at once, and no row lock may last while Docdata answers.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class StatusChangedNotificationView(UpdateOrderMixin, View):
    """Docdata's update notification: ``GET update_order/?order_id=<merchantOrderReference>``.

    400 for a bad parameter and 404 for an unknown order, both without calling Docdata;
    503 when Docdata cannot be asked (so Docdata retries), with nothing changed; 503 with
    ``Retry-After`` when no status call that started after the request arrived was applied
    within ``DOCDATA_NOTIFICATION_MAX_WAIT`` (coalescing, rate limit); 200 ``ok`` once one
    was. With ``DOCDATA_NOTIFICATION_PULL = "task"``, 200 as soon as the pull is enqueued.
    """

    http_method_names = ["get", "head"]
    order_slug_field = "merchant_order_id"
    trigger = DocdataStatusChange.TRIGGER_NOTIFICATION

    def get(self, request: HttpRequest) -> HttpResponse:
        arrived, deadline = self.start_wait()
        try:
            reference = self.get_order_slug()
        except BadParameter as error:
            return text_response(error.message, 400)
        orders = list(DocdataOrder.objects.active_merchants().for_merchant_reference(reference))
        if not orders:
            return text_response(UNKNOWN_ORDER, 404)
        if docdata_settings.DOCDATA_NOTIFICATION_PULL == "task":
            return self.enqueue_pulls(request, reference, orders, arrived)
        for order in orders:
            try:
                outcome = self.pull_status(order, arrived=arrived, deadline=deadline)
            except DocdataError as error:
                logger.warning(
                    "Docdata notification for %s: status update failed: %s", reference, error
                )
                return text_response(UNAVAILABLE, 503)
            if not outcome.fresh:
                # Answering 200 would tell Docdata the change was seen: it was not yet.
                logger.info(
                    "Docdata notification for %s: no status call could start in time "
                    "(rate limit), answering 503", reference,
                )
                response = text_response(BUSY, 503)
                response["Retry-After"] = str(outcome.retry_after)
                return response
        for order in orders:
            send_logged(status_changed_view_called, sender=type(self), request=request,
                        order=order)
        return text_response(OK, 200)

    def enqueue_pulls(self, request: HttpRequest, reference: str, orders: list[DocdataOrder],
                      arrived: Any) -> HttpResponse:
        """``DOCDATA_NOTIFICATION_PULL = "task"``: enqueue each order's pull, answer 200.

        Docdata then no longer retries a change whose pull fails: reconciliation is the
        safety net. Only a failure to enqueue answers 503 (so Docdata retries).
        """
        try:
            for order in orders:
                enqueue(pull_notified_status, order.pk, arrived.isoformat())
        except Exception:
            logger.exception("Docdata notification for %s: enqueueing the pull failed",
                             reference)
            return text_response(UNAVAILABLE, 503)
        for order in orders:
            send_logged(status_changed_view_called, sender=type(self), request=request,
                        order=order)
        return text_response(OK, 200)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class OrderReturnView(UpdateOrderMixin, View):
    """The shopper back from the menu: ``GET return/?callback=…&order_id=<order key>``.

    The callback alone changes nothing: the status is pulled from Docdata. Receivers of
    ``return_view_called`` may return a response (a receiver that raises is logged and
    skipped); otherwise the shopper is redirected
    to DOCDATA_SUCCESS_URL, _PENDING_URL, _CANCELLED_URL or _ERROR_URL. When Docdata
    cannot be asked, or no shared status call is applied within
    DOCDATA_NOTIFICATION_MAX_WAIT, the shopper goes to the pending URL (never a 503).
    """

    http_method_names = ["get", "head"]
    trigger = DocdataStatusChange.TRIGGER_RETURN
    redirect_settings = {
        "SUCCESS": "DOCDATA_SUCCESS_URL",
        "PENDING": "DOCDATA_PENDING_URL",
        "CANCELLED": "DOCDATA_CANCELLED_URL",
        "ERROR": "DOCDATA_ERROR_URL",
    }

    def get(self, request: HttpRequest) -> HttpResponse:
        arrived, deadline = self.start_wait()
        try:
            callback = single_parameter(request, "callback").upper()
            order_key = self.get_order_slug()
        except BadParameter as error:
            return text_response(error.message, 400)
        if callback not in CALLBACKS:
            return text_response(INVALID % {"name": "callback"}, 400)
        try:
            order = self.get_order(order_key)
        except Http404:
            return text_response(UNKNOWN_ORDER, 404)

        destination = callback
        try:
            outcome = self.pull_status(order, arrived=arrived, deadline=deadline)
        except DocdataError as error:
            logger.warning(
                "Docdata return for order %s: status update failed, showing pending: %s",
                order.order_key, error,
            )
            destination = "PENDING"
        else:
            if not outcome.fresh:
                logger.info(
                    "Docdata return for order %s: no status call could start in time "
                    "(rate limit), showing pending", order.order_key,
                )
                destination = "PENDING"
            if not outcome.pulled:
                # Another request's call was shared (or none came): show what is stored
                # now, not the copy read before (receivers of return_view_called see it).
                order.refresh_from_db()

        for _receiver, response in send_logged(
            return_view_called, sender=type(self), request=request, order=order,
            callback=callback,
        ):
            if isinstance(response, HttpResponse):
                return response
        return HttpResponseRedirect(self.get_redirect_url(destination, order))

    def get_redirect_url(self, callback: str, order: DocdataOrder) -> str:
        return resolve_url(getattr(docdata_settings, self.redirect_settings[callback]))
