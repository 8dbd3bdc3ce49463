"""Docdata orders, their payment lines and their status history.

The models only store; the status engine (``oscar_docdata.status_engine``) decides and the
updater (``oscar_docdata.updater``) writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oscar_docdata.configured_facade import get_facade
from oscar_docdata.methods import method_name
from oscar_docdata.querysets import DocdataOrderManager
from oscar_docdata.status import Status

# Room for every ISO 4217 exponent up to 4 (KWD has 3, CLF 4).
AMOUNT_DIGITS: dict[str, Any] = {"max_digits": 19, "decimal_places": 4}


class DocdataOrder(models.Model):
    """A Docdata payment order ("payment cluster") created for an Oscar order."""

    # The old package's names of the statuses (oscar_docdata.status.Status).
    STATUS_NEW = Status.NEW
    STATUS_IN_PROGRESS = Status.IN_PROGRESS
    STATUS_PENDING = Status.PENDING
    STATUS_PAID = Status.PAID
    STATUS_PAID_REFUNDED = Status.PAID_REFUNDED
    STATUS_REFUNDED = Status.REFUNDED
    STATUS_CHARGED_BACK = Status.CHARGED_BACK
    STATUS_CANCELLED = Status.CANCELLED
    STATUS_EXPIRED = Status.EXPIRED
    STATUS_UNKNOWN = Status.UNKNOWN
    STATUS_CHOICES = Status.choices

    # No default: a default read from settings would end up in the migrations, and
    # every order is created by code that knows its merchant.
    merchant_name = models.CharField(_("Docdata merchant"), max_length=100)
    merchant_order_id = models.CharField(
        _("merchant order reference"),
        max_length=255,
        help_text=_("The reference sent to Docdata; it may carry a retry suffix."),
    )
    # The sub-merchant the order was created for (Docdata's subject merchant; its token
    # is in DOCDATA_SUBJECT_MERCHANT_TOKENS); every later call of the order carries it.
    # Indexed with the creation time (Meta.indexes) for the staff list's filter.
    subject_merchant_name = models.CharField(
        _("subject merchant"), max_length=50, blank=True, default="", db_default="",
        help_text=_("The sub-merchant this order was created for, if any."),
    )
    order_number = models.CharField(_("order number"), max_length=128, db_index=True)
    order_key = models.CharField(_("Docdata order key"), max_length=100, unique=True)
    # The old package could store several orders under one reference (e.g. against
    # Docdata's test and live environments in one database). The upgrade keeps them and
    # marks them; the uniqueness constraint covers every other order.
    reference_shared = models.BooleanField(
        _("reference shared"),
        default=False,
        editable=False,
        help_text=_(
            "Set by the upgrade from django-oscar-docdata when older orders share this "
            "merchant order reference; new orders never do."
        ),
    )

    # Indexed with the creation time (Meta.indexes): the lists filter by it.
    status = models.CharField(
        _("status"), max_length=50, choices=STATUS_CHOICES, default=STATUS_NEW
    )
    language = models.CharField(_("language"), max_length=5, blank=True, default="en")

    total_gross_amount = models.DecimalField(_("total gross amount"), **AMOUNT_DIGITS)
    currency = models.CharField(_("currency"), max_length=3)
    country = models.CharField(_("country code"), max_length=2, null=True, blank=True)

    # What Docdata reported last, in the order's currency.
    total_registered = models.DecimalField(_("total registered"), default=0, **AMOUNT_DIGITS)
    total_shopper_pending = models.DecimalField(
        _("total shopper pending"), default=0, **AMOUNT_DIGITS
    )
    total_acquirer_pending = models.DecimalField(
        _("total acquirer pending"), default=0, **AMOUNT_DIGITS
    )
    total_acquirer_approved = models.DecimalField(
        _("total acquirer approved"), default=0, **AMOUNT_DIGITS
    )
    total_captured = models.DecimalField(_("total captured"), default=0, **AMOUNT_DIGITS)
    total_refunded = models.DecimalField(_("total refunded"), default=0, **AMOUNT_DIGITS)
    total_charged_back = models.DecimalField(_("total charged back"), default=0, **AMOUNT_DIGITS)

    # Recurring payments (see Interface.charge_recurring and docs/recurring.rst).
    initial_payment_reference = models.CharField(
        _("initial payment reference"), max_length=50, blank=True, default="", db_default="",
        help_text=_("Set on the first order of a recurring series: the reference later "
                    "charges give Docdata to charge the same account again."),
    )
    recurring_initial_order = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="recurring_charges", verbose_name=_("initial order of the series"),
        help_text=_("Set on a recurring charge: the initial order it charged again."),
    )

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # Bookkeeping of status pulls (see oscar_docdata.operations.pulls). Written with
    # UPDATE statements that leave ``updated`` alone: they record pulls, not changes.
    status_report_pulled = models.DateTimeField(
        _("status report pulled"), null=True, blank=True, editable=False,
        help_text=_("When the status call whose report was applied last started; "
                    "a report of an earlier call is not applied."),
    )
    status_pull_started = models.DateTimeField(
        _("notification pull started"), null=True, blank=True, editable=False,
        help_text=_("When the last status call granted to a notification or return "
                    "started; the next one waits DOCDATA_NOTIFICATION_MIN_INTERVAL."),
    )

    objects = DocdataOrderManager()

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("Docdata order")
        verbose_name_plural = _("Docdata orders")
        constraints = [
            models.UniqueConstraint(
                fields=("merchant_name", "merchant_order_id"),
                condition=models.Q(reference_shared=False),
                name="oscar_docdata_unique_reference_per_merchant",
            )
        ]
        # The staff lists show the newest first, whole or filtered by status or
        # merchant: each reads its page from an index instead of sorting the table.
        indexes = [
            models.Index(fields=("-created", "-id"), name="docdata_order_created_idx"),
            models.Index(
                fields=("status", "-created", "-id"), name="docdata_order_status_idx"
            ),
            models.Index(
                fields=("merchant_name", "-created", "-id"), name="docdata_order_merchant_idx"
            ),
            # Both filters: otherwise every row of the status is read to find the merchant's.
            models.Index(
                fields=("status", "merchant_name", "-created", "-id"),
                name="docdata_order_status_merch_idx",
            ),
            # The search by reference alone (the constraint's index starts with the merchant).
            models.Index(fields=("merchant_order_id",), name="docdata_order_reference_idx"),
            # The filter by subject merchant, newest first.
            models.Index(
                fields=("subject_merchant_name", "-created", "-id"),
                name="docdata_order_subject_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.order_key

    def cancel(self) -> object:
        """Cancel the order at Docdata and apply the resulting status."""
        return get_facade().cancel_order(self)

    @property
    def latest_payment(self) -> DocdataPayment | None:
        return self.payments.order_by("-payment_id").first()


class DocdataPayment(models.Model):
    """One payment attempt of a Docdata order, as the last status report showed it."""

    docdata_order = models.ForeignKey(
        DocdataOrder, on_delete=models.CASCADE, related_name="payments",
        verbose_name=_("Docdata order"),
    )
    # Empty only for rows of the old package whose text id was not a usable whole
    # number; their original text is in ``legacy_payment_id`` (see docs/upgrading.rst).
    payment_id = models.PositiveBigIntegerField(
        _("payment id"), unique=True, null=True, blank=True
    )
    legacy_payment_id = models.CharField(
        _("payment id before the upgrade"),
        max_length=100,
        blank=True,
        default="",
        editable=False,
        help_text=_(
            "The old package's payment id, kept when it was not a usable whole number."
        ),
    )
    payment_method = models.CharField(_("payment method"), max_length=60, blank=True, default="")
    # Raw Docdata value; no choices, Docdata adds new values over time.
    status = models.CharField(_("status"), max_length=100, default="NEW")
    confidence_level = models.CharField(
        _("confidence level"), max_length=50, blank=True, default=""
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    amount_allocated = models.DecimalField(_("amount allocated"), default=0, **AMOUNT_DIGITS)
    amount_debited = models.DecimalField(_("amount debited"), default=0, **AMOUNT_DIGITS)
    amount_refunded = models.DecimalField(_("amount refunded"), default=0, **AMOUNT_DIGITS)
    amount_chargeback = models.DecimalField(_("amount charged back"), default=0, **AMOUNT_DIGITS)
    # {"captures": [...], "refunds": [...], "chargebacks": [...], "reversal": {...} | None}
    # with {"status", "amount" (decimal string), "currency", "reason", "reference"} each.
    lines = models.JSONField(_("captures, refunds and chargebacks"), default=dict, blank=True)

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("payment_id",)
        verbose_name = _("Docdata payment")
        verbose_name_plural = _("Docdata payments")
        indexes = [
            # The admin's filters with the list's ordering: a rare status is found
            # without walking the whole payment id index.
            models.Index(fields=("status", "payment_id"), name="docdata_payment_status_idx"),
            models.Index(
                fields=("confidence_level", "payment_id"), name="docdata_payment_confidence_idx"
            ),
            # The search by an old package's id; only the few such rows are indexed.
            models.Index(
                fields=("legacy_payment_id",), condition=~models.Q(legacy_payment_id=""),
                name="docdata_payment_legacy_idx",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(
            str(part)
            for part in (self.display_id, method_name(self.payment_method), self.status)
            if part
        )

    @property
    def display_id(self) -> str:
        """The payment id, or the unusable id the old package stored (quoted)."""
        if self.payment_id is not None:
            return str(self.payment_id)
        return repr(self.legacy_payment_id)


class DocdataStatusChange(models.Model):
    """A change of a Docdata order's status, and what caused it."""

    TRIGGER_NOTIFICATION = "notification"
    TRIGGER_RETURN = "return"
    TRIGGER_COMMAND = "command"
    TRIGGER_DASHBOARD = "dashboard"
    TRIGGER_API = "api"
    TRIGGER_CHOICES = (
        (TRIGGER_NOTIFICATION, _("Docdata notification")),
        (TRIGGER_RETURN, _("Shopper return")),
        (TRIGGER_COMMAND, _("Management command")),
        (TRIGGER_DASHBOARD, _("Dashboard")),
        (TRIGGER_API, _("API call")),
    )

    docdata_order = models.ForeignKey(
        DocdataOrder, on_delete=models.CASCADE, related_name="status_changes",
        verbose_name=_("Docdata order"),
    )
    old_status = models.CharField(_("old status"), max_length=50)
    new_status = models.CharField(_("new status"), max_length=50)
    trigger = models.CharField(_("trigger"), max_length=20, choices=TRIGGER_CHOICES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    note = models.TextField(_("note"), blank=True, default="")
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created", "-id")
        # The admin's filters with the list's ordering.
        indexes = [
            models.Index(
                fields=("new_status", "-created", "-id"), name="docdata_change_status_idx"
            ),
            models.Index(fields=("trigger", "-created", "-id"), name="docdata_change_trigger_idx"),
        ]
        verbose_name = _("Docdata status change")
        verbose_name_plural = _("Docdata status changes")

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"


class DocdataMoneyRequest(models.Model):
    """A capture or refund the shop asked Docdata for, from before it is sent until a
    status report shows how it ended.

    Written (and committed) before the request is sent, so that no capture or refund
    is ever sent without a trace; see :mod:`oscar_docdata.money_requests`.
    """

    KIND_CAPTURE = "capture"
    KIND_REFUND = "refund"
    KIND_CHOICES = ((KIND_CAPTURE, _("Capture")), (KIND_REFUND, _("Refund")))

    STATE_SENDING = "sending"
    STATE_ACCEPTED = "accepted"
    STATE_UNKNOWN = "unknown"
    STATE_REFUSED = "refused"
    STATE_NOT_SENT = "not_sent"
    STATE_PENDING = "pending"
    STATE_DONE = "done"
    STATE_FAILED = "failed"
    STATE_NOT_RECEIVED = "not_received"
    STATE_CHOICES = (
        (STATE_SENDING, _("Being sent")),
        (STATE_ACCEPTED, _("Accepted by Docdata")),
        (STATE_UNKNOWN, _("Outcome unknown")),
        (STATE_REFUSED, _("Refused by Docdata")),
        (STATE_NOT_SENT, _("Not sent")),
        (STATE_PENDING, _("In progress at Docdata")),
        (STATE_DONE, _("Done")),
        (STATE_FAILED, _("Failed at Docdata")),
        (STATE_NOT_RECEIVED, _("Never reached Docdata")),
    )

    docdata_order = models.ForeignKey(
        DocdataOrder, on_delete=models.CASCADE, related_name="money_requests",
        verbose_name=_("Docdata order"),
    )
    payment = models.ForeignKey(
        DocdataPayment, on_delete=models.CASCADE, related_name="money_requests",
        verbose_name=_("payment"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    amount = models.DecimalField(_("amount"), **AMOUNT_DIGITS)
    currency = models.CharField(_("currency"), max_length=3)
    # merchantCaptureReference / merchantRefundReference: string35 in the schema.
    reference = models.CharField(_("merchant reference"), max_length=35, unique=True)
    # One submission of a form (or one API call): a second submission is refused.
    request_key = models.CharField(_("request key"), max_length=64, db_index=True)
    # Indexed with the creation time (Meta.indexes).
    state = models.CharField(
        _("request state"), max_length=20, choices=STATE_CHOICES, default=STATE_SENDING
    )
    docdata_status = models.CharField(_("Docdata status"), max_length=35, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=250, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("created", "id")
        # The admin list's ordering, whole and filtered by state.
        indexes = [
            models.Index(fields=("created", "id"), name="docdata_request_created_idx"),
            models.Index(fields=("state", "created", "id"), name="docdata_request_state_idx"),
        ]
        verbose_name = _("Docdata capture or refund")
        verbose_name_plural = _("Docdata captures and refunds")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} {self.state}"
