"""The wire: one zeep client per process, one service proxy per endpoint, one HTTP session.

Nothing here touches the network at import or construction. The bundled WSDL (and the
XSD it imports by relative path) is parsed once per process, on first use, under a
lock; each endpoint gets a service proxy bound to that one parsed description.

``get_http_session()`` returns the process-wide :class:`requests.Session` every SOAP
call goes through. Tests and the simulator's in-process mode mount transport adapters
on it, for example::

    get_http_session().mount("http://docdata.test/", CannedSoapAdapter())

Operations are sent exactly once: the session's adapters have no retries (requests
would otherwise never retry a POST that reached the server, but a refused connection
could be), and redirects are not followed.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import requests
import urllib3
import zeep
from django.views.decorators.debug import sensitive_variables
from lxml import etree
from requests.adapters import HTTPAdapter
from zeep.plugins import Plugin

from oscar_docdata import __version__
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataValidationError

from . import schema
from .redaction import redact_xml

logger = logging.getLogger("oscar_docdata.gateway.soap")

_lock = threading.Lock()
_http_session: requests.Session | None = None
_zeep_client: zeep.Client | None = None
_services: dict[str, zeep.proxy.ServiceProxy] = {}


def get_http_session() -> requests.Session:
    """The process-wide HTTP session used for every SOAP call (mount adapters here)."""
    global _http_session
    with _lock:
        if _http_session is None:
            session = requests.Session()
            no_retries = HTTPAdapter(max_retries=0)
            session.mount("http://", no_retries)
            session.mount("https://", no_retries)
            session.headers["User-Agent"] = f"oscar_docdata/{__version__}"
            read_environment_once(session)
            _http_session = session
        return _http_session


def _after_fork_in_child() -> None:
    """A forked process must not use the parent's kept-alive sockets or a held lock."""
    global _lock
    _lock = threading.Lock()
    if _http_session is not None:
        for adapter in _http_session.adapters.values():
            if isinstance(adapter, HTTPAdapter):
                adapter.poolmanager.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


#: Environment variables with which requests finds proxies and netrc credentials.
PROXY_ENVIRONMENT = frozenset({"http_proxy", "https_proxy", "all_proxy", "no_proxy", "netrc"})
CA_BUNDLE_ENVIRONMENT = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def read_environment_once(session: requests.Session) -> None:
    """Take the environment's HTTP settings into ``session`` now, instead of per request.

    With ``trust_env`` on, requests reads proxies, CA bundles and ``~/.netrc`` on every
    request, which costs more CPU than the rest of sending a status call. When no proxy
    or netrc is configured, the CA bundle variables are copied to ``session.verify`` and
    ``trust_env`` is turned off; with a proxy or netrc it stays on, so they work as usual.
    """
    names = {name.lower() for name in os.environ}
    netrc_files = (os.path.expanduser(f"~/{name}") for name in (".netrc", "_netrc"))
    if names & PROXY_ENVIRONMENT or any(os.path.exists(path) for path in netrc_files):
        return
    session.trust_env = False
    bundle = next((os.environ[name] for name in CA_BUNDLE_ENVIRONMENT if os.environ.get(name)),
                  None)
    if bundle:
        session.verify = bundle


_local = threading.local()


def current_secrets() -> tuple[str, ...]:
    """Secrets of the call in progress on this thread (masked in every logged text)."""
    return getattr(_local, "secrets", ())


# --- transport limits: one deadline per call, a cap on the reply's size -----------------

#: The most bytes taken from the socket per read while a reply streams in.
REPLY_CHUNK_BYTES = 64 * 1024


class ReplyLimitExceeded(requests.RequestException):
    """The HTTP exchange broke DOCDATA_DEADLINE or DOCDATA_MAX_REPLY_BYTES.

    The connection is closed (never reused). ``reason`` names the limit; the client
    raises it as ``DocdataGatewayError(operation, reason)``.
    """

    def __init__(self, reason: str, **kwargs):
        super().__init__(reason, **kwargs)
        self.reason = reason


class DeadlineExceeded(ReplyLimitExceeded, requests.Timeout):
    """The whole exchange (connect, send, every read) outlasted the call's deadline."""


class ReplyTooLarge(ReplyLimitExceeded):
    """The reply is (or declares to be) larger than DOCDATA_MAX_REPLY_BYTES."""


#: The limit of :func:`time_limit` in force on this thread (or task), if any.
_time_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "docdata_time_limit", default=None)


