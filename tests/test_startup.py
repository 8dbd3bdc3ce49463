"""Start-up loads no SOAP or HTTP library: zeep and requests wait for the first call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STARTED_SHOP = """
import json, sys
import oscar_docdata
import django
django.setup()
from django.core import checks
from django.urls import get_resolver
import oscar_docdata.models, oscar_docdata.interface, oscar_docdata.facade
import oscar_docdata.oscar_adapter.receivers, oscar_docdata.checks, oscar_docdata.urls
get_resolver().url_patterns
checks.run_checks()
from oscar_docdata.gateway import DocdataException, DocdataGatewayError, StatusReport
loaded_at_start = [name for name in ("zeep", "requests") if name in sys.modules]
from oscar_docdata.gateway import DocdataClient, StatusReply, Amount, AmexPayment
from oscar_docdata.gateway import transport
print(json.dumps({"at_start": loaded_at_start,
                  "client": DocdataClient.__module__, "zeep": "zeep" in sys.modules}))
"""


def run_in_a_fresh_process(code: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_starting_the_shop_loads_neither_zeep_nor_requests():
    result = run_in_a_fresh_process(STARTED_SHOP)

    assert result["at_start"] == []
    # The old public names still import, and bring the client with them.
    assert result["client"] == "oscar_docdata.gateway.client"
    assert result["zeep"] is True


def test_unknown_gateway_names_are_attribute_errors():
    import oscar_docdata.gateway as gateway

    with pytest.raises(AttributeError, match="NoSuchName"):
        gateway.NoSuchName  # noqa: B018
    with pytest.raises(ImportError):
        from oscar_docdata.gateway import NoSuchName  # noqa: F401
    assert "DocdataClient" in dir(gateway)
