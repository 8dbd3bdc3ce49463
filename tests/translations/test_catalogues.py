"""The English and Dutch catalogues: complete, not fuzzy, compiled, and used by the pages."""

from __future__ import annotations

import gettext
import io
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import RequestFactory, override_settings
from django.utils import translation
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config

from oscar_docdata.gateway import DocdataClient
from oscar_docdata.gateway.values import Address, Amount, Destination, Name, Shopper
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing.fixtures import docdata_simulator
from oscar_docdata.views import StatusChangedNotificationView

from .catalogues import CATALOGUES, LANGUAGES, Catalogue, extract

__all__ = ["docdata_simulator"]  # the simulator's fixture, for the menu test

CATALOGUE_IDS = [catalogue.name for catalogue in CATALOGUES]
#: %(name)s, %s / %d ..., and {name} / {} placeholders (``%%`` is a literal percent sign).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def entries(catalog: Catalog) -> Iterator[Message]:
    """Every message but the header."""
    return (message for message in catalog if message.id)


def key(message: Message) -> tuple[str | None, Any]:
    return message.context, message.id


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


# --- the committed .po files -------------------------------------------------------------


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=CATALOGUE_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_exists_and_nothing_is_fuzzy(catalogue: Catalogue, language: str):
    catalog = read(catalogue.po_path(language))
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert catalog.locale is not None and str(catalog.locale) == language
    fuzzy = [message.id for message in entries(catalog) if message.fuzzy]
    assert fuzzy == []
    assert "#, fuzzy" not in catalogue.po_path(language).read_text(encoding="utf-8")
    assert len(list(entries(catalog))) > 20


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=CATALOGUE_IDS)
def test_every_dutch_entry_is_translated(catalogue: Catalogue):
    untranslated = [
        message.id for message in entries(read(catalogue.po_path("nl")))
        if not (all(message.string) if message.pluralizable else message.string)
    ]
    assert untranslated == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=CATALOGUE_IDS)
def test_dutch_placeholders_match_the_english(catalogue: Catalogue):
    mismatched = []
    for message in entries(read(catalogue.po_path("nl"))):
        if message.pluralizable:
            pairs = [(message.id[0], message.string[0]), (message.id[1], message.string[1])]
        else:
            pairs = [(message.id, message.string)]
        for source, translated in pairs:
            if placeholders(source) != placeholders(translated):
                mismatched.append((source, translated))
    assert mismatched == []


def test_the_placeholder_check_can_fail():
    assert placeholders("Pay %(amount)s of %(id)s") != placeholders("Betaal %(amount)s")
    assert placeholders("{x} and %s") != placeholders("{y} en %s")
    assert placeholders("100%% of %(total)s") == placeholders("%(total)s, 100%%")


# --- the committed .mo files ---------------------------------------------------------------


def compiled(catalog: Catalog) -> dict[Any, str]:
    """``catalog`` compiled in memory, as gettext reads it (header left out)."""
    for message in list(entries(catalog)):
        # msgfmt leaves untranslated plurals out; Babel would write the English.
        if message.pluralizable and not any(message.string):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return without_header(gettext.GNUTranslations(buffer))


def without_header(translations: gettext.GNUTranslations) -> dict[Any, str]:
    return {k: v for k, v in translations._catalog.items() if k not in ("", ("", 0))}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=CATALOGUE_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_matches_the_po(catalogue: Catalogue, language: str):
    with catalogue.mo_path(language).open("rb") as mo_file:
        committed = without_header(gettext.GNUTranslations(mo_file))
    assert committed == compiled(read(catalogue.po_path(language)))
    if language == "nl":
        assert committed, "the Dutch .mo is empty"


# --- complete: every string in the sources is in the catalogue -----------------------------


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=CATALOGUE_IDS)
def test_the_dutch_catalogue_has_every_string_of_the_sources(
    catalogue: Catalogue, tmp_path: Path
):
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed: cannot extract the strings")
    found = {key(message) for message in entries(read(extract(catalogue, tmp_path)))}
    assert len(found) > 20
    committed = {key(message) for message in entries(read(catalogue.po_path("nl")))}
    assert sorted(found - committed, key=str) == [], (
        "strings missing from the catalogue: run python -m tests.translations.catalogues"
    )
    assert sorted(committed - found, key=str) == [], "catalogue entries no source uses"


# --- the pages speak Dutch -----------------------------------------------------------------


def test_the_notification_view_answers_in_dutch():
    request = RequestFactory().get("/api/docdata/update_order/")
    view = StatusChangedNotificationView.as_view()
    with translation.override("nl"):
        response = view(request)
    assert response.status_code == 400
    assert response.content.decode() == "Parameter ontbreekt: order_id"
    with translation.override("en"):
        assert view(request).content.decode() == "Missing parameter: order_id"


@pytest.fixture
def dashboard_urls() -> Iterator[None]:
    """The Docdata dashboard installed and mounted, as tests/operations/conftest.py does."""
    overrides: dict[str, Any] = {"ROOT_URLCONF": "tests.operations.urls"}
    if "oscar_docdata.dashboard" not in settings.INSTALLED_APPS:
        overrides["INSTALLED_APPS"] = [*settings.INSTALLED_APPS, "oscar_docdata.dashboard"]
    with override_settings(**overrides):
        _dashboard_url_names_to_config.cache_clear()
        try:
            yield
        finally:
            _dashboard_url_names_to_config.cache_clear()
    _dashboard_url_names_to_config.cache_clear()


@pytest.fixture
def staff_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="x", is_staff=True
    )
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="oscar_docdata", codename="view_docdataorder"
    ))
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_dashboard_list_is_in_dutch(dashboard_urls: None, staff_client: Any):
    DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="100042", order_number="100042",
        order_key="D0C0" * 8,
        total_gross_amount=Decimal("12.34"), currency="EUR", status=DocdataOrder.STATUS_PAID,
    )
    response = staff_client.get("/dashboard/docdata/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Docdata-bestellingen" in page  # the heading
    assert "1 Docdata-bestelling" in page  # the plural form of the caption
    assert "Bestelnummer, ordersleutel, referentie of betalings-id" in page  # a form label
    assert ">Bedrag<" in page  # "Amount" with its context: not Oscar's "Aantal"
    assert ">Betaald<" in page  # the status
    assert "Docdata orders" not in page
    english = staff_client.get("/dashboard/docdata/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Docdata orders" in english.content.decode()


@pytest.mark.django_db
def test_the_simulator_menu_is_in_dutch(docdata_simulator: Any, client: Any):
    gateway = DocdataClient()
    name = Name(first="Jan", last="Jansen")
    key = gateway.create(
        "NL-MENU-1", Amount(Decimal("12.34"), "EUR"),
        Shopper(id="jan", name=name, email="jan@example.com", language="nl"),
        Destination(name=name, address=Address(
            street="Damrak", house_number="1", house_number_addition=None,
            postal_code="1012LG", city="Amsterdam", state=None, country_code="NL",
        )),
    ).order_key
    menu = urlsplit(gateway.get_payment_menu_url(key, "nl"))
    response = client.get(f"{menu.path}?{menu.query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Betaal uw bestelling" in page  # the heading
    assert ">Bedrag<" in page and "Uitkomst" in page and "Pay your order" not in page
