"""The simulator's gate: off unless DEBUG or enabled, staff for the overview, hashed passwords.

Issue 14: left mounted in production the simulator listed order keys to anyone and an
anonymous POST marked an order paid; it stored an unsalted SHA-256 of the password.
"""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core import checks
from django.test import Client, override_settings
from django.urls import reverse

from oscar_docdata.gateway import DocdataClient, DocdataStatusError
from oscar_docdata.simulator import accounts
from oscar_docdata.simulator.checks import check_simulator_gate
from oscar_docdata.simulator.models import Merchant, PaymentAttempt
from oscar_docdata.simulator.urls import urlpatterns
from oscar_docdata.testing.simulator import in_process_simulator

from .factories import create_order
from .wire import PASSWORD

ARGS = {"payment_id": 4000000001}


def every_url() -> list[str]:
    """Every URL of the simulator as mounted by the test URLconf (``/docdata-sim/``)."""
    return [reverse(f"docdata_simulator:{pattern.name}",
                    kwargs={name: ARGS[name] for name in pattern.pattern.converters})
            for pattern in urlpatterns]


def staff_client(staff: bool = True) -> Client:
    user = get_user_model().objects.create_user(
        username=f"gate-{staff}", email=f"gate-{staff}@example.com", is_staff=staff)
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


# --- every URL is a 404 unless DEBUG or DOCDATA_SIMULATOR_ENABLED --------------------------


@pytest.mark.django_db
def test_every_url_is_a_404_with_debug_off_unless_enabled(settings):
    settings.DEBUG = False
    settings.DOCDATA_SIMULATOR_ENABLED = False
    urls = every_url()
    assert len(urls) == len(urlpatterns) == 8  # with the iDEAL page
    anonymous, staff = Client(), staff_client()
    for url in urls:
        for browser in (anonymous, staff):
            assert browser.get(url).status_code == 404, url
            assert browser.post(url, {"order_key": "X", "action": "pay"}).status_code == 404
    wsdl = reverse("docdata_simulator:soap") + "?wsdl"
    assert anonymous.get(wsdl).status_code == 404
    settings.DOCDATA_SIMULATOR_ENABLED = True
    assert anonymous.get(wsdl).status_code == 200


@pytest.mark.django_db
def test_with_debug_on_it_answers_without_the_setting(settings):
    settings.DOCDATA_SIMULATOR_ENABLED = False
    wsdl = reverse("docdata_simulator:soap") + "?wsdl"
    settings.DEBUG = False
    assert Client().get(wsdl).status_code == 404
    settings.DEBUG = True
    answer = Client().get(wsdl)
    assert answer.status_code == 200 and b"definitions" in answer.content
    assert staff_client().get(reverse("docdata_simulator:overview")).status_code == 200


@pytest.mark.django_db
def test_the_fixtures_enable_it_themselves(settings):
    # A shop's test settings: DEBUG off, nothing about the simulator.
    settings.DEBUG = False
    del settings.DOCDATA_SIMULATOR_ENABLED
    wsdl = reverse("docdata_simulator:soap") + "?wsdl"
    assert Client().get(wsdl).status_code == 404
    with in_process_simulator():
        assert Client().get(wsdl).status_code == 200
        assert create_order(DocdataClient(), "GATE-FIX")
    assert Client().get(wsdl).status_code == 404


# --- the overview and its event buttons need staff -------------------------------------------


def test_anonymous_gets_no_overview_and_pays_nothing(client, docdata_simulator):
    key = create_order(client, "GATE-1")
    overview = reverse("docdata_simulator:overview")
    anonymous = Client()
    page = anonymous.get(overview)
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert key not in page.content.decode()
    answer = anonymous.post(overview, {"order_key": key, "action": "pay", "method": "VISA"})
    assert answer.status_code == 403 and key not in answer.content.decode()
    assert not PaymentAttempt.objects.exists()
    assert client.status(key).totals.captured == 0


def test_a_customer_who_is_not_staff_is_refused(client, docdata_simulator):
    key = create_order(client, "GATE-2")
    shopper = staff_client(staff=False)
    overview = reverse("docdata_simulator:overview")
    assert shopper.get(overview).status_code == 403
    assert shopper.post(overview, {"order_key": key, "action": "pay"}).status_code == 403
    assert not PaymentAttempt.objects.exists()


def test_staff_see_the_overview_and_run_events(client, docdata_simulator):
    key = create_order(client, "GATE-3", "25.00")
    overview = reverse("docdata_simulator:overview")
    assert Client().get(overview).status_code == 302
    staff = staff_client()
    assert key in staff.get(overview).content.decode()
    answer = staff.post(overview, {"order_key": key, "action": "pay", "method": "VISA"})
    assert answer.status_code == 302
    assert client.status(key).totals.captured == 2500


