"""Subject merchants (sub-merchants): every request carries merchant/subjectMerchant, a
create may carry its fee, and the token never shows in a repr, a log or an error."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from oscar_docdata.exceptions import DocdataValidationError, InvalidSubjectMerchant
from oscar_docdata.gateway import DocdataClient, SubjectFee, SubjectMerchant, builders, schema
from oscar_docdata.gateway.redaction import redact_xml
from oscar_docdata.testing import replies as r

from .conftest import ORDER_KEY, assert_valid, body_of, eur
from .test_requests import create_payload, requests_of_every_operation

NS = {"d": schema.TYPES_NS}
TOKEN = "sub-T0ken-9f8e7d"  # noqa: S105 - a test secret
SUBJECT = SubjectMerchant("tea_corner", TOKEN)


@pytest.fixture
def subject_client(settings) -> DocdataClient:
    return DocdataClient(subject_merchant=SUBJECT)


def subject_of(request):
    return request.find("d:merchant/d:subjectMerchant", NS)


def test_every_operation_carries_the_subject_merchant_and_validates(
        subject_client, shopper, bill_to, invoice):
    operations = set()
    for operation, payload in requests_of_every_operation(shopper, bill_to, invoice):
        request = body_of(subject_client.build_envelope(operation, payload))
        assert_valid(request)
        subject = subject_of(request)
        assert subject is not None, operation
        assert (subject.get("name"), subject.get("token")) == ("tea_corner", TOKEN)
        assert subject.find("d:fee", NS) is None  # the fee goes with create only
        operations.add(operation)
    assert operations == {"create", "start", "proceed", "cancel", "capture", "refund",
                          "status", "statusExtended", "listPaymentMethods"}


@pytest.mark.parametrize("moment", ["IMMEDIATE", "FULLY_PAID", "fully_paid"])
def test_create_with_a_fee_validates(subject_client, shopper, bill_to, moment):
    fee = SubjectFee(moment, eur("1.25"), "Platform fee")
    request = body_of(subject_client.build_envelope(
        "create", create_payload(shopper, bill_to), fee=fee))
    assert_valid(request)
    fee_element = subject_of(request).find("d:fee", NS)
    assert fee_element.get("moment") == moment.upper()
    assert fee_element.findtext("d:amount", namespaces=NS) == "125"
    assert fee_element.find("d:amount", NS).get("currency") == "EUR"
    assert fee_element.findtext("d:description", namespaces=NS) == "Platform fee"


def test_create_with_a_fee_without_description_validates(subject_client, shopper, bill_to):
    request = body_of(subject_client.build_envelope(
        "create", create_payload(shopper, bill_to),
        fee=SubjectFee("IMMEDIATE", eur("0.50"))))
    assert_valid(request)
    assert subject_of(request).find("d:fee/d:description", NS) is None


def test_without_a_subject_merchant_nothing_is_added(settings, shopper, bill_to):
    request = body_of(DocdataClient().build_envelope("create", create_payload(shopper, bill_to)))
    assert subject_of(request) is None


@pytest.mark.parametrize(("fee", "message"), [
    (SubjectFee("LATER", eur("1")), "is not one of IMMEDIATE, FULLY_PAID"),
    (SubjectFee("IMMEDIATE", eur("-1")), "must not be negative"),
    (SubjectFee("IMMEDIATE", Decimal("1")), "expected an Amount"),
])
def test_bad_fees_are_refused_before_sending(subject_client, fee, message):
    with pytest.raises(DocdataValidationError, match=message) as raised:
        builders.subject_fee(fee)
    assert raised.value.field.startswith("merchant.subjectMerchant.fee")


def test_a_fee_needs_a_subject_merchant(settings, shopper, bill_to):
    with pytest.raises(DocdataValidationError, match="needs a subject merchant"):
        DocdataClient().build_envelope("create", create_payload(shopper, bill_to),
                                       fee=SubjectFee("IMMEDIATE", eur("1")))


@pytest.mark.parametrize("token", ["", "has space", "x" * 129])
def test_bad_tokens_are_refused_without_showing_them(settings, token):
    client = DocdataClient(subject_merchant=SubjectMerchant("tea_corner", token))
    with pytest.raises(DocdataValidationError) as raised:
        client.build_envelope("status", builders.order_key_only(ORDER_KEY))
    assert raised.value.field == "merchant.subjectMerchant.token"
    if token.strip():
        assert token not in str(raised.value)


def test_a_name_takes_its_token_from_the_settings(settings):
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": TOKEN}
    client = DocdataClient(subject_merchant="tea_corner")
    request = body_of(client.build_envelope("status", builders.order_key_only(ORDER_KEY)))
    assert subject_of(request).get("token") == TOKEN
    assert client.subject_merchant_name == "tea_corner"


def test_an_unknown_subject_merchant_names_the_setting(settings):
    settings.DOCDATA_SUBJECT_MERCHANT_TOKENS = {"tea_corner": TOKEN}
    with pytest.raises(InvalidSubjectMerchant, match="DOCDATA_SUBJECT_MERCHANT_TOKENS") as raised:
        DocdataClient(subject_merchant="coffee_corner")
    assert isinstance(raised.value, ImproperlyConfigured)
    assert TOKEN not in str(raised.value)


def test_the_token_is_never_in_a_repr(subject_client):
    assert TOKEN not in repr(SUBJECT)
    assert "tea_corner" in repr(SUBJECT)
    assert TOKEN not in repr(subject_client)
    assert "tea_corner" in repr(subject_client)
    assert TOKEN not in str(SUBJECT)


def test_redacted_envelopes_hide_the_token(subject_client):
    envelope = subject_client.build_envelope("status", builders.order_key_only(ORDER_KEY))
    from lxml import etree

    text = redact_xml(etree.tostring(envelope))
    assert TOKEN not in text
    assert 'name="tea_corner"' in text


def test_logs_and_errors_of_calls_never_show_the_token(docdata, subject_client, caplog):
    caplog.set_level(logging.DEBUG)
    docdata.add("status", r.status_reply(registered=1234))
    subject_client.status(ORDER_KEY)
    # A refusal whose text echoes the request (as schema errors do) is redacted too.
    docdata.add("cancel", r.error_reply("cancel", [("REQUEST_DATA_INCORRECT",
                                                    f"token {TOKEN} is unknown")]))
    with pytest.raises(Exception) as raised:
        subject_client.cancel(ORDER_KEY)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in caplog.text
    assert "for subject merchant tea_corner" in caplog.text
    for record in caplog.records:
        assert TOKEN not in repr(record.__dict__)
