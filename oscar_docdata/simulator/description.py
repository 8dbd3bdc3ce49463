"""The bundled service description, as the simulator validates against and serves it.

Requests and replies are checked against the bundled 1.3 XSD plus the declarations of
the two elements the simulator puts into the schema's ``xs:any namespace="##local"``
extension points (see ``EXTENSIONS``). Those wildcards are strict: an element in them
is valid only when a declaration is known, as a newer minor version of the service
supplies it. Everything else is plain 1.3.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

from oscar_docdata.gateway.schema import (  # one definition of the bundled files' names
    TYPES_NS,
    WSDL_PATH,
    XS_NS,
    XSD_PATH,
)

WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"

#: Declarations for the extension points (no namespace, as ##local demands).
EXTENSIONS = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="unqualified">
  <xs:import namespace="{types_ns}" schemaLocation="{xsd_uri}"/>
  <!-- listPaymentMethods: iDEAL issuers, <issuer id="BIC">Bank name</issuer> -->
  <xs:element name="issuers">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="issuer" maxOccurs="unbounded">
          <xs:complexType>
            <xs:simpleContent>
              <xs:extension base="xs:string">
                <xs:attribute name="id" type="xs:NMTOKEN" use="required"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <!-- added to replies of requests with testExtensibility="true" -->
  <xs:element name="simulatorExtension">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:string">
          <xs:attribute name="version" type="xs:string"/>
        </xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""

_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


def schema() -> etree.XMLSchema:
    """The 1.3 schema plus the extension declarations, loaded once per process."""
    global _schema
    with _lock:
        if _schema is None:
            text = EXTENSIONS.format(types_ns=TYPES_NS, xsd_uri=XSD_PATH.as_uri())
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            _schema = etree.XMLSchema(etree.fromstring(text.encode("utf-8"), parser))
        return _schema


def validation_error(element: etree._Element) -> str | None:
    """The first schema violation of ``element`` (a request or reply element), or None."""
    # A copy, so the element is its own document with every namespace it uses declared.
    document = etree.fromstring(etree.tostring(element))
    checker = schema()
    with _lock:  # an XMLSchema's error log is not shared safely between threads
        if checker.validate(document):
            return None
        errors: list[Any] = list(checker.error_log)  # type: ignore[call-overload]
    return errors[0].message if errors else "the element is not valid"


def wsdl_document(endpoint_url: str) -> bytes:
    """The bundled WSDL with its address at ``endpoint_url`` and its schema at ``?xsd=1``."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    tree = etree.parse(str(WSDL_PATH), parser)
    for address in tree.iter(f"{{{WSDL_SOAP_NS}}}address"):
        address.set("location", endpoint_url)
    for schema_import in tree.iter(f"{{{XS_NS}}}import"):
        schema_import.set("schemaLocation", f"{endpoint_url}?xsd=1")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def xsd_document() -> bytes:
    return XSD_PATH.read_bytes()
