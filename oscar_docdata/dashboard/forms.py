"""Forms of the Docdata dashboard: the order search and the action confirmations."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oscar_docdata.interface import Interface
from oscar_docdata.labels import money
from oscar_docdata.methods import method_name
from oscar_docdata.models import DocdataOrder, DocdataPayment
from oscar_docdata.money import currency_exponent
from oscar_docdata.querysets import (
    DocdataOrderQuerySet,
    configured_merchants,
    configured_subject_merchants,
)

#: The subject merchant filter's choice for orders of no subject merchant.
NO_SUBJECT_MERCHANT = "-"


class DocdataOrderSearchForm(forms.Form):
    """Search (order number, order key, merchant reference, payment id) and filters of
    the list. What the search matches: :func:`oscar_docdata.querysets.order_search`."""

    q = forms.CharField(
        label=_("Order number, order key, reference or payment id"), required=False,
        max_length=255,
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    merchant = forms.ChoiceField(label=_("Merchant"), required=False)
    subject_merchant = forms.ChoiceField(label=_("Subject merchant"), required=False)
    date_from = forms.DateField(
        label=_("Created from"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Created until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All statuses")), *DocdataOrder.STATUS_CHOICES]
        # From the settings, not the table: a DISTINCT over every order costs a scan
        # on each page. A merchant no longer configured stays reachable by its URL.
        merchants = set(configured_merchants())
        if self.is_bound and self.data.get("merchant"):
            merchants.add(self.data["merchant"])
        cast(forms.ChoiceField, self.fields["merchant"]).choices = [
            ("", _("All merchants")), *((name, name) for name in sorted(merchants))
        ]
        # Likewise from the settings (DOCDATA_SUBJECT_MERCHANT_TOKENS).
        subjects = set(configured_subject_merchants())
        if self.is_bound and self.data.get("subject_merchant") not in (
                None, "", NO_SUBJECT_MERCHANT):
            subjects.add(self.data["subject_merchant"][:50])
        cast(forms.ChoiceField, self.fields["subject_merchant"]).choices = [
            ("", _("All subject merchants")),
            (NO_SUBJECT_MERCHANT, _("No subject merchant")),
            *((name, name) for name in sorted(subjects)),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, queryset: DocdataOrderQuerySet) -> DocdataOrderQuerySet:
        """``queryset`` narrowed by the (valid) form's values."""
        data = self.cleaned_data
        query = data.get("q", "").strip()
        if query:
            queryset = queryset.search(query)
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("merchant"):
            queryset = queryset.filter(merchant_name=data["merchant"])
        subject = data.get("subject_merchant")
        if subject:
            queryset = queryset.filter(
                subject_merchant_name="" if subject == NO_SUBJECT_MERCHANT else subject)
        if data.get("date_from"):
            queryset = queryset.filter(created__gte=_local_midnight(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + dt.timedelta(days=1)
            queryset = queryset.filter(created__lt=_local_midnight(next_day))
        return queryset

    def descriptions(self) -> list[str]:
        """The active search and filters, for the "filters" badges."""
        if not self.is_bound or not self.is_valid():
            return []
        data = self.cleaned_data
        found = []
        if data.get("q", "").strip():
            found.append(_("matching “%(q)s”") % {"q": data["q"].strip()})
        if data.get("status"):
            labels = dict(DocdataOrder.STATUS_CHOICES)
            found.append(_("status %(status)s") % {"status": labels[data["status"]]})
        if data.get("merchant"):
            found.append(_("merchant %(merchant)s") % {"merchant": data["merchant"]})
        if data.get("subject_merchant") == NO_SUBJECT_MERCHANT:
            found.append(str(_("no subject merchant")))
        elif data.get("subject_merchant"):
            found.append(_("subject merchant %(name)s") % {"name": data["subject_merchant"]})
        if data.get("date_from"):
            found.append(_("created from %(date)s") % {"date": data["date_from"].isoformat()})
        if data.get("date_to"):
            found.append(_("created until %(date)s") % {"date": data["date_to"].isoformat()})
        return found


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


#: A form submission's key: what DocdataMoneyRequest.request_key holds.
REQUEST_KEY = re.compile(r"[0-9A-Za-z_-]{1,64}")


class ConfirmForm(forms.Form):
    """An action without inputs: the confirmation page's POST (with its CSRF token)."""

    def __init__(self, *args: Any, order: DocdataOrder, **kwargs: Any):
        self.order = order
        super().__init__(*args, **kwargs)


class AmountForm(ConfirmForm):
    """Capture or refund: an optional amount (default: all that is available) and an
    optional payment (default: the order's payments in payment id order).

    ``request_key`` is new on every GET of the form and goes with the POST to the
    Interface: a second submission of the same page (double click, browser back,
    reload) is recognised there and sends nothing again.
    """

    #: "capture" or "refund"; set by the subclasses.
    operation = ""
    nothing_left = _("Nothing is left to do.")

    amount = forms.DecimalField(
        label=pgettext_lazy("money", "Amount"), required=False, max_digits=19, decimal_places=4,
        help_text=_("Leave empty for everything that is available."),
    )
    payment = forms.TypedChoiceField(
        label=_("Payment"), required=False, coerce=int, empty_value=None
    )
    # Checked in clean(): a missing key shows as an error on top of the form, where a
    # hidden field's own error would not show.
    request_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, order: DocdataOrder, **kwargs: Any):
        super().__init__(*args, order=order, **kwargs)
        if not self.is_bound:
            self.initial["request_key"] = uuid.uuid4().hex
        self.open_payments: list[tuple[DocdataPayment, Decimal]] = [
            (payment, left)
            for payment in order.payments.order_by("payment_id")
            if (left := Interface.available(payment, self.operation)) > 0
        ]
        cast(forms.ChoiceField, self.fields["payment"]).choices = [
            ("", _("All payments")),
            *(
                (payment.payment_id, f"{payment.display_id} {method_name(payment.payment_method)} "
                 f"({money(left, payment.currency or order.currency)})")
                for payment, left in self.open_payments
            ),
        ]
        # The browser's number input steps in the currency's minor unit (0.01, or 1 for JPY).
        step = Decimal(1).scaleb(-currency_exponent(self.currency))
        self.fields["amount"].widget.attrs.update(min="0", step=str(step))

    @property
    def available(self) -> Decimal:
        """What is left on all the order's payments together."""
        return sum((left for _payment, left in self.open_payments), Decimal(0))

    def available_on(self, payment_id: int | None) -> Decimal:
        """What is left on payment ``payment_id``, or on all payments when None."""
        if payment_id is None:
            return self.available
        return next(left for payment, left in self.open_payments
                    if payment.payment_id == payment_id)

    @property
    def currency(self) -> str:
        if self.open_payments:
            return self.open_payments[0][0].currency or self.order.currency
        return self.order.currency

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not REQUEST_KEY.fullmatch(data.get("request_key") or ""):
            raise forms.ValidationError(
                _("This form is incomplete or out of date: open it again and resubmit."),
                code="request_key",
            )
        if not self.open_payments:
            raise forms.ValidationError(self.nothing_left)
        amount = data.get("amount")
        payment_id = data.get("payment")
        left = self.available_on(payment_id)
        if amount is None:
            return data
        decimals = currency_exponent(self.currency)
        if amount <= 0:
            self.add_error("amount", _("Give an amount of more than zero."))
        elif amount != amount.quantize(Decimal(1).scaleb(-decimals)):
            self.add_error(
                "amount",
                _("%(currency)s amounts have at most %(decimals)s decimals.")
                % {"currency": self.currency, "decimals": decimals},
            )
        elif amount > left:
            self.add_error(
                "amount",
                _("At most %(available)s is available.")
                % {"available": money(left, self.currency)},
            )
        return data


class CaptureForm(AmountForm):
    operation = "capture"
    nothing_left = _("No authorized amount is left to capture.")


class RefundForm(AmountForm):
    operation = "refund"
    nothing_left = _("No captured amount is left to refund.")
