"""Staff see payment methods by their names: the dashboard's order detail, its capture
and refund forms, and the Django admin; in English and Dutch, retired methods of old
orders included, the shop's DOCDATA_PAYMENT_METHOD_LABELS first.

Docdata is the canned in-process service: the payments come from real status replies.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from oscar_docdata.facade import get_facade
from oscar_docdata.labels import label
from oscar_docdata.methods import METHOD_NAMES, method_name
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies

pytestmark = pytest.mark.django_db

#: An old order paid with two methods Docdata no longer offers, and a current one.
PAYMENTS = [
    (7000000001, "SOFORT_UEBERWEISUNG", 1000),
    (7000000002, "GIROPAY", 500),
    (7000000003, "BANK_TRANSFER", 1000),
]


@pytest.fixture
def order(make_order: Any, docdata: Any) -> DocdataOrder:
    order = make_order(amount="25.00", order_number="300001", merchant_order_id="300001")
    docdata.add("status", replies.status_reply(
        registered=2500, acquirer_approved=2500, captured=1000,
        payments=[
            replies.payment_xml(payment_id, method=method, amount=amount,
                                captures=[("CAPTURED", 1000)] if method == "BANK_TRANSFER" else ())
            for payment_id, method, amount in PAYMENTS
        ],
    ))
    get_facade().update_order(order)
    docdata.reset()
    return order


def name_in(language: str, code: str) -> str:
    with translation.override(language):
        return method_name(code)


def staff_in(language: str, user: Any) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def method_cells(html: str) -> list[str]:
    """The payments table's second column (the method)."""
    cells = []
    for row in html.split("<tr>"):
        for payment_id, _method, _amount in PAYMENTS:
            if f"<td>{payment_id}</td>" in row:
                cells.append(row.split("<td>")[2].split("</td>")[0])
    return cells


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_detail_page_names_every_method(staff_user, order, docdata, language):
    page = staff_in(language, staff_user).get(
        reverse("oscar_docdata_dashboard:docdata-order-detail", kwargs={"pk": order.pk}))

    assert page.status_code == 200
    html = page.content.decode()
    assert method_cells(html) == [name_in(language, code) for _id, code, _a in PAYMENTS]
    assert method_cells(html)[:2] == ["Sofort", "giropay"]  # retired, still named
    for _id, code, _amount in PAYMENTS:
        assert f"<td>{code}</td>" not in html
    assert docdata.requests == []


def test_the_refund_form_offers_payments_by_method_name(staff_user, order, docdata):
    page = staff_in("en", staff_user).get(
        reverse("oscar_docdata_dashboard:docdata-order-refund", kwargs={"pk": order.pk}))

    assert page.status_code == 200
    choices = [str(text) for _value, text in page.context["form"].fields["payment"].choices]
    assert any(text.startswith("7000000003 Bank transfer (") for text in choices), choices


def test_the_shops_label_wins_on_staff_pages(staff_user, order, settings):
    settings.DOCDATA_PAYMENT_METHOD_LABELS = {"BANK_TRANSFER": "Overboeking (Docdata)"}

    page = staff_in("en", staff_user).get(
        reverse("oscar_docdata_dashboard:docdata-order-detail", kwargs={"pk": order.pk}))

    assert method_cells(page.content.decode())[2] == "Overboeking (Docdata)"


def test_the_label_table_for_methods():
    assert label("method", "MISTERCASH") == "Bancontact"
    assert label("method", "ELV") == str(METHOD_NAMES["ELV"])
    assert label("method", "SOMETHING_NEW") == "SOMETHING_NEW"
    assert label("method", "") == ""
    assert label("method", None) == ""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_admin_names_methods(admin_user, order, language):
    client = staff_in(language, admin_user)
    changelist = client.get(reverse("admin:oscar_docdata_docdatapayment_changelist"))
    inline = client.get(reverse("admin:oscar_docdata_docdataorder_change", args=[order.pk]))

    for page in (changelist, inline):
        assert page.status_code == 200
        html = page.content.decode()
        for _id, code, _amount in PAYMENTS:
            assert name_in(language, code) in html, code
        assert "SOFORT_UEBERWEISUNG" not in html
