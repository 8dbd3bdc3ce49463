"""System checks of the checkout integration's settings."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from oscar_docdata.checkout.conf import (
    EMAIL_WHEN_PAID,
    EMAIL_WHEN_PLACED,
    confirmation_email_when,
)


@register()
def check_confirmation_email_setting(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    value = confirmation_email_when()
    if value in (EMAIL_WHEN_PAID, EMAIL_WHEN_PLACED):
        return []
    return [
        Error(
            f"DOCDATA_CONFIRMATION_EMAIL is {value!r}.",
            hint=f'Use "{EMAIL_WHEN_PAID}" (when Docdata reports the order paid) or '
            f'"{EMAIL_WHEN_PLACED}" (when the order is placed).',
            id="oscar_docdata.E101",
        )
    ]
