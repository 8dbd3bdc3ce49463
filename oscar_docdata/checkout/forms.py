"""The payment method the customer picks before the payment menu (optional)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class PaymentMethodForm(forms.Form):
    """A choice among the shop's Docdata methods; it becomes the menu's ``default_pm``."""

    payment_method = forms.ChoiceField(
        label=_("How would you like to pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how you would like to pay.")},
    )

    def __init__(self, methods: Sequence[tuple[str, str | Promise]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = list(methods)
