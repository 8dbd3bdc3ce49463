"""Method names where a shopper sees a method: the payment details page, the preview,
and the Oscar Source's label, in English and Dutch.

Shops list plain method codes (named by oscar_docdata.methods) or ``(code, label)``
pairs (their label wins); DOCDATA_PAYMENT_METHOD_LABELS overrides a name everywhere.
The simulator creates and settles the orders (in-process, the shop's real views).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from oscar_docdata.methods import method_name
from oscar_docdata.oscar_adapter.forms import payment_method_choices

from .shop import ADDRESS, checkout, fill_basket, place_order, to_preview

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.urls("tests.checkout.urls_method_codes")]

Order = get_model("order", "Order")

CODES = ("IDEAL", "MISTERCASH", "BANK_TRANSFER", "SEPA_DIRECT_DEBIT")


def name_in(language: str, code: str) -> str:
    with translation.override(language):
        return method_name(code)


def shopper(language: str) -> Client:
    return Client(headers={"accept-language": language})


def to_payment_details(client: Client, product, path: str | None = None):
    """Up to the payment details page (Oscar's, or the view at ``path``)."""
    fill_basket(client, product)
    response = client.post(reverse("checkout:index"),
                           {"username": "anna@example.com", "options": "anonymous"})
    assert response.status_code == 302
    response = client.post(reverse("checkout:shipping-address"), ADDRESS)
    assert response.status_code == 302
    client.get(reverse("checkout:shipping-method"))
    response = client.get(path or reverse("checkout:payment-details"))
    assert response.status_code == 200
    return response


def radio_labels(response) -> list[tuple[str, str]]:
    form = response.context["payment_method_form"]
    return [(str(radio.data["value"]), str(radio.choice_label))
            for radio in form["payment_method"]]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_payment_details_names_plain_codes(client, product, docdata_simulator, language):
    response = to_payment_details(shopper(language), product)

    expected = [(code, name_in(language, code)) for code in CODES]
    assert radio_labels(response) == expected
    html = response.content.decode()
    for code, name in expected:
        assert f'value="{code}"' in html
        assert f">{name}</label>" in html
    assert ">Bancontact</label>" in html and ">iDEAL</label>" in html
    if language == "nl":
        assert "Hoe wilt u betalen?" in html  # the page is Dutch


@pytest.mark.parametrize("language", ["en", "nl"])
def test_preview_shows_the_name_of_the_chosen_method(product, docdata_simulator, language):
    client = shopper(language)
    fill_basket(client, product)
    response = to_preview(client, payment_method="BANK_TRANSFER")

    shown = response.content.decode().split('id="docdata_payment_method">', 1)[1]
    assert shown.split("</p>", 1)[0] == name_in(language, "BANK_TRANSFER")
    # The form still posts the code.
    assert 'name="payment_method" value="BANK_TRANSFER"' in response.content.decode()


def test_a_shops_own_label_wins_and_codes_mix_with_pairs(client, product, docdata_simulator):
    response = to_payment_details(client, product, "/mixed/payment-details/")

    assert radio_labels(response) == [("IDEAL", "iDEAL (all Dutch banks)"), ("VISA", "Visa")]


def test_the_setting_renames_a_method_on_every_page(client, product, docdata_simulator, settings):
    settings.DOCDATA_PAYMENT_METHOD_LABELS = {"MISTERCASH": "Bancontact / Mister Cash"}

    response = to_payment_details(client, product)

    assert ("MISTERCASH", "Bancontact / Mister Cash") in radio_labels(response)
    response = client.post(reverse("checkout:preview"), {"payment_method": "MISTERCASH"})
    assert 'id="docdata_payment_method">Bancontact / Mister Cash</p>' in response.content.decode()


def test_choices_keep_pairs_and_name_codes_lazily():
    choices = payment_method_choices(["SOFORT_UEBERWEISUNG", ("IDEAL", "Pay by iDEAL"),
                                      ("VISA", ""), "NEW_METHOD"])
    # A retired code still has its name, a code Docdata added later shows as it is.
    assert [(code, str(label)) for code, label in choices] == [
        ("SOFORT_UEBERWEISUNG", "Sofort"), ("IDEAL", "Pay by iDEAL"), ("VISA", "Visa"),
        ("NEW_METHOD", "NEW_METHOD"),
    ]
    with translation.override("nl"):
        assert str(choices[0][1]) == "Sofort"


# --- Oscar's Source label --------------------------------------------------------------

@pytest.mark.parametrize(("language", "method"), [
    ("en", "IDEAL"), ("nl", "IDEAL"), ("en", "BANK_TRANSFER"), ("nl", "BANK_TRANSFER"),
])
def test_the_source_label_names_the_method_in_the_shoppers_language(
    product, docdata_simulator, language, method,
):
    placed = checkout(shopper(language), product, payment_method="IDEAL")
    source = placed.order.sources.get()
    assert source.label == ""  # nothing paid yet

    docdata_simulator.settle(placed.order_key, "paid", method)

    source.refresh_from_db()
    assert placed.docdata_order.language == language
    assert source.label == name_in(language, method)
    # Codes stay codes where code reads them: the payment row, the Transactions.
    assert placed.docdata_order.payments.get().payment_method == method
    assert {t.status for t in source.transactions.all()} == {"AUTHORIZED", "CAPTURED"}


def test_a_failed_attempt_does_not_name_the_source(client, product, docdata_simulator):
    placed = checkout(client, product)
    docdata_simulator.fail(placed.order_key, method="VISA")
    source = placed.order.sources.get()
    assert source.label == ""

    docdata_simulator.settle(placed.order_key, "paid", "IDEAL")

    source.refresh_from_db()
    assert source.label == "iDEAL"  # not "Visa, iDEAL": Visa brought no money
    assert source.amount_debited == Decimal("12.50")


def test_the_place_order_posts_the_code(client, product, docdata_simulator):
    fill_basket(client, product)
    to_preview(client, payment_method="MISTERCASH")
    response = place_order(client, payment_method="MISTERCASH")
    assert response.status_code == 302
    assert "default_pm=MISTERCASH" in response["Location"]
