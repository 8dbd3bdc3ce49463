"""The SOAP endpoint and the staff overview of the simulator.

The shopper's pages are in :mod:`.menu_views` (the payment menu) and :mod:`.bank_views`
(iDEAL, PayPal, 3-D Secure); what pages share is in :mod:`.pages`.

GET never changes state, except that the overview promotes captures and refunds that
are due by age (as a status call does: time has passed, not the person). The SOAP
endpoint and the 3-D Secure entry (which receives the shop's cross-site POST, and
changes nothing) are CSRF-exempt; every form a person submits is CSRF protected.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from . import actions, description, ledger, soap, totals
from .engine import SimulationError
from .forms import ActionForm
from .gate import staff_only
from .models import NotificationAttempt, PaymentAttempt, SimulatedOrder
from .operations import HANDLERS
from .pages import TEMPLATES, page_url, staff_amount

_DONE_SALT = "oscar_docdata.simulator.overview"

#: How many orders the overview shows (the newest).
OVERVIEW_ORDERS = 50


# --- SOAP ---------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
@sensitive_variables()
def soap_endpoint(request: HttpRequest) -> HttpResponse:
    """POST: a SOAP call. GET ``?wsdl``: the WSDL; ``?xsd=1``: the schema."""
    if request.method == "POST":
        with translation.override("en"):  # Docdata's texts are English
            return soap.handle(request, HANDLERS)
    if any(key.lower() == "wsdl" for key in request.GET):
        endpoint = request.build_absolute_uri(request.path)
        return HttpResponse(description.wsdl_document(endpoint), content_type=soap.CONTENT_TYPE)
    if request.GET.get("xsd") == "1":
        return HttpResponse(description.xsd_document(), content_type=soap.CONTENT_TYPE)
    response = HttpResponse("Docdata Order API 1.3 (simulated): POST SOAP requests here; "
                            "?wsdl gives the service description.\n",
                            content_type="text/plain; charset=utf-8", status=405)
    response["Allow"] = "GET, HEAD, POST"
    return response


# --- overview -------------------------------------------------------------------------------


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """The simulator's orders, with later events as buttons (staff only, see ``gate``)."""
    done, error, status = "", "", 200
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                done = _perform(form.cleaned_data)
            except SimulationError as problem:
                error, status = str(problem), 409
            else:
                query = urlencode({"done": signing.dumps(done, salt=_DONE_SALT)})
                return HttpResponseRedirect(f"{page_url(request, 'overview')}?{query}")
        else:
            error, status = _("The event could not be run: %(errors)s") % {
                "errors": form.errors.as_text()}, 400
    elif request.GET.get("done"):
        try:
            done = signing.loads(request.GET["done"], salt=_DONE_SALT, max_age=600)
        except signing.BadSignature:
            done = ""
    ledger.advance_all()
    return render(request, TEMPLATES + "overview.html", {
        "rows": _overview_rows(), "done": done, "error": error,
        "action": page_url(request, "overview"),
    }, status=status)


def _perform(data: dict[str, Any]) -> str:
    """Run the event a valid :class:`ActionForm` asks for; what it did, for staff."""
    return actions.perform(data["order_key"], data["action"],
                           amount=data["amount"] or None,
                           method=data["method"] or None,
                           reference=data["reference"] or None,
                           reason=data["reason"] or None)


def _overview_rows() -> list[dict[str, Any]]:
    """The newest orders with their payments, totals, last notification and event form."""
    orders = (SimulatedOrder.objects.select_related("merchant")
              .prefetch_related(Prefetch("attempts", queryset=PaymentAttempt.objects
                                         .prefetch_related("captures", "refunds",
                                                           "chargebacks")),
                                Prefetch("notifications",
                                         queryset=NotificationAttempt.objects.order_by("-id")))
              [:OVERVIEW_ORDERS])
    return [{
        "order": order,
        "amount": staff_amount(order.amount, order.currency),
        "totals": totals.compute(order, order.attempts.all()),
        "attempts": [{"attempt": a, "amount": staff_amount(a.amount, a.currency)}
                     for a in order.attempts.all()],
        "last_notification": next(iter(order.notifications.all()), None),
        "form": ActionForm(initial={"order_key": order.order_key},
                           auto_id=f"id_%s_{order.order_key}"),
    } for order in orders]
