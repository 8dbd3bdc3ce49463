"""A shopper going through Oscar's checkout with Django's test client (or a browser)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_product

from oscar_docdata.models import DocdataOrder

Country = get_model("address", "Country")
Order = get_model("order", "Order")

ADDRESS = {
    "first_name": "Anna",
    "last_name": "de Vries",
    "line1": "Keizersgracht 1",
    "line4": "Amsterdam",
    "postcode": "1015 CJ",
    "country": "NL",
    "phone_number": "",
}


@dataclass
class Placed:
    """The outcome of "place order": the response and what was created."""

    response: Any

    @property
    def menu_url(self) -> str:
        return self.response["Location"]

    @property
    def menu_query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.menu_url).query)

    @property
    def order_key(self) -> str:
        return self.menu_query["payment_cluster_key"][0]

    @property
    def docdata_order(self) -> DocdataOrder:
        return DocdataOrder.objects.get(order_key=self.order_key)

    @property
    def order(self) -> Any:
        return Order.objects.get(number=self.docdata_order.order_number)

    def return_url(self, callback: str) -> str:
        """The path of the return URL the menu sends the shopper to for ``callback``."""
        name = {"CANCELLED": "return_url_canceled"}.get(callback, f"return_url_{callback.lower()}")
        url = urlsplit(self.menu_query[name][0])
        return f"{url.path}?{url.query}"


def make_shop(price: Decimal = Decimal("12.50")) -> Any:
    """A product in stock, and the Netherlands as a shipping country."""
    Country.objects.get_or_create(
        iso_3166_1_a2="NL",
        defaults={"name": "Netherlands", "printable_name": "Netherlands",
                  "is_shipping_country": True},
    )
    return create_product(title="Stroopwafels", price=price, num_in_stock=100)


def fill_basket(client: Client, product: Any, quantity: int = 1) -> None:
    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
    )
    assert response.status_code == 302, response


def to_preview(
    client: Client,
    *,
    email: str | None = "anna@example.com",
    address: dict[str, str] | None = None,
    payment_method: str | None = "IDEAL",
) -> Any:
    """Guest (with ``email``) or signed-in checkout up to the preview page."""
    if email is not None:
        response = client.post(
            reverse("checkout:index"), {"username": email, "options": "anonymous"}
        )
        assert response.status_code == 302, response.content[:2000]
    response = client.post(
        reverse("checkout:shipping-address"), {**ADDRESS, **(address or {})}
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.get(reverse("checkout:shipping-method"), follow=True)
    assert response.status_code == 200
    if payment_method is None:
        response = client.get(reverse("checkout:preview"))
    else:
        response = client.post(reverse("checkout:preview"), {"payment_method": payment_method})
    assert response.status_code == 200
    return response


def place_order(client: Client, *, payment_method: str | None = "IDEAL") -> Any:
    data = {"action": "place_order"}
    if payment_method is not None:
        data["payment_method"] = payment_method
    return client.post(reverse("checkout:preview"), data)


def checkout(
    client: Client, product: Any, *, payment_method: str | None = "IDEAL", **preview: Any
) -> Placed:
    """Fill the basket, check out, place the order; expects the redirect to the menu."""
    fill_basket(client, product)
    to_preview(client, payment_method=payment_method, **preview)
    response = place_order(client, payment_method=payment_method)
    assert response.status_code == 302, response.content[:3000]
    return Placed(response)
