"""The URL of Docdata's hosted payment menu."""

from __future__ import annotations

import logging
import warnings
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.utils import translation

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataValidationError

from . import fields

RETURN_URL_PARAMETERS = ("return_url_success", "return_url_pending", "return_url_canceled",
                         "return_url_error")
#: The ``callback`` of each return URL, as oscar_docdata's return view reads it.
logger = logging.getLogger("oscar_docdata")

RETURN_CALLBACKS = dict(zip(RETURN_URL_PARAMETERS, ("SUCCESS", "PENDING", "CANCELLED", "ERROR"),
                            strict=True))


def callback_return_urls(return_url: str, order_key: str) -> dict[str, str]:
    """The four ``return_url_*`` parameters: ``<return_url>?callback=…&order_id=<key>``.

    ``return_url`` must be absolute; its own query, if any, is kept.
    """
    separator = "&" if "?" in return_url else "?"
    return {
        name: return_url + separator + urlencode({"callback": callback, "order_id": order_key})
        for name, callback in RETURN_CALLBACKS.items()
    }


def _absolute_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DocdataValidationError(name, f"{value!r} is not an absolute http(s) URL")
    return value


def _ideal_issuer(issuer: Any) -> str | None:
    """The ``ideal_issuer_id`` to send, if any (iDEAL 2.0: only with
    DOCDATA_IDEAL_ISSUER_SELECTION on, with a DeprecationWarning; else left out and logged).
    """
    if issuer in (None, ""):
        return None
    if docdata_settings.DOCDATA_IDEAL_ISSUER_SELECTION:
        warnings.warn("ideal_issuer_id: under iDEAL 2.0 the shopper chooses the bank on "
                      "the iDEAL page; bank selection in the shop is deprecated by the "
                      "scheme", DeprecationWarning, stacklevel=3)
        return str(issuer)
    logger.warning("ideal_issuer_id %r left out of the payment menu URL: under "
                   "iDEAL 2.0 the shopper chooses the bank on the iDEAL page "
                   "(set DOCDATA_IDEAL_ISSUER_SELECTION = True to send it anyway)",
                   str(issuer))
    return None


def payment_menu_url(base_url: str, merchant_name: str, order_key: str,
                     client_language: str | None = None, *, default_act: Any = None,
                     **parameters: Any) -> str:
    """``<base>/menu?command=show_payment_cluster&…`` with every parameter given.

    ``client_language`` defaults to the active Django language and is normalised to
    ISO 639-1; return URLs must be absolute; ``default_act=True`` becomes ``yes``.
    Parameters whose value is None or empty are left out.

    iDEAL 2.0: the shopper chooses the bank on the iDEAL scheme's page, so an
    ``ideal_issuer_id`` is left out (with a logged warning) unless
    ``DOCDATA_IDEAL_ISSUER_SELECTION`` is on; then it is sent, with a DeprecationWarning.
    """
    language = client_language or translation.get_language()
    query: dict[str, str] = {
        "command": "show_payment_cluster",
        "payment_cluster_key": fields.text("paymentOrderKey", order_key,
                                           field="payment_cluster_key", required=True),
        "merchant_name": fields.text("merchant.name", merchant_name, field="merchant_name",
                                     required=True),
    }
    client_language = fields.text("customer.language", language, field="client_language")
    if client_language:
        query["client_language"] = client_language
    for name in RETURN_URL_PARAMETERS:
        value = parameters.pop(name, None)
        if value:
            query[name] = _absolute_url(name, str(value))
    default_pm = parameters.pop("default_pm", None)
    if default_pm:
        cleaned = fields.text("menu.default_pm", default_pm, field="default_pm")
        if cleaned:
            query["default_pm"] = cleaned
    if default_act is True:
        query["default_act"] = "yes"
    elif default_act not in (None, False, ""):
        query["default_act"] = str(default_act)
    issuer = _ideal_issuer(parameters.pop("ideal_issuer_id", None))
    if issuer is not None:
        query["ideal_issuer_id"] = issuer
    for name, value in parameters.items():
        if value is not None and value != "":
            query[name] = str(value)
    return f"{base_url.rstrip('/')}/menu?{urlencode(query)}"
