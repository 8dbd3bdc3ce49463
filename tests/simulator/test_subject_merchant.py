"""The simulator and merchant/subjectMerchant: accepted on every operation, recorded on
the order created with it, shown on the overview."""

import pytest

from oscar_docdata.gateway import DocdataClient, SubjectMerchant
from oscar_docdata.simulator.models import SimulatedOrder

from . import wire
from .factories import create_order
from .test_pages import overview_url

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")

TOKEN = "tea-C0rner-token-7f3a"  # noqa: S105 - a test secret
SUBJECT = f'<d:subjectMerchant name="tea_corner" token="{TOKEN}">{{fee}}</d:subjectMerchant>'
FEE = ('<d:fee moment="IMMEDIATE"><d:amount currency="EUR">150</d:amount>'
       "<d:description>Marketplace fee</d:description></d:fee>")


def request(operation_element: str, body: str, fee: str = "") -> bytes:
    merchant = (f'<d:merchant name="shop_test" password="{wire.PASSWORD}">'
                f'{SUBJECT.format(fee=fee)}</d:merchant>')
    return wire.envelope(f'<d:{operation_element} version="1.3">{merchant}{body}'
                         f"</d:{operation_element}>")


@pytest.mark.parametrize("fee", ["", FEE])
def test_a_create_with_a_subject_merchant_is_valid_and_recorded(docdata_simulator, fee):
    response = wire.post(docdata_simulator.base_url,
                         request("createRequest", wire.create_body("SM-1"), fee), "create")
    key = wire.find(wire.reply(response), "createSuccess/key").text
    order = SimulatedOrder.objects.get(order_key=key)
    assert order.subject_merchant_name == "tea_corner"
    # Later calls with it are answered as any others.
    response = wire.post(docdata_simulator.base_url, request(
        "statusRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>"), "status")
    assert wire.find(wire.reply(response), "statusSuccess/success") is not None


def test_a_subject_merchant_element_that_breaks_the_schema_is_refused(docdata_simulator):
    body = wire.envelope(
        '<d:statusRequest version="1.3">'
        f'<d:merchant name="shop_test" password="{wire.PASSWORD}">'
        '<d:subjectMerchant name="tea_corner"/></d:merchant>'
        f"<d:paymentOrderKey>{'A' * 32}</d:paymentOrderKey></d:statusRequest>")
    reply = wire.reply(wire.post(docdata_simulator.base_url, body, "status"))
    [(code, text)] = wire.errors(reply)
    assert code == "REQUEST_DATA_INCORRECT" and "XSD" in text


def test_orders_without_one_record_none(client):
    key = create_order(client, "SM-2")
    assert SimulatedOrder.objects.get(order_key=key).subject_merchant_name == ""


def test_the_overview_shows_the_subject_merchant(staff_browser, docdata_simulator):
    client = DocdataClient(subject_merchant=SubjectMerchant("tea_corner", TOKEN))
    create_order(client, "SM-3")
    page = staff_browser.get(overview_url(docdata_simulator))
    assert page.status_code == 200
    assert "Subject merchant: tea_corner" in page.text
    assert TOKEN not in page.text
