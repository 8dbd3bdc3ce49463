"""The test helpers other suites build on: the canned adapter and the reply builders."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings as django_settings

from oscar_docdata.exceptions import DocdataGatewayError
from oscar_docdata.gateway import DocdataClient, transport
from oscar_docdata.gateway.redaction import redact_xml, secrets_in
from oscar_docdata.testing import replies as r
from oscar_docdata.testing.canned import CannedSoapAdapter, NoCannedReply, canned_docdata

from .conftest import ORDER_KEY


def test_queued_replies_come_first_then_the_repeating_one(docdata, client):
    docdata.set("status", r.status_reply(registered=3))
    docdata.add("status", r.status_reply(registered=1)).add("status", r.status_reply(registered=2))
    assert [client.status(ORDER_KEY).totals.registered for _ in range(4)] == [1, 2, 3, 3]
    assert docdata.operations() == ["status"] * 4


def test_replies_are_kept_per_operation(docdata, client):
    docdata.add("cancel", r.cancel_reply("SUCCESS"))
    docdata.add("status", r.status_reply(registered=7))
    assert client.status(ORDER_KEY).totals.registered == 7
    assert client.cancel(ORDER_KEY).result == "SUCCESS"


def test_a_call_without_canned_reply_fails_loudly(docdata, client):
    with pytest.raises(NoCannedReply, match="'status'"):
        client.status(ORDER_KEY)
    assert isinstance(NoCannedReply(), AssertionError)


def test_fail_raises_once_unless_repeated(docdata, client):
    docdata.fail("status", requests.ConnectTimeout)
    docdata.add("status", r.status_reply(registered=1))
    with pytest.raises(DocdataGatewayError, match="timed out"):
        client.status(ORDER_KEY)
    assert client.status(ORDER_KEY).totals.registered == 1
    docdata.fail("status", requests.ConnectionError("down"), repeat=True)
    for _ in range(2):
        with pytest.raises(DocdataGatewayError, match="down"):
            client.status(ORDER_KEY)


def test_status_and_content_type_are_served(docdata, client):
    docdata.add("status", b"<html>busy</html>", status=503, content_type="text/html")
    with pytest.raises(DocdataGatewayError, match=r"HTTP 503 Service Unavailable \(text/html\)"):
        client.status(ORDER_KEY)


def test_requests_are_recorded_with_body_and_url(docdata, client):
    docdata.add("status", r.status_reply(registered=1))
    client.status(ORDER_KEY)
    (request,) = docdata.requests
    assert request.url == "http://docdata.test/ps/services/paymentservice/1_3"
    assert request.xml().find(".//{*}paymentOrderKey").text == ORDER_KEY
    docdata.reset()
    assert docdata.requests == []


def test_canned_docdata_sets_and_restores_the_base_url():
    before = django_settings.DOCDATA_BASE_URL
    with canned_docdata("https://other.test/ps") as docdata:
        assert DocdataClient().base_url == "https://other.test/ps"
        assert transport.get_http_session().get_adapter("https://other.test/ps/x") is docdata
    assert django_settings.DOCDATA_BASE_URL == before
    assert not isinstance(transport.get_http_session().get_adapter("https://other.test/"),
                          CannedSoapAdapter)


def test_nested_canned_docdata_restores_the_outer_adapter():
    with canned_docdata() as outer:
        with canned_docdata() as inner:
            assert transport.get_http_session().get_adapter("http://docdata.test/") is inner
        assert transport.get_http_session().get_adapter("http://docdata.test/") is outer


def test_secrets_in_a_payload():
    payload = {"merchant": {"name": "shop", "password": "pw-1"},
               "payment": {"visaPaymentInput": {"cardNumber": "4111111111111111",
                                                "securityCode": "123",
                                                "cardHolderName": "J"}},
               "token": {"key": "tok"}, "refundBankAccount": {"iban": "NL91ABNA0417164300"}}
    assert set(secrets_in(payload)) == {"pw-1", "4111111111111111", "123", "tok",
                                        "NL91ABNA0417164300"}


def test_redact_xml_masks_elements_attributes_and_texts():
    xml = ('<a xmlns="urn:x"><merchant name="m" password="pw"/><cardNumber>4111111111111111'
           '</cardNumber><iban>NL91ABNA0417164300</iban><note>pw and 5100000000000008</note>'
           "</a>")
    text = redact_xml(xml, secrets=("pw",))
    assert "4111" not in text and "NL91" not in text and "5100" not in text
    assert 'password="***"' in text and "<note>*** and ***</note>" in text


def test_redact_xml_handles_non_xml():
    assert redact_xml(b"<html>card 4111 1111 1111 1111</html") == "<html>card ***</html"
