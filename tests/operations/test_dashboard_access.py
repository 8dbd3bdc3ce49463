"""Who may see and use the Docdata dashboard: as Oscar's order dashboard decides."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from oscar.test.factories import PartnerFactory, create_order

from oscar_docdata.models import DocdataStatusChange
from tests.operations.conftest import grant

PAGES = ["list", "detail", "refresh", "cancel", "capture", "refund"]
ACTIONS = ["refresh", "cancel", "capture", "refund"]


def url(page: str, order: Any) -> str:
    name = f"oscar_docdata_dashboard:docdata-order-{page}"
    return reverse(name) if page == "list" else reverse(name, kwargs={"pk": order.pk})


@pytest.fixture
def order(make_order: Any) -> Any:
    return make_order()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_the_dashboard_login(client, order, page):
    response = client.get(url(page, order))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))


@pytest.mark.parametrize("page", ACTIONS)
def test_anonymous_posts_do_nothing(client, order, docdata, page):
    response = client.post(url(page, order), {"amount": "1.00"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:login"))
    assert docdata.requests == []
    assert not DocdataStatusChange.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_customers_are_refused(client, customer, order, page):
    client.force_login(customer)
    assert client.get(url(page, order)).status_code == 403


@pytest.mark.parametrize("page", ACTIONS)
def test_customer_posts_are_refused_and_do_nothing(client, customer, order, docdata, page):
    client.force_login(customer)
    assert client.post(url(page, order), {"amount": "1.00"}).status_code == 403
    assert docdata.requests == []
    assert not DocdataStatusChange.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_staff_with_the_permissions_see_every_page(staff_client, order, page):
    if page in ("capture", "refund"):
        # Shown only when there is something to capture or refund: part is captured.
        order.payments.create(payment_id=4000000009, status="AUTHORIZED", currency="EUR",
                              amount_allocated="12.34", amount_debited="5.00")
    assert staff_client.get(url(page, order)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_staff_without_the_docdata_permissions_are_refused(
    client, django_user_model, order, page
):
    # Oscar 4.2's order dashboard needs order.view_order too; is_staff alone is not enough.
    user = django_user_model.objects.create_user("plainstaff", "p@example.com", "x",
                                                 is_staff=True)
    client.force_login(user)
    assert client.get(url(page, order)).status_code == 403


def test_view_permission_alone_allows_no_action(client, django_user_model, order):
    user = grant(
        django_user_model.objects.create_user("viewer", "v@example.com", "x", is_staff=True),
        "view_docdataorder",
    )
    client.force_login(user)
    assert client.get(url("list", order)).status_code == 200
    assert client.get(url("detail", order)).status_code == 200
    for page in ACTIONS:
        assert client.get(url(page, order)).status_code == 403
    # and the detail page offers no action buttons
    detail = client.get(url("detail", order)).content.decode()
    assert url("refresh", order) not in detail


@pytest.fixture
def partner_user(db, django_user_model):
    """A non-staff user with partner dashboard access (Oscar's fulfilment partners)."""
    user = django_user_model.objects.create_user("partner", "partner@example.com", "x")
    user.user_permissions.add(Permission.objects.get(
        content_type__app_label="partner", codename="dashboard_access"))
    return user


def test_partner_users_see_only_docdata_orders_of_their_partners_orders(
    client, partner_user, make_order
):
    own_oscar_order = create_order(number="P-1")
    own_oscar_order.lines.first().partner.users.add(partner_user)
    create_order(number="P-2").lines.update(partner=PartnerFactory(name="Other partner"))
    own = make_order(order_number="P-1", merchant_order_id="P-1")
    other = make_order(order_number="P-2", merchant_order_id="P-2")
    client.force_login(partner_user)

    listing = client.get(url("list", own))
    assert listing.status_code == 200
    assert list(listing.context["docdata_orders"]) == [own]
    assert client.get(url("detail", own)).status_code == 200
    assert client.get(url("detail", other)).status_code == 404
    # Actions move money for the whole order: partner access is not enough.
    for page in ACTIONS:
        assert client.get(url(page, own)).status_code == 403


def test_the_navigation_shows_docdata_orders_to_permitted_users_only(
    client, staff_user, customer, partner_user, django_user_model
):
    list_url = reverse("oscar_docdata_dashboard:docdata-order-list")
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:index"))
    assert page.status_code == 200
    assert list_url in page.content.decode()

    plain = django_user_model.objects.create_user("plain", "pl@example.com", "x", is_staff=True)
    client.force_login(plain)
    assert list_url not in client.get(reverse("dashboard:index")).content.decode()
