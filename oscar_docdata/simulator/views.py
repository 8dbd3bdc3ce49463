"""Pages and the SOAP endpoint of the simulator.

GET never changes state, except that the overview promotes captures and refunds that
are due by age (as a status call does: time has passed, not the person). The SOAP
endpoint and the 3-D Secure entry (which receives the shop's cross-site POST, and
changes nothing) are CSRF-exempt; every form a person submits is CSRF protected.
"""

from __future__ import annotations

from urllib.parse import urlencode

from babel.numbers import format_currency
from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from oscar_docdata.methods import method_name
from oscar_docdata.money import from_minor_units

from . import accounts, actions, description, engine, flows, ledger, methods, soap, totals
from .conf import sim_settings
from .engine import SimulationError
from .forms import (
    RETURN_FIELDS,
    AcsForm,
    ActionForm,
    BankForm,
    IdealBankForm,
    MenuForm,
    PaypalForm,
)
from .gate import staff_only
from .models import NotificationAttempt, PaymentAttempt, SimulatedOrder
from .operations import HANDLERS

TEMPLATES = "oscar_docdata/simulator/"
_DONE_SALT = "oscar_docdata.simulator.overview"

#: Menu outcome → the return URL it goes to.
OUTCOME_RETURNS = {
    "paid": "success",
    "authorized": "success",
    "pending": "pending",
    "cancelled": "canceled",
    "failed": "error",
}


def _namespace(request: HttpRequest) -> str:
    match = request.resolver_match
    return (match.namespace if match and match.namespace else "docdata_simulator")


def _url(request: HttpRequest, name: str, *args) -> str:
    namespace = _namespace(request)
    return reverse(f"{namespace}:{name}", args=args, current_app=namespace)


def _language(*candidates: str | None) -> str:
    """The first candidate Django can show (ISO 639-1 or a regional variant), else English."""
    available = {code for code, _name in settings.LANGUAGES}
    for candidate in candidates:
        code = (candidate or "").strip().lower().replace("_", "-")
        for option in (code, code.split("-")[0]):
            if option in available:
                return option
    return "en"


def _message(request: HttpRequest, title: str, text: str, status: int = 200,
             *, link: str | None = None) -> HttpResponse:
    return render(request, TEMPLATES + "message.html",
                  {"title": title, "text": text, "link": link}, status=status)


def _amount(value: int, currency: str) -> str:
    return f"{currency} {from_minor_units(value, currency)}"


def _shopper_amount(value: int, currency: str) -> str:
    """An amount as the shopper reads it in the active language: "€ 12,50" in Dutch,
    "€12.50" in English (Decimal from minor units, CLDR's format; never a float)."""
    locale = translation.to_locale(translation.get_language() or "en")
    return format_currency(from_minor_units(value, currency), currency, locale=locale)


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


# --- the payment menu ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def menu(request: HttpRequest) -> HttpResponse:
    """The hosted payment menu (``command=show_payment_cluster``)."""
    source = request.POST if request.method == "POST" else request.GET
    key = source.get("payment_cluster_key", "")
    order = (SimulatedOrder.objects.select_related("merchant")
             .filter(order_key=key, merchant__name=source.get("merchant_name", "")).first())
    language = _language(source.get("client_language"), order.language if order else None)
    with translation.override(language):
        if request.method == "GET" and source.get("command") != "show_payment_cluster":
            return _message(request, _("Payment menu"),
                            _("Unknown command: the menu needs command=show_payment_cluster."),
                            400)
        if order is None:
            return _message(request, _("Payment menu"),
                            _("This payment order does not exist for this merchant."), 404)
        payment_methods = accounts.profile_methods(order.profile) or []
        if request.method == "POST":
            return _menu_post(request, order, payment_methods, language)
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


def _render_menu(request, order, form, *, direct=False, method="", status=200, error=""):
    closed = ""
    if order.cancelled:
        closed = _("This order is cancelled.")
    elif order.expired:
        closed = _("This order has expired.")
    elif engine.remaining(order) <= 0:
        closed = _("This order is paid already, or its payment is under way.")
    lines = []
    for item in (order.invoice or {}).get("item", []):
        total = item["totalGrossAmount"]
        lines.append({"name": item.get("name", ""), "quantity": item["quantity"].get("#text"),
                      "total": _shopper_amount(int(total["#text"]), total["@currency"])})
    issuer = form["issuer"].value() or ""
    tiles = [{"widget": widget, "mark": methods.MARKS.get(widget.data["value"], ""),
              "ideal": widget.data["value"] == "IDEAL"} for widget in form["method"]]
    return render(request, TEMPLATES + "menu.html", {
        "tiles": tiles,
        "order": order,
        "amount": _shopper_amount(order.amount, order.currency),
        "lines": lines,
        "form": form,
        "direct": direct,
        "direct_method": method,
        "direct_method_name": method_name(method),
        "direct_issuer": methods.IDEAL_ISSUERS.get(methods.issuer_bic(issuer) or "", ""),
        "closed": closed,
        "error": error,
        "action": _url(request, "menu"),
    }, status=status)


