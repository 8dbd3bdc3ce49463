"""What the simulator's pages share: URLs in the namespace they were reached through,
the shopper's language, amounts as people read them, and the message page."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_currency
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from oscar_docdata.money import from_minor_units

TEMPLATES = "oscar_docdata/simulator/"


def namespace_of(request: HttpRequest) -> str:
    match = request.resolver_match
    return (match.namespace if match and match.namespace else "docdata_simulator")


def page_url(request: HttpRequest, name: str, *args: Any) -> str:
    """The path of simulator page ``name`` in the namespace ``request`` came in."""
    namespace = namespace_of(request)
    return reverse(f"{namespace}:{name}", args=args, current_app=namespace)


def page_language(*candidates: str | None) -> str:
    """The first candidate Django can show (ISO 639-1 or a regional variant), else English."""
    available = {code for code, _name in settings.LANGUAGES}
    for candidate in candidates:
        code = (candidate or "").strip().lower().replace("_", "-")
        for option in (code, code.split("-")[0]):
            if option in available:
                return option
    return "en"


def message_page(request: HttpRequest, title: str, text: str, status: int = 200,
                 *, link: str | None = None) -> HttpResponse:
    return render(request, TEMPLATES + "message.html",
                  {"title": title, "text": text, "link": link}, status=status)


def staff_amount(value: int, currency: str) -> str:
    """An amount for the overview: "EUR 12.50"."""
    return f"{currency} {from_minor_units(value, currency)}"


def shopper_amount(value: int, currency: str) -> str:
    """An amount as the shopper reads it in the active language: "€ 12,50" in Dutch,
    "€12.50" in English (Decimal from minor units, CLDR's format; never a float)."""
    locale = translation.to_locale(translation.get_language() or "en")
    return format_currency(from_minor_units(value, currency), currency, locale=locale)
