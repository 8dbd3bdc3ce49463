"""The SOAP endpoint on the wire: raw envelopes through a real requests transport."""

import re

import pytest
import requests
import zeep
from lxml import etree

from oscar_docdata.gateway.schema import SOAP_ENV_NS, TYPES_NS, XSD_PATH

from . import wire


@pytest.fixture
def sim(docdata_simulator):
    return docdata_simulator


def create(sim, reference="REF-1", **kwargs) -> str:
    response = wire.post(sim.base_url, wire.request("createRequest",
                                                    wire.create_body(reference, **kwargs)),
                         "create")
    element = wire.reply(response)
    return wire.find(element, "createSuccess/key").text


def test_create_reply_carries_a_key_and_the_xsd_version(sim):
    response = wire.post(sim.base_url, wire.request("createRequest", wire.create_body()),
                         "create")
    element = wire.reply(response)
    assert element.tag == f"{{{TYPES_NS}}}createResponse"
    assert element.get("ddpXsdVersion") == "1.3.14"
    assert wire.find(element, "createSuccess/success").get("code") == "SUCCESS"
    assert re.fullmatch(r"[A-F0-9]{32}", wire.find(element, "createSuccess/key").text)
    assert response.headers["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize("body", [
    b"",
    b"this is not XML",
    b"<unclosed>",
    b'<?xml version="1.0"?><root/>',
    wire.envelope(""),
    wire.envelope("<a/><b/>"),
    wire.envelope(f'<d:unknownRequest xmlns:d="{TYPES_NS}"/>'),
    f'<s:Envelope xmlns:s="{SOAP_ENV_NS}"/>'.encode(),
], ids=["empty", "text", "unclosed", "no-envelope", "empty-body", "two-elements",
        "unknown-element", "no-body"])
def test_a_request_that_cannot_be_parsed_is_a_soap_fault(sim, body):
    code, text = wire.fault(wire.post(sim.base_url, body, "create"))
    assert code == "soap:Client"
    assert text == "Fault occurred while processing."


def test_entities_are_never_expanded(sim, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
            f'<s:Envelope xmlns:s="{SOAP_ENV_NS}"><s:Body>&e;</s:Body></s:Envelope>').encode()
    response = wire.post(sim.base_url, body, "create")
    assert wire.fault(response)[0] == "soap:Client"
    assert b"TOP-SECRET" not in response.content


def test_a_schema_violation_is_request_data_incorrect(sim):
    body = wire.create_body(extra="<d:receiptText>" + "x" * 51 + "</d:receiptText>")
    element = wire.reply(wire.post(sim.base_url, wire.request("createRequest", body)))
    [(code, text)] = wire.errors(wire.find(element, "createErrors"))
    assert code == "REQUEST_DATA_INCORRECT"
    assert text.startswith("XML request does not match XSD")
    assert "receiptText" in text


def test_a_wrong_version_is_a_schema_violation(sim):
    body = wire.request("statusRequest", "<d:paymentOrderKey>" + "A" * 32 +
                        "</d:paymentOrderKey>").replace(b'version="1.3"', b'version="1.2"')
    element = wire.reply(wire.post(sim.base_url, body))
    [(code, text)] = wire.errors(element)
    assert code == "REQUEST_DATA_INCORRECT"
    assert text.startswith("XML request does not match XSD")


@pytest.mark.parametrize("name,password", [
    ("shop_test", "wrong-password"),
    ("nobody", "Sup3r-Secret-pw"),
    ("shop_sub", "Sup3r-Secret-pw"),
])
def test_bad_credentials_are_a_security_error(sim, name, password):
    response = wire.post(sim.base_url, wire.request("createRequest", wire.create_body(),
                                                    name=name, password=password))
    element = wire.reply(response)
    [(code, _text)] = wire.errors(wire.find(element, "createErrors"))
    assert code == "SECURITY_ERROR"
    assert password.encode() not in response.content


def test_a_sub_merchant_has_its_own_password(sim):
    response = wire.post(sim.base_url, wire.request("createRequest", wire.create_body(),
                                                    name="shop_sub", password="Sub-Acc0unt-pw"))
    assert wire.find(wire.reply(response), "createSuccess/key") is not None


def test_a_repeated_reference_is_refused_and_changes_nothing(sim):
    create(sim, "SAME-REF")
    response = wire.post(sim.base_url, wire.request("createRequest",
                                                    wire.create_body("SAME-REF")))
    assert wire.errors(wire.reply(response)) == [
        ("REQUEST_DATA_INCORRECT", "Merchant order reference is not unique.")]
    from oscar_docdata.simulator.models import SimulatedOrder
    assert SimulatedOrder.objects.filter(merchant_order_reference="SAME-REF").count() == 1


def test_the_same_reference_is_fine_for_another_merchant(sim):
    create(sim, "SHARED-REF")
    response = wire.post(sim.base_url, wire.request(
        "createRequest", wire.create_body("SHARED-REF"), name="shop_sub",
        password="Sub-Acc0unt-pw"))
    assert wire.find(wire.reply(response), "createSuccess/key") is not None


