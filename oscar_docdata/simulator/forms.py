"""Forms of the simulator's pages (menu, bank pages, 3-D Secure, overview)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from oscar_docdata.methods import method_choices

from . import flows, methods

OUTCOME_CHOICES = [
    ("paid", _("Paid (authorized and captured)")),
    ("authorized", _("Authorized only")),
    ("pending", _("Pending (bank transfer awaiting the money)")),
    ("cancelled", _("Cancelled by the shopper")),
    ("failed", _("Failed")),
]

RETURN_FIELDS = ("return_url_success", "return_url_pending", "return_url_canceled",
                 "return_url_error")


class MenuForm(forms.Form):
    """The shopper's choice in the payment menu; the menu's query travels along hidden."""

    payment_cluster_key = forms.CharField(widget=forms.HiddenInput, max_length=32)
    merchant_name = forms.CharField(widget=forms.HiddenInput, max_length=50)
    client_language = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10)
    return_url_success = forms.URLField(widget=forms.HiddenInput, required=False,
                                        max_length=2048, assume_scheme="https")
    return_url_pending = forms.URLField(widget=forms.HiddenInput, required=False,
                                        max_length=2048, assume_scheme="https")
    return_url_canceled = forms.URLField(widget=forms.HiddenInput, required=False,
                                         max_length=2048, assume_scheme="https")
    return_url_error = forms.URLField(widget=forms.HiddenInput, required=False,
                                      max_length=2048, assume_scheme="https")
    #: Required, except when the shopper cancels (the menu's cancel button).
    method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect,
                               required=False)
    #: An old ``ideal_issuer_id`` of the menu URL (BIC), carried along: iDEAL then skips
    #: the iDEAL page. Under iDEAL 2.0 the bank is chosen there, never in the menu.
    issuer = forms.CharField(widget=forms.HiddenInput, required=False, max_length=11)
    #: The simulator's shortcut to the end of the payment (iDEAL ends at its bank page).
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES,
                                widget=forms.RadioSelect, required=False)

    def __init__(self, *args, payment_methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["method"]).choices = method_choices(payment_methods)

    def clean_issuer(self) -> str:
        value = self.cleaned_data["issuer"]
        return (methods.issuer_bic(value) or "") if value else ""

    def clean(self):
        data = super().clean()
        if not data.get("method") and "method" not in self.errors \
                and data.get("outcome") != "cancelled":
            self.add_error("method", forms.Field.default_error_messages["required"])
        if not data.get("outcome") and data.get("method") not in (None, "", "IDEAL"):
            self.add_error("outcome", forms.Field.default_error_messages["required"])
        if data.get("outcome") == "pending" and data.get("method") not in (
                None, "BANK_TRANSFER", "SEPA_DIRECT_DEBIT"):
            self.add_error("outcome", _("Only bank transfer and SEPA direct debit can be "
                                        "pending."))
        return data


class IdealBankForm(forms.Form):
    """The simulated iDEAL page: the shopper chooses the bank (iDEAL 2.0)."""

    issuer = forms.ChoiceField(label=_("Choose your bank"), widget=forms.RadioSelect,
                               choices=list(methods.IDEAL_ISSUERS.items()))


class BankForm(forms.Form):
    """The shopper's answer at the simulated iDEAL bank."""

    outcome = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect, choices=[
        ("success", _("Approve the payment")),
        ("cancel", _("Cancel")),
        ("failure", _("Refuse (the payment fails)")),
    ])


class PaypalForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect, choices=[
        ("approved", _("Approve the payment")),
        ("cancelled", _("Cancel and return to the shop")),
    ])


class AcsForm(forms.Form):
    """3-D Secure: the card holder authenticates (or not); the ACS's data travels along."""

    MD = forms.CharField(widget=forms.HiddenInput, max_length=2048)
    PaReq = forms.CharField(widget=forms.HiddenInput, max_length=2048)
    TermUrl = forms.URLField(widget=forms.HiddenInput, max_length=2048, assume_scheme="https")
    outcome = forms.ChoiceField(label=_("Authentication"), widget=forms.RadioSelect, choices=[
        ("authenticated", _("Authenticate (correct code)")),
        ("failed", _("Fail the authentication")),
    ])

    def clean_PaReq(self) -> int:  # noqa: N802 - the field's name is the protocol's
        payment_id = flows.payment_id_from_pareq(self.cleaned_data["PaReq"])
        if payment_id is None:
            raise forms.ValidationError(_("This 3-D Secure request is not valid."))
        return payment_id


class ActionForm(forms.Form):
    """A later event on the overview page."""

    order_key = forms.CharField(widget=forms.HiddenInput, max_length=32)
    action = forms.ChoiceField(label=_("Event"), choices=[
        ("pay", _("Pay (authorize and capture)")),
        ("authorize", _("Authorize")),
        ("capture", _("Capture")),
        ("refund", _("Refund")),
        ("chargeback", _("Charge back")),
        ("reverse", _("Reverse")),
        ("cancel", _("Cancel")),
        ("expire", _("Expire")),
        ("fail", _("Fail")),
        ("settle-pending", _("Settle pending captures/refunds")),
        ("fail-pending", _("Fail pending captures/refunds")),
        ("cancel-pending", _("Cancel pending captures/refunds")),
    ])
    amount = forms.DecimalField(label=_("Amount (empty: all)"), required=False, min_value=0,
                                max_digits=15, decimal_places=3)
    method = forms.ChoiceField(label=_("Method"), required=False)
    reference = forms.CharField(label=_("Merchant reference (pending lines; empty: all)"),
                                required=False, max_length=35)
    reason = forms.CharField(label=_("Reason (failing pending lines)"), required=False,
                             max_length=250)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = sorted({*methods.CARD_METHODS, *methods.CONFIDENCE, "IDEAL",
                        "PAYPAL_EXPRESS_CHECKOUT"})
        cast(forms.ChoiceField, self.fields["method"]).choices = [
            ("", _("(any)")), *((m, m) for m in known)]

