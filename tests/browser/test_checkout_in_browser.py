"""A guest checks out in a real browser: Oscar's shop → the simulator's menu → back.

Runs against pytest-django's live_server with the simulator behind it; skipped (with
the reason) where Debian's chromium or Playwright's package is missing.
"""

import re
from decimal import Decimal

import pytest
from django.db import connections
from oscar.core.loading import get_model

from oscar_docdata.models import DocdataOrder

from .browser import chromium_missing, chromium_page, step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.checkout.urls"),
    pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
]

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

ADDRESS = {
    "#id_first_name": "Anna",
    "#id_last_name": "de Vries",
    "#id_line1": "Keizersgracht 1",
    "#id_line4": "Amsterdam",
    "#id_postcode": "1015 CJ",
}


@pytest.fixture
def page():
    with chromium_page() as page:
        yield page
        # While Playwright's event loop runs in this thread, Django gives the test's ORM
        # queries a connection of their own (asgiref's Local): close it before the
        # loop ends, or it outlives the test database.
        connections.close_all()


@pytest.fixture(autouse=True)
def django_allow_async_unsafe(monkeypatch):
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM
    # queries run between browser calls, never concurrently with the loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def check_out_to_the_menu(page, live_server, product, test_name, method="IDEAL"):
    """Add the product, check out as a guest, place the order; ends on the menu.

    ``method``: chosen in the checkout; None where the checkout offers no choice.
    """
    with step(page, test_name, "add-to-basket"):
        page.goto(live_server.url + product.get_absolute_url())
        page.click("#add_to_basket_form button[type=submit]")
        page.goto(live_server.url + "/checkout/")
    with step(page, test_name, "guest-email"):
        page.fill("#id_username", "anna@example.com")
        page.check("input[name=options][value=anonymous]")
        page.click("form:has(#id_username) button[type=submit]")
        page.wait_for_url(re.compile(r"/checkout/shipping-address/$"))
    with step(page, test_name, "shipping-address"):
        for selector, value in ADDRESS.items():
            page.fill(selector, value)
        if page.locator("select#id_country").count():  # hidden with one country
            page.select_option("select#id_country", "NL")
        page.click("#new_shipping_address button[type=submit]")
        page.wait_for_url(re.compile(r"/checkout/payment-details/$"))
    with step(page, test_name, "payment-method"):
        if method:
            page.check(f"input[name=payment_method][value={method}]")
        page.click("#view_preview")
        page.wait_for_url(re.compile(r"/checkout/preview/$"))
        if method:
            assert page.inner_text("#docdata_payment_method") == "iDEAL"
    with step(page, test_name, "place-order"):
        page.click("#place-order")
        page.wait_for_url(re.compile(r"/docdata-sim/menu\?"))
        if method:
            assert f"default_pm={method}" in page.url
        assert "ideal_issuer_id" not in page.url  # iDEAL 2.0: no bank from the shop


def assert_paid(order):
    order.refresh_from_db()
    assert order.status == "Paid"
    source = order.sources.get()
    assert source.amount_debited == order.total_incl_tax == Decimal("12.50")
    docdata_order = DocdataOrder.objects.get(order_key=source.reference)
    assert docdata_order.status == DocdataOrder.STATUS_PAID
    assert docdata_order.total_captured == Decimal("12.50")
    assert [event.event_type.name for event in order.payment_events.all()] == ["Paid"]


def test_guest_pays_with_ideal(page, live_server, product, simulator, request):
    name = request.node.name
    check_out_to_the_menu(page, live_server, product, name)
    order = Order.objects.get()
    assert order.status == "Pending"

    with step(page, name, "pay-in-menu"):
        assert page.is_checked("input[name=method][value=IDEAL]")  # default_pm
        assert page.locator("select").count() == 0  # no bank dropdown (iDEAL 2.0)
        assert page.inner_text("#amount") == "€12.50"
        assert not page.locator("fieldset.simulator-controls").is_visible()  # iDEAL: the bank
        page.get_by_role("button", name="Pay €12.50").click()
    with step(page, name, "ideal-choose-bank"):
        page.wait_for_url(re.compile(r"/docdata-sim/bank/ideal/\d+/choose/$"))
        assert page.get_by_role("heading", level=1).inner_text() == "iDEAL — choose your bank"
        page.get_by_role("radio", name="ING", exact=True).check()
        page.get_by_role("button", name="Continue").click()
    with step(page, name, "bank"):
        page.wait_for_url(re.compile(r"/docdata-sim/bank/ideal/\d+/$"))
        assert "ING" in page.inner_text("main")
        page.get_by_label("Approve the payment").check()
        page.get_by_role("button", name="Confirm").click()
    with step(page, name, "thank-you"):
        page.wait_for_url(re.compile(r"/checkout/thank-you/$"))
        assert order.number in page.inner_text("h1")
    assert_paid(order)


@pytest.mark.urls("tests.checkout.urls_no_choice")
def test_guest_pays_with_bancontact_chosen_by_its_name_in_the_menu(
    page, live_server, product, simulator, request
):
    name = request.node.name
    check_out_to_the_menu(page, live_server, product, name, method=None)
    order = Order.objects.get()

    with step(page, name, "pay-in-menu"):
        tile = page.locator("label.tile", has_text="Bancontact")
        assert tile.count() == 1 and "MISTERCASH" not in page.inner_text("main")
        tile.click()
        assert page.is_checked("input[name=method][value=MISTERCASH]")
        assert page.locator("fieldset.simulator-controls").is_visible()
        page.get_by_label("Paid (authorized and captured)").check()
        page.get_by_role("button", name="Pay €12.50").click()
    with step(page, name, "thank-you"):
        page.wait_for_url(re.compile(r"/checkout/thank-you/$"))
        assert order.number in page.inner_text("h1")
    assert_paid(order)
    assert order.sources.get().source_type.name  # paid by Bancontact at Docdata
    [attempt] = simulator.order(order.sources.get().reference).attempts.all()
    assert attempt.method == "MISTERCASH"


def test_guest_cancels_in_the_menu_and_finds_the_basket_back(
    page, live_server, product, simulator, request
):
    name = request.node.name
    check_out_to_the_menu(page, live_server, product, name)

    with step(page, name, "cancel-in-menu"):
        page.get_by_role("button", name="Cancel and return to the shop").click()
    with step(page, name, "basket-back"):
        page.wait_for_url(re.compile(r"/basket/$"))
        assert "Your basket is back" in page.inner_text("#messages")
        assert product.title in page.inner_text("#basket_formset")

    order = Order.objects.get()
    assert order.status == "Cancelled"
    assert DocdataOrder.objects.get().status == DocdataOrder.STATUS_CANCELLED
    assert Basket.objects.filter(status=Basket.OPEN).get().num_items == 1