def _shorter(value: float | None, limit: float | None) -> float | None:
    if limit is None:
        return value
    return limit if value is None else min(value, limit)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Calls inside the block take at most ``seconds`` (connect, every read and the whole
    exchange), or less when DOCDATA_TIMEOUT / DOCDATA_DEADLINE say less.

    For calls a page could wait for that may simply be skipped when Docdata is slow
    (the live payment method list, :mod:`oscar_docdata.method_list`).
    """
    token = _time_limit.set(float(seconds))
    try:
        yield
    finally:
        _time_limit.reset(token)


def call_timeout() -> float | None:
    """The connect and per-read timeout of a call starting now (DOCDATA_TIMEOUT, or the
    shorter :func:`time_limit` in force)."""
    return _shorter(docdata_settings.DOCDATA_TIMEOUT, _time_limit.get())


class CallLimits:
    """The limits of one call, read from the settings when the call starts.

    ``timeout`` (DOCDATA_TIMEOUT) bounds the connect and each socket read; ``budget``
    (DOCDATA_DEADLINE, by default DOCDATA_TIMEOUT) bounds the whole exchange;
    ``max_bytes`` (DOCDATA_MAX_REPLY_BYTES) the reply's body. None: no such limit.
    """

    def __init__(self, timeout: float | None, budget: float | None, max_bytes: int | None):
        self.timeout = timeout
        self.budget = budget
        self.max_bytes = max_bytes
        self.deadline = None if budget is None else time.monotonic() + budget

    @classmethod
    def from_settings(cls) -> CallLimits:
        timeout = call_timeout()
        budget = docdata_settings.DOCDATA_DEADLINE
        budget = _shorter(timeout if budget is None else budget, _time_limit.get())
        return cls(timeout, budget, docdata_settings.DOCDATA_MAX_REPLY_BYTES or None)

    def per_read(self) -> float | None:
        """The socket timeout of the next read: the timeout, or what is left if less."""
        if self.deadline is None:
            return self.timeout
        left = max(self.deadline - time.monotonic(), 0.001)
        return left if self.timeout is None else min(self.timeout, left)

    def requests_timeout(self, session: requests.Session, address: str):
        """The ``timeout`` argument of the request.

        urllib3's ``total`` makes the connect and the wait for the reply's headers share
        the budget. Adapters other than requests' own (canned replies, the simulator's
        in-process mode) get the plain ``(connect, read)`` pair they understand.
        """
        if self.budget is not None and isinstance(session.get_adapter(address), HTTPAdapter):
            return urllib3.Timeout(connect=self.timeout, read=self.timeout, total=self.budget)
        return (self.timeout, self.timeout)

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise DeadlineExceeded(f"timed out: no complete reply within {self.budget} s")

    def too_large(self, size: int) -> ReplyTooLarge:
        return ReplyTooLarge(f"the reply is larger than DOCDATA_MAX_REPLY_BYTES "
                             f"({self.max_bytes} bytes; {size} bytes or more)")


#: urllib3's streamed responses (``read1`` and ``shutdown`` since urllib3 2.3, required).
_STREAMED = urllib3.response.HTTPResponse


def read_body(response: requests.Response, limits: CallLimits) -> None:
    """Read the streamed body of ``response`` within ``limits`` into ``response.content``.

    Reads with ``read1`` (whatever one socket read returns, up to REPLY_CHUNK_BYTES) so
    that the deadline is checked between the reads of a slow reply: urllib3's
    ``read(amt)`` (and so ``iter_content``) waits until ``amt`` bytes have come. The
    socket timeout of each read is cut to the time left; when the connection no longer
    holds its socket (a reply that ends the connection), a timer shuts the socket down at
    the deadline instead (urllib3's ``HTTPResponse.shutdown``). Breaking a limit closes
    the connection and raises ReplyLimitExceeded; nothing of the body is logged.
    """
    raw = response.raw
    # requests keeps no public flag: a response hook that read ``content`` has consumed
    # the stream already.
    if not isinstance(raw, _STREAMED) or getattr(response, "_content_consumed", False):
        # Answered from memory (or read by a hook): only the size applies.
        if limits.max_bytes is not None and len(response.content) > limits.max_bytes:
            raise limits.too_large(len(response.content))
        return
    chunks: list[bytes] = []
    watchdog = None
    try:
        limits.check_deadline()
        if getattr(raw.connection, "sock", None) is None and limits.deadline is not None:
            watchdog = threading.Timer(limits.deadline - time.monotonic(), _shut_down, (raw,))
            watchdog.daemon = True
            watchdog.start()
        declared = (response.headers.get("Content-Length") or "").strip()
        if limits.max_bytes is not None and declared.isdigit() \
                and int(declared) > limits.max_bytes:
            raise limits.too_large(int(declared))
        _read_chunks(raw, limits, watchdog, chunks)
    except BaseException:
        chunks.clear()
        _abandon(response, raw)
        raise
    finally:
        if watchdog is not None:
            watchdog.cancel()
    response._content = b"".join(chunks)
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag


def _read_chunks(raw: urllib3.response.HTTPResponse, limits: CallLimits,
                 watchdog: threading.Timer | None, chunks: list[bytes]) -> None:
    """Read the body into ``chunks`` one socket read at a time, within ``limits``."""
    size = 0
    while True:
        limits.check_deadline()
        sock = getattr(raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(limits.per_read())
        chunk = _read1(raw, limits)
        if watchdog is not None and watchdog.finished.is_set():
            limits.check_deadline()
        if not chunk:
            return
        size += len(chunk)
        if limits.max_bytes is not None and size > limits.max_bytes:
            raise limits.too_large(size)
        chunks.append(chunk)


def _abandon(response: requests.Response, raw: urllib3.response.HTTPResponse) -> None:
    """Close a reply read only in part, with its connection.

    Closing only the response could put its socket back into the pool with the rest of
    the reply still on its way. (A reply that ends the connection holds its socket
    without a connection.)
    """
    _shut_down(raw)
    connection = getattr(raw, "connection", None)
    if connection is not None:
        connection.close()
    response.close()


def _read1(raw: urllib3.response.HTTPResponse, limits: CallLimits) -> bytes:
    """One read of the body, urllib3's errors as requests' (as ``iter_content`` does)."""
    try:
        return raw.read1(REPLY_CHUNK_BYTES) or b""
    except urllib3.exceptions.ReadTimeoutError as error:
        limits.check_deadline()
        raise requests.ReadTimeout(error) from None
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error) from None
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from None
    except urllib3.exceptions.ProtocolError as error:
        limits.check_deadline()  # the watchdog's shutdown can cut a reply short
        raise requests.exceptions.ChunkedEncodingError(error) from None


def _shut_down(raw: urllib3.response.HTTPResponse) -> None:
    """Wake a read blocked past the deadline (the reading thread then raises)."""
    try:
        raw.shutdown()
    except (OSError, ValueError, RuntimeError):
        pass  # already closed or released: nothing is blocked on it


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
