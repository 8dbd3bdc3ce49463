"""The Django admin shows Docdata's data read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oscar_docdata.facade import get_facade
from oscar_docdata.models import (
    DocdataMoneyRequest,
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)
from oscar_docdata.testing import replies


@pytest.fixture
def admin_order(make_order, docdata):
    order = make_order(amount="25.00", order_number="777001", merchant_order_id="777001")
    docdata.add("status", replies.status_reply(
        registered=2500, acquirer_approved=2500, captured=2500,
        payments=[replies.payment_xml(5000000001, amount=2500, captures=[("CAPTURED", 2500)])],
    ))
    get_facade().update_order(order)
    DocdataMoneyRequest.objects.create(
        docdata_order=order, payment=order.payments.get(), kind="refund",
        amount="4.00", currency="EUR", reference="R-admin-0", request_key="admin",
        state=DocdataMoneyRequest.STATE_PENDING,
    )
    return order


MODELS = [
    ("docdataorder", lambda order: order),
    ("docdatapayment", lambda order: order.payments.get()),
    ("docdatastatuschange", lambda order: order.status_changes.get()),
    ("docdatamoneyrequest", lambda order: order.money_requests.get()),
]


@pytest.mark.parametrize(("model", "get"), MODELS)
def test_changelist_and_read_only_detail(admin_client, admin_order, model, get):
    changelist = admin_client.get(reverse(f"admin:oscar_docdata_{model}_changelist"))
    assert changelist.status_code == 200
    assert admin_order.order_key in changelist.content.decode() or model == "docdatastatuschange"
    assert reverse(f"admin:oscar_docdata_{model}_add") not in changelist.content.decode()

    obj = get(admin_order)
    change_url = reverse(f"admin:oscar_docdata_{model}_change", args=[obj.pk])
    detail = admin_client.get(change_url)
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'name="_save"' not in html  # nothing to save
    assert reverse(f"admin:oscar_docdata_{model}_delete", args=[obj.pk]) not in html


@pytest.mark.parametrize(("model", "get"), MODELS)
def test_nothing_can_be_added_changed_or_deleted(admin_client, admin_order, model, get):
    all_models = (DocdataOrder, DocdataPayment, DocdataStatusChange, DocdataMoneyRequest)
    counts = [m.objects.count() for m in all_models]
    obj = get(admin_order)

    assert admin_client.get(reverse(f"admin:oscar_docdata_{model}_add")).status_code == 403
    delete_url = reverse(f"admin:oscar_docdata_{model}_delete", args=[obj.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse(f"admin:oscar_docdata_{model}_change", args=[obj.pk])
    admin_client.post(change_url, {"status": "cancelled", "note": "x"})

    assert [m.objects.count() for m in all_models] == counts
    obj.refresh_from_db()
    assert getattr(obj, "status", "") != "cancelled"
    assert getattr(obj, "note", "") != "x"


def test_the_money_request_list_shows_order_key_kind_amount_and_state(admin_client,
                                                                      admin_order):
    page = admin_client.get(reverse("admin:oscar_docdata_docdatamoneyrequest_changelist"))
    html = page.content.decode()
    assert admin_order.order_key in html
    assert "Refund" in html and "4.00" in html and "In progress at Docdata" in html


def test_the_order_page_shows_its_payments_and_history(admin_client, admin_order):
    page = admin_client.get(
        reverse("admin:oscar_docdata_docdataorder_change", args=[admin_order.pk])
    )
    html = page.content.decode()
    assert "5000000001" in html  # the payment inline
    assert "paid" in html  # the history inline


@pytest.mark.parametrize("query", ["777001", "ORDERKEY", "nothing-like-it"])
def test_order_search(admin_client, admin_order, query):
    query = admin_order.order_key if query == "ORDERKEY" else query
    page = admin_client.get(reverse("admin:oscar_docdata_docdataorder_changelist"),
                            {"q": query})
    found = list(page.context["cl"].result_list)
    assert found == ([] if query == "nothing-like-it" else [admin_order])


def test_order_filters(admin_client, admin_order, make_order):
    make_order(merchant="shop_sub")
    changelist = reverse("admin:oscar_docdata_docdataorder_changelist")
    by_status = admin_client.get(changelist, {"status__exact": "paid"})
    assert list(by_status.context["cl"].result_list) == [admin_order]
    by_merchant = admin_client.get(changelist, {"merchant_name": "shop_sub"})
    assert [o.merchant_name for o in by_merchant.context["cl"].result_list] == ["shop_sub"]


def test_payment_search_by_id_and_order(admin_client, admin_order):
    changelist = reverse("admin:oscar_docdata_docdatapayment_changelist")
    for query in ("5000000001", admin_order.order_key):
        page = admin_client.get(changelist, {"q": query})
        assert [p.payment_id for p in page.context["cl"].result_list] == [5000000001]


def test_staff_without_view_permission_cannot_see_it(client, django_user_model, admin_order):
    user = django_user_model.objects.create_user("staff2", "s2@example.com", "x", is_staff=True)
    client.force_login(user)
    assert client.get(
        reverse("admin:oscar_docdata_docdataorder_changelist")
    ).status_code == 403
