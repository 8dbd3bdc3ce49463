"""The process-wide HTTP session every SOAP call goes through.

Tests and the simulator's in-process mode mount transport adapters on it, for example::

    get_http_session().mount("http://docdata.test/", CannedSoapAdapter())

Operations are sent exactly once: the session's adapters have no retries (requests
would otherwise never retry a POST that reached the server, but a refused connection
could be), and redirects are not followed (:mod:`.transport`). The session reads the
environment's proxy and CA bundle settings once (:func:`read_environment_once`).
"""

from __future__ import annotations

import os
import threading

import requests
from requests.adapters import HTTPAdapter

from oscar_docdata import __version__

_lock = threading.Lock()
_http_session: requests.Session | None = None


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
