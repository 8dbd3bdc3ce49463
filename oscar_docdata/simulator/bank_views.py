"""The simulated pages the shopper is sent to: iDEAL (choose a bank, then the bank),
PayPal and the 3-D Secure ACS of a card."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import flows, methods
from .engine import SimulationError
from .forms import AcsForm, BankForm, IdealBankForm, PaypalForm
from .models import PaymentAttempt
from .pages import TEMPLATES, message_page, page_language, page_url, shopper_amount


def _awaiting_or_message(request: HttpRequest, payment_id: int, method: str
                         ) -> PaymentAttempt | HttpResponse:
    """The payment waiting for the shopper, or the page saying why there is none."""
    attempt = (PaymentAttempt.objects.select_related("order", "order__merchant")
               .filter(payment_id=payment_id, method=method).first())
    if attempt is None:
        return message_page(request, _("Payment"), _("Unknown payment."), 404)
    if attempt.status != flows.AWAITING:
        return message_page(request, _("Payment"),
                            _("This payment is finished already (%(status)s).")
                            % {"status": attempt.status}, 409)
    return attempt


def _back_to_shop(request: HttpRequest, url: str | None) -> HttpResponse:
    if url:
        return HttpResponseRedirect(url)
    return message_page(request, _("Payment"),
                        _("Done. The shop gave no return URL: go back to the shop yourself."))


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def ideal_choose(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated iDEAL page (iDEAL 2.0): the shopper chooses the bank, or cancels."""
    attempt = _awaiting_or_message(request, payment_id, "IDEAL")
    if isinstance(attempt, HttpResponse):
        return attempt
    with translation.override(_language_of(attempt)):
        if request.method == "POST" and "cancel" in request.POST:
            try:
                attempt = flows.finish_ideal(payment_id, "cancel")
            except SimulationError as error:
                return message_page(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.ideal_return_url(attempt, "cancel"))
        form = IdealBankForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                flows.choose_ideal_bank(payment_id, form.cleaned_data["issuer"])
            except SimulationError as error:
                return message_page(request, _("Payment"), str(error), 409)
            return HttpResponseRedirect(page_url(request, "bank_ideal", payment_id))
        return render(request, TEMPLATES + "ideal.html", {
            "attempt": attempt, "form": form,
            "amount": shopper_amount(attempt.amount, attempt.currency),
        }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def bank_ideal(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated iDEAL bank: approve, cancel or refuse."""
    attempt = _awaiting_or_message(request, payment_id, "IDEAL")
    if isinstance(attempt, HttpResponse):
        return attempt
    if not attempt.details.get("issuer_id"):  # no bank chosen yet: the iDEAL page first
        return HttpResponseRedirect(page_url(request, "ideal_choose", payment_id))
    with translation.override(_language_of(attempt)):
        form = BankForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            outcome = form.cleaned_data["outcome"]
            try:
                attempt = flows.finish_ideal(payment_id, outcome)
            except SimulationError as error:
                return message_page(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.ideal_return_url(attempt, outcome))
        return render(request, TEMPLATES + "bank.html", {
            "attempt": attempt, "form": form,
            "amount": shopper_amount(attempt.amount, attempt.currency),
            "bank": methods.IDEAL_ISSUERS.get(attempt.details.get("issuer_id"), "iDEAL"),
            "title": _("iDEAL (simulated bank)"),
        }, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def bank_paypal(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The simulated PayPal: approve or cancel; proceed applies the answer."""
    attempt = _awaiting_or_message(request, payment_id, "PAYPAL_EXPRESS_CHECKOUT")
    if isinstance(attempt, HttpResponse):
        return attempt
    with translation.override(_language_of(attempt)):
        form = PaypalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                attempt = flows.record_paypal(payment_id, form.cleaned_data["outcome"])
            except SimulationError as error:
                return message_page(request, _("Payment"), str(error), 409)
            return _back_to_shop(request, flows.paypal_return_url(attempt))
        return render(request, TEMPLATES + "bank.html", {
            "attempt": attempt, "form": form,
            "amount": shopper_amount(attempt.amount, attempt.currency),
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
        return message_page(request, _("3-D Secure"),
                            _("This 3-D Secure request is not valid."), 400)
    return _render_acs(request, attempt, form)


def _render_acs(request: HttpRequest, attempt: PaymentAttempt, form: AcsForm,
                status: int = 200) -> HttpResponse:
    with translation.override(_language_of(attempt)):
        return render(request, TEMPLATES + "acs.html", {
            "attempt": attempt, "form": form,
            "amount": shopper_amount(attempt.amount, attempt.currency),
            "action": page_url(request, "acs_complete"),
        }, status=status)


@require_http_methods(["POST"])
@sensitive_post_parameters()
def acs_complete(request: HttpRequest) -> HttpResponse:
    """The card holder's answer: post MD and a signed PaRes back to the shop's TermUrl."""
    form = AcsForm(request.POST)
    if not form.is_valid():
        payment_id = flows.payment_id_from_pareq(request.POST.get("PaReq", ""))
        invalid = PaymentAttempt.objects.filter(payment_id=payment_id).first() \
            if payment_id else None
        if invalid is None:
            return message_page(request, _("3-D Secure"),
                                _("This 3-D Secure request is not valid."), 400)
        return _render_acs(request, invalid, form, status=400)
    data = form.cleaned_data
    attempt = PaymentAttempt.objects.select_related("order").filter(
        payment_id=data["PaReq"]).first()
    if attempt is None or attempt.details.get("md") != data["MD"]:
        return message_page(request, _("3-D Secure"),
                            _("This 3-D Secure request is not valid."), 400)
    pares = flows.pares(attempt.payment_id, data["MD"], data["outcome"] == "authenticated")
    with translation.override(_language_of(attempt)):
        return render(request, TEMPLATES + "acs_return.html", {
            "term_url": data["TermUrl"], "md": data["MD"], "pares": pares,
        })


def _language_of(attempt: PaymentAttempt) -> str:
    """The shopper's language: the one chosen in the menu, else the order's."""
    return page_language(attempt.details.get(flows.MENU_LANGUAGE), attempt.order.language)
