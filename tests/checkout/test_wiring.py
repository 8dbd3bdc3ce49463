"""How the receivers are connected and configured."""

from django.core.checks import Error

from oscar_docdata import signals
from oscar_docdata.checks import check_confirmation_email_setting
from oscar_docdata.oscar_adapter import receivers


def test_connecting_twice_connects_each_receiver_once(oscar_receivers):
    receivers.connect()
    receivers.connect()

    assert receivers.is_connected()
    for signal, _func, uid in receivers.RECEIVERS:
        assert [key[0] for key, *_rest in signal.receivers].count(uid) == 1
    assert signals.return_view_called.has_listeners()


def test_disconnect():
    was_connected = receivers.is_connected()
    receivers.connect()
    receivers.disconnect()
    try:
        assert not receivers.is_connected()
    finally:
        if was_connected:
            receivers.connect()


def test_the_confirmation_email_setting_is_checked(settings):
    settings.DOCDATA_CONFIRMATION_EMAIL = "placed"
    assert check_confirmation_email_setting() == []
    del settings.DOCDATA_CONFIRMATION_EMAIL
    assert check_confirmation_email_setting() == []  # the default, "paid"

    settings.DOCDATA_CONFIRMATION_EMAIL = "shipped"
    errors = check_confirmation_email_setting()
    assert [(type(e), e.id) for e in errors] == [(Error, "oscar_docdata.E101")]
    assert "'shipped'" in errors[0].msg


def test_the_app_connects_the_receivers_when_ready():
    from django.apps import apps

    receivers.disconnect()
    apps.get_app_config("oscar_docdata").ready()

    assert receivers.is_connected()