def _menu_post(request, order, payment_methods, language) -> HttpResponse:
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
    return _message(request, _("Payment recorded"),
                    _("Payment %(id)s (%(method)s) ended as %(status)s. No return URL was given "
                      "for this outcome (%(kind)s), and the merchant has no default: "
                      "go back to the shop yourself.")
                    % {"id": attempt.payment_id, "method": attempt.method,
                       "status": attempt.status, "kind": kind})


def _menu_ideal(request, order, form) -> HttpResponse:
    """iDEAL 2.0: on to the iDEAL page where the shopper chooses the bank (straight to
    the bank with an old ``ideal_issuer_id``); the bank page ends at the return URL."""
    data = form.cleaned_data
    returns = {kind: data[f"return_url_{kind}"] for kind in ("success", "canceled", "error")
               if data[f"return_url_{kind}"]}
    try:
        attempt = flows.start_ideal_in_menu(order.order_key, data["issuer"] or None, returns)
    except SimulationError as error:
        return _render_menu(request, order, form, status=409, error=str(error))
    page = "bank_ideal" if attempt.details.get("issuer_id") else "ideal_choose"
    return HttpResponseRedirect(_url(request, page, attempt.payment_id))


# --- simulated bank, PayPal and 3-D Secure pages ------------------------------------------


def _awaiting_or_message(request, payment_id, method):
    attempt = (PaymentAttempt.objects.select_related("order", "order__merchant")
               .filter(payment_id=payment_id, method=method).first())
    if attempt is None:
        return None, _message(request, _("Payment"), _("Unknown payment."), 404)
    if attempt.status != flows.AWAITING:
        return None, _message(request, _("Payment"),
                              _("This payment is finished already (%(status)s).")
                              % {"status": attempt.status}, 409)
    return attempt, None


