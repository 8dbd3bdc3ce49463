"""The HTTP session reads the environment's proxy, CA bundle and netrc settings once."""

from __future__ import annotations

import pytest
import requests

from oscar_docdata.gateway.transport import read_environment_once

HTTP_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "netrc",
                  "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in HTTP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    return monkeypatch


def test_nothing_configured_turns_per_request_reading_off(clean_environment):
    session = requests.Session()
    read_environment_once(session)
    assert session.trust_env is False
    assert session.verify is True


def test_a_ca_bundle_is_taken_once(clean_environment, tmp_path):
    bundle = tmp_path / "ca.pem"
    clean_environment.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    session = requests.Session()
    read_environment_once(session)
    assert session.trust_env is False
    assert session.verify == str(bundle)


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "http_proxy", "NO_PROXY", "NETRC"])
def test_a_proxy_or_netrc_keeps_requests_reading_the_environment(clean_environment, name):
    clean_environment.setenv(name, "http://proxy.example:3128")
    session = requests.Session()
    read_environment_once(session)
    assert session.trust_env is True


def test_a_netrc_file_keeps_requests_reading_the_environment(clean_environment, tmp_path):
    (tmp_path / ".netrc").write_text("machine docdata.example login a password b\n")
    session = requests.Session()
    read_environment_once(session)
    assert session.trust_env is True
