"""The old URL names of ``include('oscar_docdata.urls')`` at ``api/docdata/``."""

import pytest
from django.urls import resolve, reverse

from oscar_docdata.views import OrderReturnView, StatusChangedNotificationView

from .conftest import URLCONF

pytestmark = pytest.mark.urls(URLCONF)


@pytest.mark.parametrize("name,url,view", [
    ("return_url", "/api/docdata/return/", OrderReturnView),
    ("status_changed", "/api/docdata/update_order/", StatusChangedNotificationView),
])
def test_old_names_reverse_and_resolve(name, url, view):
    assert reverse(name) == url
    assert resolve(url).func.view_class is view


@pytest.mark.django_db
def test_the_notification_url_answers_for_an_unknown_order(client):
    # As the Back Office's update URL: ...update_order/?order_id=<reference>
    response = client.get(reverse("status_changed"), {"order_id": "no-such-order"})
    assert response.status_code == 404