def _back_to_shop(request, url: str | None) -> HttpResponse:
    if url:
        return HttpResponseRedirect(url)
    return _message(request, _("Payment"),
                    _("Done. The shop gave no return URL: go back to the shop yourself."))


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def ideal_choose(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated iDEAL page (iDEAL 2.0): the shopper chooses the bank, or cancels."""
    attempt, problem = _awaiting_or_message(request, payment_id, "IDEAL")
    if problem:
        return problem
    with translation.override(_language(attempt.order.language)):
        if request.method == "POST" and "cancel" in request.POST:
            try:
                attempt = flows.finish_ideal(payment_id, "cancel")
            except SimulationError as error:
                return _message(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.ideal_return_url(attempt, "cancel"))
        form = IdealBankForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                flows.choose_ideal_bank(payment_id, form.cleaned_data["issuer"])
            except SimulationError as error:
                return _message(request, _("Payment"), str(error), 409)
            return HttpResponseRedirect(_url(request, "bank_ideal", payment_id))
        return render(request, TEMPLATES + "ideal.html", {
            "attempt": attempt, "form": form,
            "amount": _shopper_amount(attempt.amount, attempt.currency),
        }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def bank_ideal(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated iDEAL bank: approve, cancel or refuse."""
    attempt, problem = _awaiting_or_message(request, payment_id, "IDEAL")
    if problem:
        return problem
    if not attempt.details.get("issuer_id"):  # no bank chosen yet: the iDEAL page first
        return HttpResponseRedirect(_url(request, "ideal_choose", payment_id))
    with translation.override(_language(attempt.order.language)):
        form = BankForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            outcome = form.cleaned_data["outcome"]
            try:
                attempt = flows.finish_ideal(payment_id, outcome)
            except SimulationError as error:
                return _message(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.ideal_return_url(attempt, outcome))
        return render(request, TEMPLATES + "bank.html", {
            "attempt": attempt, "form": form,
            "amount": _shopper_amount(attempt.amount, attempt.currency),
            "bank": methods.IDEAL_ISSUERS.get(attempt.details.get("issuer_id"), "iDEAL"),
            "title": _("iDEAL (simulated bank)"),
        }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def bank_paypal(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated PayPal: approve or cancel; proceed applies the answer."""
    attempt, problem = _awaiting_or_message(request, payment_id, "PAYPAL_EXPRESS_CHECKOUT")
    if problem:
        return problem
    with translation.override(_language(attempt.order.language)):
        form = PaypalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                attempt = flows.record_paypal(payment_id, form.cleaned_data["outcome"])
            except SimulationError as error:
                return _message(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.paypal_return_url(attempt))
        return render(request, TEMPLATES + "bank.html", {
            "attempt": attempt, "form": form,
            "amount": _shopper_amount(attempt.amount, attempt.currency),
            "bank": "PayPal", "title": _("PayPal (simulated)"),
        }, status=400 if request.method == "POST" else 200)


@csrf_exempt
@require_http_methods(["POST"])
@sensitive_post_parameters()
def acs(request: HttpRequest) -> HttpResponse:
    """3-D Secure entry: the shop's page posts MD, PaReq and TermUrl here."""
    form = AcsForm(initial={name: request.POST.get(name, "") for name in
                            ("MD", "PaReq", "TermUrl")})
    payment_id = flows.payment_id_from_pareq(request.POST.get("PaReq", ""))
    attempt = (PaymentAttempt.objects.select_related("order", "order__merchant")
               .filter(payment_id=payment_id).first() if payment_id else None)
    if attempt is None or attempt.details.get("md") != request.POST.get("MD"):
        return _message(request, _("3-D Secure"),
                        _("This 3-D Secure request is not valid."), 400)
    return _render_acs(request, attempt, form)


def _render_acs(request, attempt, form, status=200):
    with translation.override(_language(attempt.order.language)):
        return render(request, TEMPLATES + "acs.html", {
            "attempt": attempt, "form": form,
            "amount": _shopper_amount(attempt.amount, attempt.currency),
            "action": _url(request, "acs_complete"),
        }, status=status)


@require_http_methods(["POST"])
@sensitive_post_parameters()
def acs_complete(request: HttpRequest) -> HttpResponse:
    """The card holder's answer: post MD and a signed PaRes back to the shop's TermUrl."""
    form = AcsForm(request.POST)
    if not form.is_valid():
        payment_id = flows.payment_id_from_pareq(request.POST.get("PaReq", ""))
        attempt = PaymentAttempt.objects.filter(payment_id=payment_id).first() \
            if payment_id else None
        if attempt is None:
            return _message(request, _("3-D Secure"),
                            _("This 3-D Secure request is not valid."), 400)
        return _render_acs(request, attempt, form, status=400)
    data = form.cleaned_data
    attempt = PaymentAttempt.objects.select_related("order").filter(
        payment_id=data["PaReq"]).first()
    if attempt is None or attempt.details.get("md") != data["MD"]:
        return _message(request, _("3-D Secure"), _("This 3-D Secure request is not valid."),
                        400)
    pares = flows.pares(attempt.payment_id, data["MD"], data["outcome"] == "authenticated")
    with translation.override(_language(attempt.order.language)):
        return render(request, TEMPLATES + "acs_return.html", {
            "term_url": data["TermUrl"], "md": data["MD"], "pares": pares,
        })


# --- overview -------------------------------------------------------------------------------


@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """The simulator's orders, with later events as buttons (staff only, see ``gate``)."""
    done, error, status = "", "", 200
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = actions.perform(data["order_key"], data["action"],
                                      amount=data["amount"] or None,
                                      method=data["method"] or None,
                                      reference=data["reference"] or None,
                                      reason=data["reason"] or None)
            except SimulationError as problem:
                error, status = str(problem), 409
            else:
                query = urlencode({"done": signing.dumps(done, salt=_DONE_SALT)})
                return HttpResponseRedirect(f"{_url(request, 'overview')}?{query}")
        else:
            error, status = _("The event could not be run: %(errors)s") % {
                "errors": form.errors.as_text()}, 400
    elif request.GET.get("done"):
        try:
            done = signing.loads(request.GET["done"], salt=_DONE_SALT, max_age=600)
        except signing.BadSignature:
            done = ""
    ledger.advance_all()
    orders = (SimulatedOrder.objects.select_related("merchant")
              .prefetch_related(Prefetch("attempts", queryset=PaymentAttempt.objects
                                         .prefetch_related("captures", "refunds",
                                                           "chargebacks")),
                                Prefetch("notifications",
                                         queryset=NotificationAttempt.objects.order_by("-id")))
              [:50])
    rows = [{
        "order": order,
        "amount": _amount(order.amount, order.currency),
        "totals": totals.compute(order, order.attempts.all()),
        "attempts": [{"attempt": a, "amount": _amount(a.amount, a.currency)}
                     for a in order.attempts.all()],
        "last_notification": next(iter(order.notifications.all()), None),
        "form": ActionForm(initial={"order_key": order.order_key},
                           auto_id=f"id_%s_{order.order_key}"),
    } for order in orders]
    return render(request, TEMPLATES + "overview.html", {
        "rows": rows, "done": done, "error": error, "action": _url(request, "overview"),
    }, status=status)