@pytest.mark.parametrize("operation,element,body,errors_element", [
    ("status", "statusRequest", "<d:paymentOrderKey>" + "0" * 32 + "</d:paymentOrderKey>",
     "statusErrors"),
    ("statusExtended", "extendedStatusRequest",
     "<d:paymentOrderKey>" + "0" * 32 + "</d:paymentOrderKey>", "statusErrors"),
    ("cancel", "cancelRequest", "<d:paymentOrderKey>" + "0" * 32 + "</d:paymentOrderKey>",
     "cancelErrors"),
    ("listPaymentMethods", "listPaymentMethodsRequest",
     "<d:paymentOrderKey>" + "0" * 32 + "</d:paymentOrderKey>", "listPaymentMethodsErrors"),
    ("start", "startRequest", "<d:paymentOrderKey>" + "0" * 32 + "</d:paymentOrderKey>"
     "<d:payment><d:paymentMethod>IDEAL</d:paymentMethod><d:iDealPaymentInput>"
     "<d:issuerId>INGBNL2A</d:issuerId></d:iDealPaymentInput></d:payment>", "startErrors"),
    ("capture", "captureRequest", "<d:paymentId>999</d:paymentId>", "captureErrors"),
    ("refund", "refundRequest", "<d:paymentId>999</d:paymentId>", "refundErrors"),
    ("proceed", "proceedRequest", "<d:paymentId>999</d:paymentId><d:iDealAuthorizationResult/>",
     "proceedErrors"),
])
def test_unknown_keys_and_payment_ids_are_error_replies_not_faults(sim, operation, element,
                                                                    body, errors_element):
    reply = wire.reply(wire.post(sim.base_url, wire.request(element, body), operation))
    [(code, text)] = wire.errors(wire.find(reply, errors_element))
    assert code == "REQUEST_DATA_INCORRECT"
    assert "Unknown" in text


def test_another_merchants_order_is_unknown(sim):
    key = create(sim, "MINE")
    body = wire.request("statusRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>",
                        name="shop_sub", password="Sub-Acc0unt-pw")
    [(code, _text)] = wire.errors(wire.reply(wire.post(sim.base_url, body)))
    assert code == "REQUEST_DATA_INCORRECT"


def test_test_extensibility_adds_an_unknown_element_that_still_validates(sim):
    key = create(sim)
    body = wire.request("statusRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>",
                        extensible=True)
    reply = wire.reply(wire.post(sim.base_url, body))
    success = wire.find(reply, "statusSuccess")
    assert success[-1].tag == "simulatorExtension"


def test_the_wsdl_points_at_this_endpoint_and_serves_its_schema(sim):
    session_get = wire.get_http_session().get
    endpoint = f"{sim.base_url}/services/paymentservice/1_3"
    wsdl = etree.fromstring(session_get(f"{endpoint}?wsdl", timeout=5).content)
    [address] = wsdl.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address.get("location") == endpoint
    [schema_import] = wsdl.iter("{http://www.w3.org/2001/XMLSchema}import")
    assert schema_import.get("schemaLocation") == f"{endpoint}?xsd=1"
    xsd = etree.fromstring(session_get(f"{endpoint}?xsd=1", timeout=5).content)
    assert xsd.get("targetNamespace") == TYPES_NS


def test_zeep_builds_a_client_from_the_served_description(live_server):
    endpoint = f"{live_server.url}/docdata-sim/services/paymentservice/1_3"
    session = requests.Session()
    try:
        client = zeep.Client(f"{endpoint}?wsdl", transport=zeep.Transport(session=session))
    finally:
        session.close()
    service = next(iter(client.wsdl.services.values()))
    port = service.ports["PaymentServiceSOAP"]
    assert port.binding_options["address"] == endpoint
    assert "statusExtended" in port.binding._operations


def test_get_without_wsdl_is_not_allowed(sim):
    response = wire.get_http_session().get(f"{sim.base_url}/services/paymentservice/1_3",
                                           timeout=5)
    assert response.status_code == 405


def test_replies_without_extension_elements_match_the_bundled_xsd_alone(sim, settings):
    """The declarations the simulator adds cover only its two extension elements."""
    bundled = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    settings.DOCDATA_SIMULATOR_PROFILES = {"cards": ["VISA", "MASTERCARD"]}
    key = create(sim, "PURE-1", extra="")
    sim.settle(key, "paid", "VISA")
    bodies = {
        "statusRequest": f"<d:paymentOrderKey>{key}</d:paymentOrderKey>",
        "extendedStatusRequest": f"<d:paymentOrderKey>{key}</d:paymentOrderKey>",
        "cancelRequest": f"<d:paymentOrderKey>{key}</d:paymentOrderKey>",
    }
    cards = wire.reply(wire.post(sim.base_url, wire.request(
        "createRequest", wire.create_body("PURE-2").replace("standard", "cards"))))
    cards_key = wire.find(cards, "createSuccess/key").text
    bodies["listPaymentMethodsRequest"] = f"<d:paymentOrderKey>{cards_key}</d:paymentOrderKey>"
    for element, body in bodies.items():
        reply = wire.reply(wire.post(sim.base_url, wire.request(element, body)))
        assert bundled.validate(etree.ElementTree(etree.fromstring(etree.tostring(reply)))), (
            element, bundled.error_log)
    ideal = wire.reply(wire.post(sim.base_url, wire.request(
        "listPaymentMethodsRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>")))
    assert not bundled.validate(etree.ElementTree(etree.fromstring(etree.tostring(ideal))))
    assert "issuers" in str(bundled.error_log)
