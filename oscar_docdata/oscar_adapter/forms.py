"""The payment method the customer picks before the payment menu (optional)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from oscar_docdata.methods import method_name

#: A shop's entry in ``docdata_payment_methods``: a Docdata method code (named by
#: :mod:`oscar_docdata.methods`), or a ``(code, label)`` pair whose label wins.
MethodEntry = str | tuple[str, str | Promise]

#: The name of a code in the language active when it is shown.
lazy_method_name = lazy(method_name, str)


def payment_method_choices(methods: Iterable[MethodEntry]) -> list[tuple[str, str | Promise]]:
    """``(code, label)`` choices for ``methods``: codes get their names, pairs stay."""
    choices: list[tuple[str, str | Promise]] = []
    for entry in methods:
        if isinstance(entry, str):
            choices.append((entry, lazy_method_name(entry)))
        else:
            code, label = entry
            choices.append((code, label if label not in (None, "") else lazy_method_name(code)))
    return choices


class PaymentMethodForm(forms.Form):
    """A choice among the shop's Docdata methods; it becomes the menu's ``default_pm``."""

    payment_method = forms.ChoiceField(
        label=_("How would you like to pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how you would like to pay.")},
    )

    def __init__(self, methods: Sequence[MethodEntry], *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: ``(code, label)`` of the shop's methods, as the field offers them.
        self.method_choices = payment_method_choices(methods)
        cast(forms.ChoiceField, self.fields["payment_method"]).choices = self.method_choices

    @property
    def chosen_label(self) -> str:
        """The label of the valid choice (the preview shows it), else ""."""
        if not (self.is_bound and self.is_valid()):
            return ""
        chosen = self.cleaned_data["payment_method"]
        for code, label in self.method_choices:
            if code == chosen:
                return str(label)
        return method_name(chosen)