def test_the_shoppers_pages_stay_open(client, docdata_simulator):
    key = create_order(client, "GATE-4")
    anonymous = Client()
    assert anonymous.get(reverse("docdata_simulator:overview")).status_code == 302
    menu = anonymous.get(reverse("docdata_simulator:menu"), {
        "command": "show_payment_cluster", "merchant_name": "shop_test",
        "payment_cluster_key": key})
    assert menu.status_code == 200
    wsdl = anonymous.get(reverse("docdata_simulator:soap") + "?wsdl")
    assert wsdl.status_code == 200


def test_staff_only_can_be_turned_off_for_a_process_without_users(settings, client,
                                                                   docdata_simulator):
    key = create_order(client, "GATE-5")
    overview = reverse("docdata_simulator:overview")
    assert Client().get(overview).status_code == 302
    settings.DOCDATA_SIMULATOR_STAFF_ONLY = False
    assert key in Client().get(overview).content.decode()


# --- the system check --------------------------------------------------------------------


def gate_ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in check_simulator_gate()]


def test_the_check_is_registered_with_the_app(settings):
    assert not [m for m in checks.run_checks() if m.id == "docdata_simulator.E001"]
    settings.DEBUG = False
    settings.DOCDATA_SIMULATOR_ENABLED = False
    [error] = [m for m in checks.run_checks() if m.id == "docdata_simulator.E001"]
    assert error.level == checks.ERROR
    assert "DOCDATA_SIMULATOR_ENABLED" in error.msg
    assert "INSTALLED_APPS" in error.hint and "DOCDATA_SIMULATOR_ENABLED = True" in error.hint
    settings.DEBUG = True
    assert not [m for m in checks.run_checks() if m.id == "docdata_simulator.E001"]


def test_the_check_errs_only_with_debug_off_and_not_enabled():
    assert gate_ids(DEBUG=False, DOCDATA_SIMULATOR_ENABLED=False) == ["docdata_simulator.E001"]
    assert gate_ids(DEBUG=False, DOCDATA_SIMULATOR_ENABLED=True) == []
    assert gate_ids(DEBUG=True, DOCDATA_SIMULATOR_ENABLED=False) == []


def test_the_check_is_silent_where_the_simulator_is_not_installed():
    assert gate_ids(DEBUG=False, DOCDATA_SIMULATOR_ENABLED=False) == ["docdata_simulator.E001"]
    with override_settings(DEBUG=False, DOCDATA_SIMULATOR_ENABLED=False,
                           INSTALLED_APPS=["django.contrib.contenttypes",
                                           "django.contrib.auth"]):
        assert check_simulator_gate() == []


# --- passwords: Django's hashers, verified once per process --------------------------------


@pytest.mark.django_db
def test_the_stored_password_is_a_django_hash():
    assert accounts.authenticate("shop_test", PASSWORD).name == "shop_test"
    stored = Merchant.objects.get(name="shop_test").password_digest
    assert identify_hasher(stored).algorithm == "md5"  # tests' PASSWORD_HASHERS
    assert check_password(PASSWORD, stored)
    assert hashlib.sha256(PASSWORD.encode()).hexdigest() != stored
    table_only = accounts.add_merchant("table_only", "Table-pw-1")
    assert identify_hasher(table_only.password_digest)
    assert table_only.password_digest != accounts.add_merchant("other", "Table-pw-1") \
        .password_digest  # salted


@pytest.mark.django_db
def test_an_old_sha256_row_is_rehashed_for_a_configured_merchant():
    Merchant.objects.create(name="shop_test",
                            password_digest=hashlib.sha256(PASSWORD.encode()).hexdigest())
    assert accounts.authenticate("shop_test", PASSWORD).name == "shop_test"
    assert identify_hasher(Merchant.objects.get(name="shop_test").password_digest)


def test_a_wrong_password_is_refused_over_soap(client, docdata_simulator):
    key = create_order(client, "GATE-PW")
    assert identify_hasher(Merchant.objects.get(name="shop_test").password_digest)
    wrong = DocdataClient(merchant_name="shop_test", merchant_password="not-" + PASSWORD)
    with pytest.raises(DocdataStatusError) as caught:
        wrong.status(key)
    assert caught.value.code == "SECURITY_ERROR"
    assert client.status(key).order_key == key


@pytest.mark.django_db
def test_a_verified_password_is_not_hashed_again(monkeypatch):
    calls = []
    real = accounts.check_password

    def counting(password, encoded, *args, **kwargs):
        calls.append(password)
        return real(password, encoded, *args, **kwargs)

    monkeypatch.setattr(accounts, "check_password", counting)
    accounts.add_merchant("memo", "Memo-pw-1")
    calls.clear()
    for _ in range(5):
        assert accounts.authenticate("memo", "Memo-pw-1").name == "memo"
    assert calls == []  # remembered when add_merchant hashed it
    for _ in range(2):
        assert accounts.authenticate("memo", "not-it") is None
    assert calls == ["not-it", "not-it"]  # a wrong password is checked in full each time
    accounts.add_merchant("memo", "Memo-pw-2")  # a new hash: the old pair does not match
    assert accounts.authenticate("memo", "Memo-pw-1") is None
    assert accounts.authenticate("memo", "Memo-pw-2").name == "memo"
