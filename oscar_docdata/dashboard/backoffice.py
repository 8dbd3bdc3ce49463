"""Links from the dashboard to Docdata's Back Office."""

from __future__ import annotations

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.models import DocdataOrder


def backoffice_url(order: DocdataOrder) -> str:
    """The Back Office URL for ``order``.

    ``DOCDATA_BACKOFFICE_URL`` may name the order with ``{order_key}``,
    ``{merchant_order_id}`` and ``{merchant_name}``. Unset, it is the Docdata base URL
    in use (``…/ps/`` of the test or live host, or the simulator's overview page when
    DOCDATA_BASE_URL points at the simulator).
    """
    template = docdata_settings.DOCDATA_BACKOFFICE_URL or f"{docdata_settings.base_url}/"
    return template.format(
        order_key=order.order_key,
        merchant_order_id=order.merchant_order_id,
        merchant_name=order.merchant_name,
    )
