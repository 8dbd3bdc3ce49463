"""Raw SOAP for the simulator's wire tests: envelopes as strings, replies checked."""

from lxml import etree

from oscar_docdata.gateway.schema import SOAP_ENV_NS, TYPES_NS
from oscar_docdata.gateway.transport import get_http_session
from oscar_docdata.simulator.description import validation_error

PASSWORD = "Sup3r-Secret-pw"


def merchant(name="shop_test", password=PASSWORD) -> str:
    return f'<d:merchant name="{name}" password="{password}"/>'


def envelope(inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            f'"{SOAP_ENV_NS}" xmlns:d="{TYPES_NS}"><soapenv:Body>{inner}</soapenv:Body>'
            "</soapenv:Envelope>").encode()


def request(operation_element: str, body: str, *, extensible=False, **merchant_args) -> bytes:
    flag = ' testExtensibility="true"' if extensible else ""
    return envelope(f'<d:{operation_element} version="1.3"{flag}>{merchant(**merchant_args)}'
                    f"{body}</d:{operation_element}>")


def create_body(reference="REF-1", amount=1234, currency="EUR", extra="") -> str:
    return (
        f"<d:merchantOrderReference>{reference}</d:merchantOrderReference>"
        "<d:paymentPreferences><d:profile>standard</d:profile>"
        "<d:numberOfDaysToPay>4</d:numberOfDaysToPay></d:paymentPreferences>"
        '<d:shopper id="42"><d:name><d:first>Jan</d:first><d:last>Jansen</d:last></d:name>'
        '<d:email>jan@example.com</d:email><d:language code="nl"/><d:gender>M</d:gender>'
        "</d:shopper>"
        f'<d:totalGrossAmount currency="{currency}">{amount}</d:totalGrossAmount>'
        "<d:billTo><d:name><d:first>Jan</d:first><d:last>Jansen</d:last></d:name>"
        "<d:address><d:street>Dorpsstraat</d:street><d:houseNumber>1</d:houseNumber>"
        '<d:postalCode>1234AB</d:postalCode><d:city>Amsterdam</d:city><d:country code="NL"/>'
        f"</d:address></d:billTo>{extra}"
    )


def post(base_url: str, body: bytes, action: str | None = None):
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if action:
        headers["SOAPAction"] = f'"{action}"'
    return get_http_session().post(f"{base_url}/services/paymentservice/1_3", data=body,
                                   headers=headers, timeout=10)


def reply(response) -> etree._Element:
    """The reply element of a 200 answer, after checking it against the XSD."""
    assert response.status_code == 200, response.content
    root = etree.fromstring(response.content)
    element = root.find(f"{{{SOAP_ENV_NS}}}Body")[0]
    assert validation_error(element) is None, validation_error(element)
    return element


def find(element, path: str):
    return element.find("/".join(f"{{{TYPES_NS}}}{step}" for step in path.split("/")))


def errors(element) -> list[tuple[str, str]]:
    return [(error.get("code"), error.text) for error in element.iter(f"{{{TYPES_NS}}}error")]


def fault(response) -> tuple[str, str]:
    assert response.status_code == 500
    root = etree.fromstring(response.content)
    body = root.find(f"{{{SOAP_ENV_NS}}}Body")
    fault_element = body.find(f"{{{SOAP_ENV_NS}}}Fault")
    return fault_element.findtext("faultcode"), fault_element.findtext("faultstring")
