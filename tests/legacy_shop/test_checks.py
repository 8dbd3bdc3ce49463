"""``manage.py check`` on the shop: its own receivers and the package's must not both run."""

import io

from django.core import checks
from django.core.management import call_command

from . import receivers

SETTING = "DOCDATA_OSCAR_RECEIVERS"


def receiver_warnings():
    """The check messages about DOCDATA_OSCAR_RECEIVERS."""
    return [message for message in checks.run_checks()
            if SETTING in f"{message.msg} {message.hint or ''}"]


def check_output():
    """What ``manage.py check`` prints (it raises on errors, not on warnings)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_shops_settings_pass():
    # The shop's own receivers are connected, DOCDATA_OSCAR_RECEIVERS is False.
    assert receiver_warnings() == []
    assert SETTING not in check_output()


def test_keeping_both_receivers_warns(settings):
    settings.DOCDATA_OSCAR_RECEIVERS = True

    [warning] = receiver_warnings()

    assert warning.level == checks.WARNING
    assert "tests.legacy_shop.receivers" in warning.msg  # names the shop's receivers
    output = check_output()
    assert "WARNINGS:" in output and SETTING in output


def test_no_warning_without_receivers_of_the_shop(settings):
    settings.DOCDATA_OSCAR_RECEIVERS = True
    receivers.disconnect()

    assert receiver_warnings() == []
