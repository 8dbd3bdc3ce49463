"""A signed-in customer shopping over real HTTP: the shop and the simulator's menu.

The customer's "browser" is a requests session against pytest-django's live server
(``tests.simulator.browser.Browser``: forms read from the HTML, CSRF tokens kept, no
redirect followed unless asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.simulator.browser import Browser, forms

#: The customer's address; line2 holds the house number (DOCDATA_HOUSE_NUMBER_FIELD).
ADDRESS = {
    "first_name": "Piet",
    "last_name": "Jansen",
    "line1": "Keizersgracht",
    "line2": "12",
    "line4": "Amsterdam",
    "postcode": "1015 CJ",
    "country": "NL",
    "phone_number": "",
}

#: Paying in the menu: iDEAL (iDEAL 2.0: the bank is chosen on the iDEAL page).
PAY_WITH_IDEAL = {"method": "IDEAL"}


@dataclass
class Placed:
    """The shopper on Docdata's payment menu after placing the order."""

    menu: requests.Response

    @property
    def menu_query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.menu.url).query)

    @property
    def order_key(self) -> str:
        return self.menu_query["payment_cluster_key"][0]


class Shopper:
    def __init__(self, base_url: str, user):
        self.base_url = base_url.rstrip("/")
        self.browser = Browser()
        # Signed in as ``user``: the session of a login, in the browser's cookie jar.
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.browser.session.cookies.set(cookie.key, cookie.value)

    def url(self, path_or_url: str) -> str:
        return path_or_url if "://" in path_or_url else self.base_url + path_or_url

    def get(self, path_or_url: str) -> requests.Response:
        """GET and follow redirects, as a browser does."""
        return self.browser.session.get(self.url(path_or_url), timeout=10)

    def visit(self, path_or_url: str) -> requests.Response:
        """GET without following a redirect."""
        return self.browser.get(self.url(path_or_url))

    def submit(self, page: requests.Response, choices: dict, action: str = "") -> requests.Response:
        """Post the first form of ``page`` whose action contains ``action``."""
        index = next(
            i for i, form in enumerate(forms(page.text)) if action in form["action"]
        )
        return self.browser.submit(page, choices, form_index=index)

    def check_out(self, product) -> Placed:
        """Basket, shipping address, preview, place order: ends on Docdata's menu."""
        page = self.get(product.get_absolute_url())
        basket_add = reverse("basket:add", kwargs={"pk": product.pk})
        assert self.submit(page, {"quantity": "1"}, basket_add).status_code == 302

        page = self.get(reverse("checkout:index"))
        assert urlsplit(page.url).path == reverse("checkout:shipping-address"), page.url
        answer = self.submit(page, ADDRESS, reverse("checkout:shipping-address"))
        assert answer.status_code == 302, answer.text[:3000]

        # No shipping method or payment method choice here: on to payment details.
        page = self.get(answer.headers["Location"])
        assert urlsplit(page.url).path == reverse("checkout:payment-details"), page.url
        page = self.get(reverse("checkout:preview"))
        assert page.status_code == 200
        answer = self.submit(page, {}, reverse("checkout:preview"))
        assert answer.status_code == 302, answer.text[:3000]
        menu = self.visit(answer.headers["Location"])
        assert menu.status_code == 200, menu.text[:3000]
        return Placed(menu)

    def pay_in_menu(self, placed: Placed, choices: dict) -> requests.Response:
        """Choose in the menu; returns the menu's answer (a redirect to the shop)."""
        answer = self.browser.submit(placed.menu, choices)
        assert answer.status_code == 302, answer.text[:3000]
        return answer

    def pay(self, placed: Placed) -> requests.Response:
        """Pay in the menu and come back to the shop (its thank-you page)."""
        answer = self.pay_in_menu(placed, PAY_WITH_IDEAL)
        ideal = self.visit(answer.headers["Location"])  # choose the bank on the iDEAL page
        bank = self.visit(self.browser.submit(ideal, {"issuer": "INGBNL2A"})
                          .headers["Location"])
        answer = self.browser.submit(bank, {"outcome": "success"})  # approve at the bank
        assert answer.headers["Location"] == placed.menu_query["return_url_success"][0]
        return self.get(answer.headers["Location"])

    def close(self) -> None:
        self.browser.close()
