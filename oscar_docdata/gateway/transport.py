"""The wire: one zeep client per process, one service proxy per endpoint, one HTTP session.

Nothing here touches the network at import or construction. The bundled WSDL (and the
XSD it imports by relative path) is parsed once per process, on first use, under a
lock; each endpoint gets a service proxy bound to that one parsed description.

Every call is posted through the process-wide HTTP session of :mod:`.session`
(``get_http_session()``; mount adapters there), within the limits of :mod:`.limits`.
Operations are sent exactly once: the session's adapters have no retries, and
redirects are not followed.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import requests
import zeep
from django.views.decorators.debug import sensitive_variables
from lxml import etree
from zeep.plugins import Plugin

from oscar_docdata.exceptions import DocdataValidationError

from . import schema
from .limits import (
    REPLY_CHUNK_BYTES,
    CallLimits,
    DeadlineExceeded,
    ReplyLimitExceeded,
    ReplyTooLarge,
    call_timeout,
    read_body,
    time_limit,
)
from .redaction import redact_xml
from .session import (
    CA_BUNDLE_ENVIRONMENT,
    PROXY_ENVIRONMENT,
    get_http_session,
    read_environment_once,
)

# Importable from here as before (callers and tests use ``transport.<name>``).
__all__ = [
    "CA_BUNDLE_ENVIRONMENT",
    "PROXY_ENVIRONMENT",
    "REPLY_CHUNK_BYTES",
    "CallLimits",
    "DeadlineExceeded",
    "ReplyLimitExceeded",
    "ReplyTooLarge",
    "build_envelope",
    "call_timeout",
    "current_secrets",
    "endpoint_url",
    "get_http_session",
    "get_service",
    "get_zeep_client",
    "read_body",
    "read_environment_once",
    "send",
    "time_limit",
]

logger = logging.getLogger("oscar_docdata.gateway.soap")

_lock = threading.Lock()
_zeep_client: zeep.Client | None = None
_services: dict[str, zeep.proxy.ServiceProxy] = {}


def _after_fork_in_child() -> None:
    """A forked process must not wait on a lock its parent held."""
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


_local = threading.local()


def current_secrets() -> tuple[str, ...]:
    """Secrets of the call in progress on this thread (masked in every logged text)."""
    return getattr(_local, "secrets", ())


class _LocalOnlyTransport(zeep.Transport):
    """Loads the bundled description from disk only; sends through the shared session.

    zeep's own Transport logs whole envelopes (merchant password included) on the
    "zeep.transports" logger at DEBUG. This one never logs an envelope unredacted and
    reads the timeout from the settings on every call.
    """

    def __init__(self):
        super().__init__(session=requests.Session())

    def load(self, url: str) -> bytes:
        if urlparse(url).scheme not in ("", "file"):
            raise ValueError(f"the bundled service description must not load {url}")
        return super().load(url)

    @sensitive_variables()
    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        operation = headers.get("SOAPAction", "").strip('"')
        secrets = current_secrets()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Docdata %s request to %s:\n%s", operation, address,
                         redact_xml(message, secrets))
        limits = CallLimits.from_settings()
        session = get_http_session()
        response = session.post(address, data=message, headers=headers,
                                timeout=limits.requests_timeout(session, address),
                                allow_redirects=False, stream=True)
        read_body(response, limits)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Docdata %s reply (HTTP %s):\n%s", operation, response.status_code,
                         redact_xml(response.content, secrets))
        return response


class _EmptyIdealResultPlugin(Plugin):
    """Add ``<iDealAuthorizationResult/>`` to a proceed request that has no result.

    iDEAL's authorization result is an empty element by design (Docdata asks the bank
    itself), and zeep leaves empty elements of a choice out. The client always passes
    a result for the other methods, so a proceed without one is an iDEAL proceed.
    """

    _results = ("threeDomainSecureAuthenticationResult", "iDealAuthorizationResult",
                "ingHomePayAuthorizationResult", "kbcAuthorizationResult",
                "belfiusAuthorizationResult", "paypalAuthenticationResult")

    def egress(self, envelope, http_headers, operation, binding_options):
        if operation.name != "proceed":
            return envelope, http_headers
        request = envelope.find(f".//{schema.qname('proceedRequest')}")
        if request is None or any(request.find(schema.qname(n)) is not None
                                  for n in self._results):
            return envelope, http_headers
        payment_id = request.find(schema.qname("paymentId"))
        marker = etree.Element(schema.qname("iDealAuthorizationResult"))
        payment_id.addnext(marker)
        return envelope, http_headers


def _load_client() -> zeep.Client:
    """Parse the bundled WSDL and XSD (the expensive step, done once per process)."""
    settings = zeep.Settings(raw_response=True, strict=True, xml_huge_tree=False,
                             forbid_dtd=True, forbid_entities=True, forbid_external=True)
    return zeep.Client(str(schema.WSDL_PATH), transport=_LocalOnlyTransport(),
                       settings=settings, plugins=[_EmptyIdealResultPlugin()])


def get_zeep_client() -> zeep.Client:
    """The process-wide zeep client of the bundled WSDL, built on first use."""
    global _zeep_client
    with _lock:
        if _zeep_client is None:
            _zeep_client = _load_client()
        return _zeep_client


def endpoint_url(base_url: str) -> str:
    """The SOAP endpoint under a Docdata base URL (``…/ps``)."""
    return base_url.rstrip("/") + schema.ENDPOINT_PATH


def get_service(address: str) -> zeep.proxy.ServiceProxy:
    """The service proxy bound to ``address`` (one per endpoint and process)."""
    client = get_zeep_client()
    with _lock:
        service = _services.get(address)
        if service is None:
            service = client.create_service(schema.BINDING_QNAME, address)
            _services[address] = service
        return service


@contextmanager
def _schema_errors(operation: str) -> Iterator[None]:
    """zeep's serialisation errors as DocdataValidationError (their texts hold no values)."""
    try:
        yield
    except zeep.exceptions.ValidationError as error:
        field = ".".join(str(part) for part in error.path) or operation
        raise DocdataValidationError(field, error.message) from None


@sensitive_variables()
def build_envelope(address: str, operation: str, payload: dict) -> etree._Element:
    """The SOAP envelope of ``operation`` with ``payload``, built without sending."""
    with _schema_errors(operation):
        return get_zeep_client().create_message(get_service(address), operation, **payload)


@sensitive_variables()
def send(address: str, operation: str, payload: dict,
         secrets: tuple[str, ...] = ()) -> requests.Response:
    """Serialise ``payload`` and POST it once; network errors propagate (requests')."""
    service = get_service(address)
    _local.secrets = secrets
    try:
        with _schema_errors(operation):
            return getattr(service, operation)(**payload)
    finally:
        _local.secrets = ()
