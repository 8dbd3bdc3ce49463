"""The simulator's state: merchants, profiles, orders and what happened to them.

Everything lives in the database so that the simulator behaves the same across
processes, threads (a live server, the notification worker) and restarts. Models
are thin: the rules are in ``engine``, ``operations`` and ``totals``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Merchant(models.Model):
    """A merchant account. Configured merchants are seeded from the settings."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    #: The password as a Django password hash (``make_password``, PASSWORD_HASHERS):
    #: a simulator never needs the password back.
    password_digest = models.CharField(_("password digest"), max_length=128)

    class Meta:
        verbose_name = _("simulated merchant")
        verbose_name_plural = _("simulated merchants")

    def __str__(self) -> str:
        return self.name


class PaymentProfile(models.Model):
    """A payment-method profile as configured in Docdata's Back Office."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    methods = models.JSONField(_("payment methods"), default=list)

    class Meta:
        verbose_name = _("simulated payment profile")
        verbose_name_plural = _("simulated payment profiles")

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """A named sequence (payment ids grow across orders)."""

    name = models.CharField(max_length=50, unique=True)
    value = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SimulatedOrder(models.Model):
    """A payment order ("payment cluster") as registered by ``create``."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="orders")
    order_key = models.CharField(_("order key"), max_length=32, unique=True)
    merchant_order_reference = models.CharField(_("merchant order reference"), max_length=255)
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    profile = models.CharField(_("profile"), max_length=50)
    days_to_pay = models.IntegerField(_("days to pay"), default=0)
    description = models.CharField(_("description"), max_length=255, blank=True)
    receipt_text = models.CharField(_("receipt text"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    #: ``{"kind": "shopper"|"company", "id": ..., "name": ..., "email": ...}``
    customer = models.JSONField(_("shopper or company"), default=dict)
    bill_to = models.JSONField(_("bill to"), default=dict)
    invoice = models.JSONField(_("invoice"), null=True, blank=True)
    #: Set when create carried paymentRequest: this order starts a recurring series.
    initial_payment_reference = models.CharField(
        _("initial payment reference"), max_length=50, blank=True
    )
    #: The subject merchant (sub-merchant) the order was created for, if any: the name
    #: of create's merchant/subjectMerchant (its token is not kept).
    subject_merchant_name = models.CharField(_("subject merchant"), max_length=50,
                                             blank=True, default="", db_default="")
    #: scheme://host the order was created through (default notification host).
    origin = models.CharField(_("origin"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    expired = models.BooleanField(_("expired"), default=False)

    class Meta:
        verbose_name = _("simulated order")
        verbose_name_plural = _("simulated orders")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "merchant_order_reference"],
                name="docdata_sim_unique_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_order_reference} ({self.order_key})"


class PaymentAttempt(models.Model):
    """One payment attempt (``payment`` in the status report)."""

    order = models.ForeignKey(SimulatedOrder, on_delete=models.CASCADE, related_name="attempts")
    payment_id = models.PositiveBigIntegerField(_("payment id"), unique=True)
    method = models.CharField(_("payment method"), max_length=50)
    status = models.CharField(_("authorization status"), max_length=35)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    confidence = models.CharField(_("confidence level"), max_length=35)
    #: Method details for statusExtended and the flows (issuer, holder, last digits, MD…).
    details = models.JSONField(_("details"), default=dict)
    return_url = models.CharField(_("return URL"), max_length=2048, blank=True)
    reversal_amount = models.BigIntegerField(_("reversed amount"), null=True, blank=True)
    reversal_reason = models.CharField(_("reversal reason"), max_length=250, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("simulated payment attempt")
        verbose_name_plural = _("simulated payment attempts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.method} {self.status}"


class AmountLine(models.Model):
    """Common fields of captures, refunds and chargebacks."""

    status = models.CharField(_("status"), max_length=35)
    amount = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.status} {self.amount} {self.currency}"


class Capture(AmountLine):
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.CASCADE, related_name="captures")


class Refund(AmountLine):
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.CASCADE, related_name="refunds")


class Chargeback(AmountLine):
    attempt = models.ForeignKey(
        PaymentAttempt, on_delete=models.CASCADE, related_name="chargebacks"
    )


class NotificationAttempt(models.Model):
    """One HTTP GET to a merchant's update URL and what came back."""

    order = models.ForeignKey(
        SimulatedOrder, on_delete=models.CASCADE, related_name="notifications", null=True
    )
    merchant_order_reference = models.CharField(max_length=255)
    order_key = models.CharField(max_length=32)
    url = models.CharField(max_length=2048, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("simulated notification")
        verbose_name_plural = _("simulated notifications")
        ordering = ["id"]

    def __str__(self) -> str:
        answer = self.status_code if self.status_code is not None else self.error
        return f"#{self.attempt} {self.url} -> {answer}"

    @property
    def delivered(self) -> bool:
        return self.status_code == 200


class Fault(models.Model):
    """A fault to inject into an operation's next calls (see ``faults``)."""

    operation = models.CharField(max_length=30, unique=True)
    mode = models.CharField(max_length=20)
    seconds = models.FloatField(null=True, blank=True)
    #: Calls left before the fault clears itself; None: until cleared.
    remaining = models.PositiveIntegerField(null=True, blank=True)
    code = models.CharField(max_length=50, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.operation}: {self.mode}"
