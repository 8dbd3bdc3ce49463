"""The Docdata dashboard as the old README set it up: ``include(application.urls)`` at
``dashboard/docdata/`` and the navigation entry ``docdata-order-list`` under Fulfilment.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse

from oscar_docdata.dashboard.app import application
from oscar_docdata.models import DocdataOrder
from oscar_docdata.simulator import notifications

from .conftest import DASHBOARD_APP, URLCONF

pytestmark = pytest.mark.urls(URLCONF)


@pytest.fixture
def staff(django_user_model):
    """Staff with the view permissions Oscar 4.2's dashboards ask for (is_staff alone,
    enough for the old package, opens neither Oscar's order list nor Docdata's)."""
    user = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="not-used", is_staff=True
    )
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="order", codename="view_order"),
        Permission.objects.get(content_type__app_label="oscar_docdata",
                               codename="view_docdataorder"),
    )
    return user


def navigation_link() -> str:
    """The navigation entry's link, as the dashboard renders it."""
    return f'href="{reverse("docdata-order-list")}"'


@pytest.mark.django_db
def test_the_navigation_entry_shows_in_the_dashboard(client, staff):
    client.force_login(staff)

    page = client.get(reverse("dashboard:index"))

    assert page.status_code == 200
    html = page.content.decode()
    assert navigation_link() in html
    assert "Docdata Orders" in html
    # Under Fulfilment, right after Orders, where the README inserted it.
    fulfilment = html[html.index("Fulfilment"):]
    assert fulfilment.index(reverse("dashboard:order-list")) < fulfilment.index(
        reverse("docdata-order-list"))


@pytest.mark.django_db(transaction=True)
def test_staff_open_the_list_and_the_detail_of_a_paid_checkout(
    client, staff, shopper, product, docdata
):
    placed = shopper.check_out(product)
    shopper.pay(placed)
    assert notifications.wait_until_idle(10)
    docdata_order = DocdataOrder.objects.get(order_key=placed.order_key)
    payment = docdata_order.payments.get()
    client.force_login(staff)

    listing = client.get(reverse("docdata-order-list"))

    assert listing.status_code == 200
    html = listing.content.decode()
    detail_url = reverse("docdata-order-detail", kwargs={"pk": docdata_order.pk})
    assert f'href="{detail_url}"' in html
    assert docdata_order.order_key in html
    assert docdata_order.merchant_order_id in html

    detail = client.get(detail_url)

    assert detail.status_code == 200
    html = detail.content.decode()
    assert docdata_order.order_key in html
    assert str(payment.payment_id) in html
    assert "Paid" in html


@pytest.mark.django_db
def test_customers_and_visitors_stay_out(client, customer):
    order = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="100001", order_number="100001",
        order_key="0" * 31 + "1", total_gross_amount="12.50", currency="EUR",
    )
    urls = (reverse("docdata-order-list"),
            reverse("docdata-order-detail", kwargs={"pk": order.pk}))

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url  # visitors: to the login page
        assert response["Location"].startswith(reverse("dashboard:login")), url
    client.force_login(customer)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_the_dashboard_needs_no_app_of_its_own_in_installed_apps():
    """INSTALLED_APPS as old shops have them: "oscar_docdata" only, no dashboard app."""
    assert not apps.is_installed(DASHBOARD_APP)

    # The old README's urls.py line: the old names, without a namespace.
    [mounted] = [path("dashboard/docdata/", include(application.urls))]

    assert mounted.namespace is None
    names = {pattern.name for pattern in mounted.url_patterns}
    assert {"docdata-order-list", "docdata-order-detail"} <= names
    assert reverse("docdata-order-list") == "/dashboard/docdata/"
