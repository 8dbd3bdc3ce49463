"""The hosted payment menu: the shopper picks a method (and, in the simulator, how the
payment ends); iDEAL goes on to the iDEAL page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from oscar_docdata.methods import method_name

from . import accounts, actions, engine, flows, methods
from .conf import sim_settings
from .engine import SimulationError
from .forms import RETURN_FIELDS, MenuForm
from .models import SimulatedOrder
from .pages import TEMPLATES, message_page, page_language, page_url, shopper_amount

#: Menu outcome → the return URL it goes to.
OUTCOME_RETURNS = {
    "paid": "success",
    "authorized": "success",
    "pending": "pending",
    "cancelled": "canceled",
    "failed": "error",
}


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def menu(request: HttpRequest) -> HttpResponse:
    """The hosted payment menu (``command=show_payment_cluster``)."""
    source = request.POST if request.method == "POST" else request.GET
    key = source.get("payment_cluster_key", "")
    order = (SimulatedOrder.objects.select_related("merchant")
             .filter(order_key=key, merchant__name=source.get("merchant_name", "")).first())
    language = page_language(source.get("client_language"), order.language if order else None)
    with translation.override(language):
        if request.method == "GET" and source.get("command") != "show_payment_cluster":
            return message_page(
                request, _("Payment menu"),
                _("Unknown command: the menu needs command=show_payment_cluster."), 400)
        if order is None:
            return message_page(request, _("Payment menu"),
                                _("This payment order does not exist for this merchant."), 404)
        payment_methods = accounts.profile_methods(order.profile) or []
        if request.method == "POST":
            return _menu_post(request, order, payment_methods)
        initial = {name: source.get(name, "") for name in RETURN_FIELDS}
        default_pm = source.get("default_pm", "").upper()
        # An old integration's bank choice: iDEAL then goes straight to that bank.
        issuer = methods.issuer_bic(source.get("ideal_issuer_id", "")) or ""
        initial.update(payment_cluster_key=order.order_key, merchant_name=order.merchant.name,
                       client_language=language,
                       method=default_pm if default_pm in payment_methods else "",
                       issuer=issuer)
        form = MenuForm(initial=initial, payment_methods=payment_methods)
        direct = source.get("default_act", "").lower() in ("yes", "true", "1") and \
            default_pm in payment_methods
        return _render_menu(request, order, form, direct=direct, method=default_pm)


def _closed_reason(order: SimulatedOrder) -> str:
    """Why the order takes no payment now ("" when it does)."""
    if order.cancelled:
        return _("This order is cancelled.")
    if order.expired:
        return _("This order has expired.")
    if engine.remaining(order) <= 0:
        return _("This order is paid already, or its payment is under way.")
    return ""


def _invoice_lines(order: SimulatedOrder) -> list[dict[str, Any]]:
    lines = []
    for item in (order.invoice or {}).get("item", []):
        total = item["totalGrossAmount"]
        lines.append({"name": item.get("name", ""), "quantity": item["quantity"].get("#text"),
                      "total": shopper_amount(int(total["#text"]), total["@currency"])})
    return lines


def _render_menu(request: HttpRequest, order: SimulatedOrder, form: MenuForm, *,
                 direct: bool = False, method: str = "", status: int = 200,
                 error: str = "") -> HttpResponse:
    issuer = form["issuer"].value() or ""
    tiles = [{"widget": widget, "mark": methods.MARKS.get(widget.data["value"], ""),
              "ideal": widget.data["value"] == "IDEAL"} for widget in form["method"]]
    return render(request, TEMPLATES + "menu.html", {
        "tiles": tiles,
        "order": order,
        "amount": shopper_amount(order.amount, order.currency),
        "lines": _invoice_lines(order),
        "form": form,
        "direct": direct,
        "direct_method": method,
        "direct_method_name": method_name(method),
        "direct_issuer": methods.IDEAL_ISSUERS.get(methods.issuer_bic(issuer) or "", ""),
        "closed": _closed_reason(order),
        "error": error,
        "action": page_url(request, "menu"),
    }, status=status)


def _menu_post(request: HttpRequest, order: SimulatedOrder,
               payment_methods: list[str]) -> HttpResponse:
    form = MenuForm(request.POST, payment_methods=payment_methods)
    if not form.is_valid():
        return _render_menu(request, order, form, status=400)
    data = form.cleaned_data
    data["method"] = data["method"] or None  # a cancel without a choice
    if data["method"] == "IDEAL" and data["outcome"] != "cancelled":
        return _menu_ideal(request, order, form)
    try:
        attempt = actions.settle_order(order.order_key, data["outcome"], data["method"],
                                       issuer=data["issuer"] or None)
    except SimulationError as error:
        return _render_menu(request, order, form, status=409, error=str(error))
    kind = OUTCOME_RETURNS[data["outcome"]]
    url = data[f"return_url_{kind}"] or sim_settings.DOCDATA_SIMULATOR_RETURN_URLS.get(
        order.merchant.name, {}).get(kind)
    if url:
        return HttpResponseRedirect(url)
    return message_page(
        request, _("Payment recorded"),
        _("Payment %(id)s (%(method)s) ended as %(status)s. No return URL was given "
          "for this outcome (%(kind)s), and the merchant has no default: "
          "go back to the shop yourself.")
        % {"id": attempt.payment_id, "method": attempt.method,
           "status": attempt.status, "kind": kind})


def _menu_ideal(request: HttpRequest, order: SimulatedOrder, form: MenuForm) -> HttpResponse:
    """iDEAL 2.0: on to the iDEAL page where the shopper chooses the bank (straight to
    the bank with an old ``ideal_issuer_id``); the bank page ends at the return URL."""
    data = form.cleaned_data
    returns = {kind: data[f"return_url_{kind}"] for kind in ("success", "canceled", "error")
               if data[f"return_url_{kind}"]}
    try:
        attempt = flows.start_ideal_in_menu(order.order_key, data["issuer"] or None, returns,
                                            data["client_language"] or order.language)
    except SimulationError as error:
        return _render_menu(request, order, form, status=409, error=str(error))
    page = "bank_ideal" if attempt.details.get("issuer_id") else "ideal_choose"
    return HttpResponseRedirect(page_url(request, page, attempt.payment_id))
