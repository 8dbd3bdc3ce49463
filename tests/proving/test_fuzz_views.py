"""Fuzzing the two Docdata-facing views' query strings (hypothesis).

Whatever the query string (arbitrary keys, repeated parameters, unicode, long
values, control characters, broken percent-encoding) and method, the answer is never
a 500 nor an unhandled exception; a request that does not name a known order with
exactly one usable parameter is refused without asking Docdata and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oscar_docdata.interface import CALLBACKS
from oscar_docdata.models import DocdataOrder
from oscar_docdata.testing import replies

from .support import DOCDATA_MODELS, order_key, snapshot

pytestmark = pytest.mark.django_db

NOTIFY_URL = "/api/docdata/update_order/"
RETURN_URL = "/api/docdata/return/"

REFERENCE = "FUZZ-1001"
KEY = order_key(1001)
OTHER_MERCHANTS_REFERENCE = "FUZZ-GONE"  # an order of a merchant without credentials
OTHER_MERCHANTS_KEY = order_key(1002)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text without lone surrogates (they cannot be percent-encoded as UTF-8).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
control_text = st.text(st.characters(max_codepoint=0x20), min_size=1, max_size=4)

keys = st.one_of(
    st.sampled_from(["order_id", "callback", "ORDER_ID", "order_id ", "order_id[]", "",
                     "order id", "key", "callback\x00"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)
values = st.one_of(
    st.sampled_from([
        REFERENCE, KEY, OTHER_MERCHANTS_REFERENCE, OTHER_MERCHANTS_KEY, f" {REFERENCE} ",
        f"{REFERENCE}\n", f"\t{KEY}", REFERENCE.lower(), *CALLBACKS, "success", "ſuccess", "",
        " ", "1" * 255, "1" * 256, REFERENCE + "x" * 250, "%", "_", "'; DROP TABLE x;--",
        "1' OR '1'='1", "\u202e" + REFERENCE, "€💳", "\x00", REFERENCE + "\x00",
    ]),
    any_text,
    st.builds(lambda a, b: a + REFERENCE + b, control_text, control_text),
)
structured_queries = st.lists(st.tuples(keys, values), max_size=6).map(
    lambda pairs: urlencode(pairs)
)
# What a WSGI server hands over: the raw bytes of the query, as latin-1 text.
raw_chunks = st.one_of(
    st.sampled_from(["order_id", "callback", "=", "&", ";", "%", "%00", "%ZZ", "%C3", "%28",
                     "%E2%82", "+", "%2B", "%20", REFERENCE, KEY, "SUCCESS", "order_id=",
                     "callback=SUCCESS&"]),
    st.binary(max_size=8).map(lambda data: data.decode("latin-1")),
)
raw_queries = st.lists(raw_chunks, max_size=12).map("".join)
queries = st.one_of(structured_queries, raw_queries)
methods = st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"])


@pytest.fixture
def orders(db):
    """A known order, and one of a merchant the shop has no credentials for."""
    known = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id=REFERENCE, order_number=REFERENCE,
        order_key=KEY, total_gross_amount=Decimal("10.00"), currency="EUR",
    )
    DocdataOrder.objects.create(
        merchant_name="gone_merchant", merchant_order_id=OTHER_MERCHANTS_REFERENCE,
        order_number=OTHER_MERCHANTS_REFERENCE, order_key=OTHER_MERCHANTS_KEY,
        total_gross_amount=Decimal("10.00"), currency="EUR",
    )
    return known


@pytest.fixture
def paid_docdata(docdata):
    """Docdata reports the known order paid: a call to it would change the order."""
    docdata.set("status", replies.status_reply(
        registered=1000, acquirer_approved=1000, captured=1000,
        payments=[replies.payment_xml(7100000001, amount=1000, captures=[("CAPTURED", 1000)])],
    ))
    return docdata


def single(query: QueryDict, name: str) -> str | None:
    """The one value of ``name`` with surrounding white space removed, or None."""
    found = query.getlist(name)
    return found[0].strip() if len(found) == 1 else None


def names_the_order(query_string: str, view: str) -> bool:
    """Whether the query names the known order with exactly one usable parameter each."""
    query = QueryDict(query_string.encode("latin-1"))  # as the view gets it from WSGI
    if view == NOTIFY_URL:
        return single(query, "order_id") == REFERENCE
    callback = single(query, "callback")
    return (single(query, "order_id") == KEY and callback is not None
            and callback.upper() in CALLBACKS)


def request(method: str, path: str, query_string: str):
    client = Client(raise_request_exception=True)  # an unhandled exception fails the test
    return client.generic(method, path, QUERY_STRING=query_string)


@pytest.mark.parametrize("view", [NOTIFY_URL, RETURN_URL], ids=["notification", "return"])
def test_query_strings(view, orders, paid_docdata):
    @FUZZ
    @given(query_string=queries, method=methods)
    @example(query_string=f"order_id={REFERENCE}", method="GET")
    @example(query_string=f"callback=SUCCESS&order_id={KEY}", method="GET")
    def check(query_string: str, method: str) -> None:
        before = snapshot(DOCDATA_MODELS)
        calls_before = len(paid_docdata.requests)

        response = request(method, view, query_string)

        calls = len(paid_docdata.requests) - calls_before
        assert response.status_code < 500, (query_string, response.content)
        if method == "POST":
            assert response.status_code == 405
        elif names_the_order(query_string, view):
            assert response.status_code == (200 if view == NOTIFY_URL else 302)
            assert calls == 1
            return
        else:
            assert response.status_code in (400, 404), (query_string, response.content)
            assert response["Content-Type"].startswith("text/plain")
        assert calls == 0, query_string
        assert snapshot(DOCDATA_MODELS) == before, query_string

    check()
    # The fuzzer did reach the order too (the check above is not vacuous).
    assert DocdataOrder.objects.get(order_key=KEY).status == DocdataOrder.STATUS_PAID
