"""The shop-facing API: create, start, cancel, update, capture and refund Docdata orders.

``Interface`` knows Docdata and the plugin's models, but not Oscar; ``oscar_docdata.facade.
Facade`` adds Oscar (baskets, addresses, users). Shops use ``get_facade()``.

Every call about an existing order uses the credentials of that order's own merchant,
so orders of sub-accounts keep working when the shop's default merchant changes.
"""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_variables

from oscar_docdata import money_requests
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import (
    DocdataAmountError,
    DocdataCreateError,
    DocdataDuplicateRequest,
    DocdataError,
    DocdataGatewayError,
    DocdataMoneyBlocked,
    DocdataOutcomeUnknown,
    DocdataPartialFailure,
    DocdataRecurringCreateError,
    DocdataRecurringDuplicate,
    DocdataRecurringOutcomeUnknown,
    DocdataRecurringReferenceMissing,
    DocdataRecurringRefused,
    DocdataRequestError,
    DocdataValidationError,
)
from oscar_docdata.gateway.menu import RETURN_CALLBACKS
from oscar_docdata.gateway.results import CancelResult, CreateResult, StartResult
from oscar_docdata.gateway.values import Amount, RecurringPayment, SubjectFee
from oscar_docdata.models import (
    DocdataMoneyRequest,
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)
from oscar_docdata.money import currency_exponent, from_minor_units, to_minor_units
from oscar_docdata.status import UNPAID_OPEN
from oscar_docdata.updater import StatusUpdate, apply_report, copy_state

logger = logging.getLogger("oscar_docdata")

#: The callbacks of the shopper's return URL.
CALLBACKS = tuple(RETURN_CALLBACKS.values())

#: The statuses an order may be expired from by age.
EXPIRABLE_STATUSES = UNPAID_OPEN

# How many fresh merchant order references create_payment tries when Docdata says a
# reference is taken (e.g. a create() that timed out after Docdata stored it).
_REFERENCE_ATTEMPTS = 5

# How often cancel/expire pull again when a newer report overtook theirs.
_STALE_ATTEMPTS = 3


@dataclass
class MoneyResult:
    """What one capture or refund call did: its recorded parts and the status after."""

    operation: str
    requests: list[DocdataMoneyRequest]
    #: The status update pulled after Docdata accepted the parts (None if it failed).
    update: StatusUpdate | None = None
    #: Why that status pull failed; the accepted parts stay recorded.
    status_error: Exception | None = None

    @property
    def amount(self) -> Decimal:
        """The total of the parts Docdata accepted (or already reported)."""
        return sum((r.amount for r in self.requests if r.state in money_requests.ACCEPTED),
                   Decimal(0))

    @property
    def new_status(self) -> str:
        """The order's status after the call (the StatusUpdate's, for older callers)."""
        return self.update.new_status if self.update else self.requests[0].docdata_order.status


def money_note(operation: str, requests: list[DocdataMoneyRequest]) -> str:
    """The history note of a capture or refund: what and how much, e.g. "refund EUR 4.00"."""
    total = sum((request.amount for request in requests), Decimal(0))
    currency = requests[0].currency if requests else ""
    return f"{operation} {currency} {total}".strip()


def _set_state(request: DocdataMoneyRequest, state: str, reason: str) -> None:
    """Record a request's state at once (autocommit: it must survive what follows)."""
    request.state, request.reason = state, reason[:250]
    request.save(update_fields=["state", "reason", "updated"])


def _reference(operation: str, request_key: str, index: int) -> str:
    """A merchant reference of at most 35 characters, unique per request and part."""
    return f"{operation[0].upper()}{request_key[:30]}-{index}"


@dataclass
class RecurringCharge:
    """What ``Interface.charge_recurring`` did: the stored order, the start's answer and
    the status update pulled after it."""

    order: DocdataOrder
    start: StartResult
    #: The status update pulled after the start (None if that pull failed).
    update: StatusUpdate | None = None
    #: Why that status pull failed; the charge itself went through.
    status_error: Exception | None = None

    @property
    def payment_id(self) -> int | None:
        return self.start.payment_response.payment_id


@dataclass(frozen=True)
class _Portion:
    payment: DocdataPayment
    amount: Decimal


class Interface:
    """Docdata operations for the shop, one merchant account by default.

    ``merchant_name``/``merchant_password`` default to ``DOCDATA_MERCHANT_NAME`` and its
    password; ``testing_mode`` defaults to ``DOCDATA_TESTING``.
    """

    #: The gateway client class; None means ``oscar_docdata.gateway.DocdataClient``.
    client_class: type | None = None

    @sensitive_variables("merchant_password")
    def __init__(
        self,
        testing_mode: bool | None = None,
        merchant_name: str | None = None,
        merchant_password: str | None = None,
    ):
        self.testing_mode = testing_mode
        self.merchant_name = merchant_name or docdata_settings.DOCDATA_MERCHANT_NAME
        self.merchant_password = merchant_password
        self._client: Any = None

    def __repr__(self) -> str:
        # Never the password.
        return f"<{type(self).__name__} merchant={self.merchant_name!r}>"

    @classmethod
    @sensitive_variables()
    def for_merchant(cls, merchant_name: str, testing_mode: bool | None = None) -> Interface:
        """An interface for ``merchant_name``, with its configured password."""
        return cls(
            testing_mode,
            merchant_name=merchant_name,
            merchant_password=docdata_settings.merchant_password(merchant_name),
        )

    # --- clients -------------------------------------------------------------------------

    @property
    @sensitive_variables("password")
    def client(self) -> Any:
        """The client (a DocdataClient) of this interface's own merchant."""
        if self._client is None:
            password = (self.merchant_password
                        or docdata_settings.merchant_password(self.merchant_name))
            self._client = self.get_client_class()(
                self.testing_mode, merchant_name=self.merchant_name, merchant_password=password
            )
        return self._client

    def get_client_class(self) -> type:
        if self.client_class is not None:
            return self.client_class
        from oscar_docdata.gateway import DocdataClient

        return DocdataClient

    @sensitive_variables("password")
    def client_for(self, merchant_name: str, subject_merchant_name: str | None = None) -> Any:
        """A client with the credentials of ``merchant_name``, acting for the subject
        merchant ``subject_merchant_name`` when one is given.

        Raises InvalidMerchant (an ImproperlyConfigured) when that is another merchant
        than this interface's and the shop has no password for it, and
        InvalidSubjectMerchant (one too) when the subject merchant has no token in
        DOCDATA_SUBJECT_MERCHANT_TOKENS.
        """
        if merchant_name == self.merchant_name:
            if not subject_merchant_name:
                return self.client
            password = self.merchant_password or docdata_settings.merchant_password(merchant_name)
        else:
            password = docdata_settings.merchant_password(merchant_name)
        if not subject_merchant_name:
            return self.get_client_class()(
                self.testing_mode, merchant_name=merchant_name, merchant_password=password
            )
        docdata_settings.subject_merchant_token(subject_merchant_name)  # configured?
        return self.get_client_class()(
            self.testing_mode, merchant_name=merchant_name, merchant_password=password,
            subject_merchant=subject_merchant_name,
        )

    def client_for_order(self, order: DocdataOrder) -> Any:
        """The client of ``order``'s merchant and subject merchant (see ``client_for``)."""
        return self.client_for(order.merchant_name, order.subject_merchant_name or None)

    # --- create --------------------------------------------------------------------------

    def create_payment(
        self,
        order_number: str,
        total: Any,
        user: Any,
        language: str | None = None,
        description: str | None = None,
        profile: str | None = None,
        merchant_name: str | None = None,
        *,
        subject_merchant: str | None = None,
        subject_fee: SubjectFee | None = None,
        **kwargs: Any,
    ) -> str:
        """Create the Docdata order for Oscar order ``order_number``; return its order key.

        ``subject_merchant`` (a name in DOCDATA_SUBJECT_MERCHANT_TOKENS) creates the order for
        that sub-merchant, with ``subject_fee`` if given; it is stored on the order and
        every later call of the order carries it. ``initial_payment_reference`` (passed
        on to ``DocdataClient.create``) marks the first order of a recurring series and
        is stored too (see :meth:`charge_recurring`).

        ``total`` is an Oscar ``Price`` (its ``incl_tax`` is charged) or an ``Amount``.
        The DocdataOrder row is stored only after Docdata accepted the order.

        The merchant order reference is ``<number>``, and ``<number>-<n>`` for a further
        Docdata order of the same number (Docdata references are unique forever), unless
        ``get_create_payment_args()`` sets an ``order_id`` of its own: that one is sent
        and stored as it is, and never replaced by another.
        """
        return self._create_order(
            order_number, total, user, language, description, profile, merchant_name,
            subject_merchant=subject_merchant, subject_fee=subject_fee, kwargs=kwargs,
        ).order_key

    def _create_order(
        self, order_number: str, total: Any, user: Any, language: str | None,
        description: str | None, profile: str | None, merchant_name: str | None, *,
        subject_merchant: str | None, subject_fee: SubjectFee | None,
        kwargs: dict[str, Any], fields: dict[str, Any] | None = None,
    ) -> DocdataOrder:
        """create_payment's work; returns the stored order (with ``fields`` set on it)."""
        language = language or get_language() or "en"
        merchant = merchant_name or self.merchant_name
        client = self.client_for(merchant, subject_merchant or None)
        if subject_fee is not None and not subject_merchant:
            raise DocdataValidationError(
                "merchant.subjectMerchant.fee", "a fee needs a subject merchant")
        # Every argument by name, as the old package passed them: overrides written as
        # ``get_create_payment_args(self, *args, **kwargs)`` read them from kwargs.
        args = self.get_create_payment_args(
            order_number=order_number, total=total, user=user, language=language,
            description=description, profile=profile, merchant_name=merchant, **kwargs,
        )
        if subject_fee is not None:
            args["subject_fee"] = subject_fee
        chosen = args.get("order_id")
        if chosen not in (None, "") and str(chosen) != str(order_number):
            reference = str(chosen)
            result = client.create(**args)
        else:
            reference, result = self._create_with_free_reference(
                client, args, str(order_number), merchant
            )
        amount: Amount = args["total_gross_amount"]
        bill_to = args.get("bill_to")
        country = getattr(getattr(bill_to, "address", None), "country_code", None)
        order = DocdataOrder.objects.create(
            merchant_name=merchant,
            subject_merchant_name=subject_merchant or "",
            merchant_order_id=reference,
            order_number=str(order_number),
            order_key=result.order_key,
            total_gross_amount=amount.value,
            currency=amount.currency.upper(),
            language=(language or "")[:2].lower(),
            country=country.upper()[:2] if country else None,
            initial_payment_reference=str(args.get("initial_payment_reference") or ""),
            **(fields or {}),
        )
        logger.info(
            "Docdata order %s created for order %s (merchant %s%s)",
            result.order_key, reference, merchant,
            f", subject merchant {subject_merchant}" if subject_merchant else "",
        )
        return order

    def _create_with_free_reference(
        self, client: Any, args: dict[str, Any], order_number: str, merchant: str
    ) -> tuple[str, CreateResult]:
        """Create with the first free ``<number>``/``<number>-<n>`` reference."""
        taken: set[str] = set()
        for attempt in range(_REFERENCE_ATTEMPTS):
            reference = self.next_merchant_order_id(order_number, merchant, taken=taken)
            try:
                return reference, client.create(**{**args, "order_id": reference})
            except DocdataCreateError as error:
                is_taken = any("not unique" in text.lower() for _code, text in error.errors)
                if not is_taken or attempt == _REFERENCE_ATTEMPTS - 1:
                    raise
                logger.warning(
                    "Docdata merchant order reference %s is taken; trying the next", reference
                )
                taken.add(reference)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def get_create_payment_args(
        self,
        order_number: str,
        total: Any,
        user: Any,
        language: str | None = None,
        description: str | None = None,
        profile: str | None = None,
        merchant_name: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The keyword arguments for ``DocdataClient.create()``: the extension point.

        An override may change any of them, ``order_id`` (the merchant order reference)
        included; see :meth:`create_payment`. The base class needs ``shopper`` (or
        ``company``) and ``bill_to`` value objects in ``kwargs``; the Facade builds them
        from Oscar. Any other DocdataClient.create() keyword argument in ``kwargs``
        (invoice, receiptText, includeCosts, days_to_pay, menu_css_id,
        initial_payment_reference, integration_info) is passed on.
        """
        args: dict[str, Any] = {
            "order_id": str(order_number),
            "total_gross_amount": to_amount(total),
            "shopper": kwargs.pop("shopper", None),
            "bill_to": kwargs.pop("bill_to", None),
            "description": description or str(order_number),
            "profile": profile or docdata_settings.DOCDATA_PROFILE,
            "days_to_pay": kwargs.pop("days_to_pay", None) or docdata_settings.DOCDATA_DAYS_TO_PAY,
        }
        if args["bill_to"] is None:
            raise DocdataValidationError("billTo", "a bill-to name and address is required")
        if args["shopper"] is None and kwargs.get("company") is None:
            raise DocdataValidationError("shopper", "a shopper or a company is required")
        args.update(kwargs)
        return args

    @staticmethod
    def next_merchant_order_id(
        order_number: str, merchant_name: str, *, taken: Iterable[str] = ()
    ) -> str:
        """The first free merchant order reference for ``order_number``.

        ``<number>`` for the first Docdata order, then ``<number>-2``, ``<number>-3``…
        References of stored orders and those in ``taken`` are skipped.
        """
        number = str(order_number)
        skipped = set(taken)
        # Exact candidates, ten per query, found through indexes: a prefix match
        # (startswith) reads every reference of the merchant. The unique (merchant,
        # reference) index covers the references not shared; a shared one (an old
        # package's order, see migration 0003) has its reference as its order number,
        # so the order number's index finds it.
        first = 1
        while True:
            batch = [number if n == 1 else f"{number}-{n}" for n in range(first, first + 10)]
            used = skipped | set(
                DocdataOrder.objects.filter(
                    Q(reference_shared=False) | Q(order_number__in=batch),
                    merchant_name=merchant_name,
                    merchant_order_id__in=batch,
                )
                .order_by()
                .values_list("merchant_order_id", flat=True)
            )
            free = next((candidate for candidate in batch if candidate not in used), None)
            if free is not None:
                return free
            first += 10

    # --- the hosted menu -----------------------------------------------------------------

    def get_payment_menu_url(
        self,
        request: Any,
        order_key: str,
        return_url: str | None = None,
        client_language: str | None = None,
        **extra_url_args: Any,
    ) -> str:
        """The URL of Docdata's payment menu for ``order_key``, with our return URLs.

        The return URLs are ``<return_url or reverse("return_url")>?callback=SUCCESS&
        order_id=<order key>`` (and PENDING, CANCELLED, ERROR), made absolute with the
        request. The order's own merchant is used.
        """
        order = DocdataOrder.objects.filter(order_key=order_key).first()
        client = self.client_for_order(order) if order else self.client
        language = client_language or (order.language if order else None) or get_language()
        # The client's request-first call builds the return URLs.
        return client.get_payment_menu_url(
            request, order_key, return_url, language, **extra_url_args
        )

    # --- direct payments -----------------------------------------------------------------

    @sensitive_variables("payment", "kwargs")
    def start_payment(
        self, order: DocdataOrder | str, payment: Any, payment_method: str | None = None,
        **kwargs: Any,
    ) -> StartResult:
        """Pay ``order`` without the menu (Webdirect); extra kwargs go to DocdataClient.start.

        ``payment_method`` overrides the payment value's own method (e.g. VISA for a card).
        """
        if isinstance(order, str):
            order = DocdataOrder.objects.get(order_key=order)
        if payment_method and payment is not None:
            # A copy, not dataclasses.replace(): subclasses (the old package's
            # AmexPayment …) take other constructor arguments.
            payment = copy.copy(payment)
            payment.payment_method = payment_method
        return self.client_for_order(order).start(order.order_key, payment, **kwargs)

    # --- recurring charges ---------------------------------------------------------------

    def charge_recurring(
        self,
        initial_order: DocdataOrder,
        order_number: str,
        amount: Decimal | Amount,
        description: str | None = None,
        *,
        user: Any = None,
        language: str | None = None,
        profile: str | None = None,
        trigger: str = DocdataStatusChange.TRIGGER_API,
        **kwargs: Any,
    ) -> RecurringCharge:
        """Charge ``amount`` again, without a shopper, on ``initial_order``'s account.

        ``initial_order`` is the first order of a recurring series: it was created with
        ``create_payment(..., initial_payment_reference=...)`` and paid by card or SEPA
        direct debit. A new Docdata order is created for ``order_number`` (reference
        ``<number>``, ``<number>-2``… as for ``create_payment``) with the merchant and
        subject merchant of the initial order, linked to it
        (``recurring_initial_order``), started with ``recurringPaymentRequest`` naming
        the initial payment reference, and its status is pulled and applied. A Decimal
        ``amount`` is in the initial order's currency. ``kwargs`` go to
        ``get_create_payment_args`` as for ``create_payment``: ``shopper``/``company``
        and ``bill_to`` (the Facade builds them from ``billing_address``, ``email``…),
        ``days_to_pay``, …

        Raises (all ``DocdataRecurringError``, the Docdata error chained):
        ``DocdataRecurringReferenceMissing`` before anything is sent when the initial
        order has no reference; ``DocdataRecurringDuplicate`` when a charge of
        ``order_number`` on this series is already paid or under way (a refused one may
        be retried); ``DocdataRecurringCreateError`` when the order could not be
        created (nothing stored); ``DocdataRecurringRefused`` when Docdata refused the
        start (``startErrors`` or a ``paymentError``): the stored order is then
        cancelled at Docdata and stored with that status; and
        ``DocdataRecurringOutcomeUnknown`` when the start's answer never came: the
        order stays as it is until a status pull tells. ``error.order`` is the stored
        order whenever one exists.
        """
        reference = initial_order.initial_payment_reference
        if not reference:
            raise DocdataRecurringReferenceMissing(
                f"Docdata order {initial_order.order_key} has no initial payment reference: "
                "create the first order of a series with initial_payment_reference"
            )
        existing = (
            DocdataOrder.objects.filter(recurring_initial_order=initial_order,
                                        order_number=str(order_number))
            .exclude(status__in=(DocdataOrder.STATUS_CANCELLED, DocdataOrder.STATUS_EXPIRED))
            .order_by("created", "id").first()
        )
        if existing is not None:
            raise DocdataRecurringDuplicate(
                f"order {order_number} was already charged on this series "
                f"(Docdata order {existing.order_key}, {existing.status})",
                order=existing,
            )
        total = amount if isinstance(amount, Amount) else Amount(
            _checked_amount(amount, initial_order.currency), initial_order.currency)
        try:
            order = self._create_order(
                order_number, total, user, language or initial_order.language or None,
                description, profile, initial_order.merchant_name,
                subject_merchant=initial_order.subject_merchant_name or None,
                subject_fee=None, kwargs=kwargs,
                fields={"recurring_initial_order": initial_order},
            )
        except DocdataError as error:
            raise DocdataRecurringCreateError(
                f"the order of the recurring charge {order_number} could not be created: "
                f"{error}"
            ) from error
        client = self.client_for_order(order)
        recurring = RecurringPayment(merchant_reference=reference)
        try:
            result = client.start(order.order_key, recurring=recurring)
        except DocdataRequestError as error:
            self._after_refusal(order, trigger, user)
            first = error.errors[0] if error.errors else None
            raise DocdataRecurringRefused(
                f"the recurring charge of order {order_number} was refused: {error}",
                order=order, error=first,
            ) from error
        except DocdataGatewayError as error:
            if error.request_sent:
                raise DocdataRecurringOutcomeUnknown(
                    f"the recurring charge of order {order_number} was sent, its answer "
                    f"never came ({error.reason}): pull the status before charging again",
                    order=order,
                ) from error
            self._after_refusal(order, trigger, user)
            raise DocdataRecurringRefused(
                f"the recurring charge of order {order_number} could not be sent: "
                f"{error.reason}", order=order,
            ) from error
        response = result.payment_response
        if response.error is not None or response.insufficient_data:
            self._after_refusal(order, trigger, user)
            code, text = response.error or ("INSUFFICIENT_DATA", "insufficient data")
            raise DocdataRecurringRefused(
                f"the recurring charge of order {order_number} was refused: {code}: {text}",
                order=order, error=(code, text),
            )
        logger.info(
            "Docdata order %s: recurring charge of %s %s on %s started (payment %s %s)",
            order.order_key, total.value, total.currency, reference, response.payment_id,
            response.status,
        )
        charge = RecurringCharge(order=order, start=result)
        try:
            charge.update = self.update_order(
                order, trigger=trigger, user=user, note=f"recurring charge of {reference}"
            )
        except DocdataError as error:
            # The charge went through; the next pull (notification, reconcile) applies it.
            logger.warning("Docdata order %s: status after the recurring charge failed: %s",
                           order.order_key, error)
            charge.status_error = error
        return charge

    def _after_refusal(self, order: DocdataOrder, trigger: str, user: Any) -> None:
        """A refused recurring start: cancel the order it was for (and apply its status)."""
        try:
            self.cancel_order(order, trigger=trigger, user=user,
                              note="recurring charge refused")
        except DocdataError as error:  # the refusal matters more: log it, don't raise
            logger.warning("Docdata order %s: cancelling the refused recurring charge "
                           "failed: %s", order.order_key, error)

    # --- status --------------------------------------------------------------------------

    def update_order(
        self, order: DocdataOrder, *, trigger: str = DocdataStatusChange.TRIGGER_API,
        user: Any = None, note: str = "",
    ) -> StatusUpdate:
        """Ask Docdata for the order's status and apply it (idempotent).

        The status call runs outside any transaction; the order's row lock is held only
        while its report is applied. A report of a call that started before the one whose
        report was applied last is not applied (an update without changes). Gateway errors
        propagate with nothing written.
        """
        return self._pull_and_apply(order, trigger=trigger, user=user, note=note)

    def cancel_order(
        self, order: DocdataOrder, *, trigger: str = DocdataStatusChange.TRIGGER_API,
        user: Any = None, note: str = "",
    ) -> CancelResult:
        """Cancel the order at Docdata, then apply its status with intended ``cancelled``.

        The order only becomes cancelled when the report shows no money authorized or
        received. Returns Docdata's cancel result (SUCCESS, ALREADY_CANCELED, NO_PAYMENTS,
        FAILED, PENDING). Neither call to Docdata holds the order's row lock.
        """
        client = self.client_for_order(order)
        result = client.cancel(order.order_key)
        logger.info("Docdata order %s: cancel answered %s", order.order_key, result.result)
        self._pull_and_apply(
            order, trigger=trigger, user=user, note=note,
            intended_status=DocdataOrder.STATUS_CANCELLED,
        )
        return result

    def expire_order(
        self, order: DocdataOrder, *, trigger: str = DocdataStatusChange.TRIGGER_COMMAND,
        user: Any = None, note: str = "expired by age",
    ) -> StatusUpdate | None:
        """Apply the order's status with intended ``expired`` (status rules 5 and 7).

        Docdata's report cannot tell an abandoned order from a new one, so shops expire
        by age; the status is still pulled first (without the row lock), and an order
        with money authorized or received takes that status instead. Returns None when
        the order is no longer ``new``/``in_progress``, before the status call or under
        the row lock when the report would be applied.
        """
        self.client_for_order(order)  # a misconfigured order fails first
        current = DocdataOrder.objects.get(pk=order.pk)
        if current.status not in EXPIRABLE_STATUSES:
            # Nothing to expire, so no status call (the caller's copy may be old).
            copy_state(current, order)
            return None
        return self._pull_and_apply(
            order, trigger=trigger, user=user, note=note,
            intended_status=DocdataOrder.STATUS_EXPIRED, only_from=EXPIRABLE_STATUSES,
        )

    def order_status_changed(
        self, docdata_order: DocdataOrder, old_status: str, new_status: str
    ) -> None:
        """Hook called inside the transaction when the status changed.

        The signal ``order_status_changed`` is sent after commit whether or not an
        override calls ``super()``.
        """

    # --- capture and refund --------------------------------------------------------------

    def capture(
        self,
        order: DocdataOrder,
        amount: Decimal | None = None,
        payment: DocdataPayment | int | None = None,
        *,
        trigger: str = DocdataStatusChange.TRIGGER_API,
        user: Any = None,
        request_key: str | None = None,
        **capture_args: Any,
    ) -> MoneyResult:
        """Capture ``amount`` (default: all that is authorized and not yet captured).

        With ``payment`` only that payment, else the order's authorized payments in
        payment id order. Other keyword arguments go to ``DocdataClient.capture``
        (merchant_capture_reference, final_capture, …). See :meth:`refund` for how the
        request is recorded, what is raised and what is returned.
        """
        return self._move_money(
            DocdataMoneyRequest.KIND_CAPTURE, order, amount, payment, trigger=trigger,
            user=user, request_key=request_key, args=capture_args,
        )

    @sensitive_variables("refund_args")
    def refund(
        self,
        order: DocdataOrder,
        amount: Decimal | None = None,
        payment: DocdataPayment | int | None = None,
        *,
        trigger: str = DocdataStatusChange.TRIGGER_API,
        user: Any = None,
        request_key: str | None = None,
        **refund_args: Any,
    ) -> MoneyResult:
        """Refund ``amount`` (default: all that is captured and not yet refunded).

        Each part (one per payment) is recorded as a ``DocdataMoneyRequest`` with a
        unique merchant reference and committed before it is sent; what is available
        already subtracts captures and refunds Docdata has not finished. Then the
        status is pulled; a failing pull keeps what was recorded
        (``MoneyResult.status_error``).

        ``request_key`` names one submission (e.g. of a form): a second call with the
        same key raises ``DocdataDuplicateRequest`` and sends nothing. Raises
        ``DocdataMoneyBlocked`` while an earlier request of the order is unsettled,
        the operation's ``DocdataRequestError`` when Docdata refused (nothing moved),
        ``DocdataOutcomeUnknown`` when the answer never came, and
        ``DocdataPartialFailure`` when only some parts went through.
        """
        return self._move_money(
            DocdataMoneyRequest.KIND_REFUND, order, amount, payment, trigger=trigger,
            user=user, request_key=request_key, args=refund_args,
        )

    @staticmethod
    def available(payment: DocdataPayment, operation: str) -> Decimal:
        """What can still be captured or refunded on ``payment`` (pending ones subtracted)."""
        return money_requests.available(payment, operation)

    @sensitive_variables("args")
    def _move_money(
        self,
        operation: str,
        order: DocdataOrder,
        amount: Decimal | None,
        payment: DocdataPayment | int | None,
        *,
        trigger: str,
        user: Any,
        request_key: str | None,
        args: dict[str, Any],
    ) -> MoneyResult:
        client = self.client_for_order(order)
        requests = self._record_requests(operation, order, amount, payment, user,
                                         request_key or uuid.uuid4().hex, args)
        reference_arg = f"merchant_{operation}_reference"
        args = {key: val for key, val in args.items() if key != reference_arg}
        call = client.capture if operation == DocdataMoneyRequest.KIND_CAPTURE else client.refund
        failure: Exception | None = None
        for request in requests:
            if failure is not None:
                _set_state(request, DocdataMoneyRequest.STATE_NOT_SENT, "an earlier part failed")
                continue
            failure = self._send(call, request, args, order)
        result = MoneyResult(operation=operation, requests=requests)
        moved = [r for r in requests if r.state == DocdataMoneyRequest.STATE_ACCEPTED]
        if moved:
            try:
                result.update = self.update_order(order, trigger=trigger, user=user,
                                                  note=money_note(operation, moved))
            except DocdataError as error:
                # What Docdata accepted stays recorded; the next pull settles it.
                logger.warning("Docdata order %s: status after %s failed: %s",
                               order.order_key, operation, error)
                result.status_error = error
            for request in requests:
                request.refresh_from_db(fields=["state", "docdata_status", "reason", "updated"])
        if failure is None:
            return result
        if not moved:
            if isinstance(failure, DocdataGatewayError) and failure.request_sent:
                raise DocdataOutcomeUnknown(failure.operation, failure.reason, requests)
            raise failure
        raise DocdataPartialFailure(operation, requests, failure)

    @staticmethod
    @sensitive_variables("args")
    def _send(call: Any, request: DocdataMoneyRequest, args: dict[str, Any],
              order: DocdataOrder) -> Exception | None:
        """Send one recorded request and record what came back; return its failure."""
        reference = {f"merchant_{request.kind}_reference": request.reference}
        try:
            call(request.payment.payment_id, Amount(request.amount, request.currency),
                 **args, **reference)
        except DocdataRequestError as error:
            _set_state(request, DocdataMoneyRequest.STATE_REFUSED, str(error))
            return error
        except DocdataGatewayError as error:
            state = (DocdataMoneyRequest.STATE_UNKNOWN if error.request_sent
                     else DocdataMoneyRequest.STATE_NOT_SENT)
            _set_state(request, state, error.reason)
            return error
        except BaseException as error:
            # Anything else after the call began (a bug, an interrupt): the money
            # may have moved, so the request stays "outcome unknown".
            _set_state(request, DocdataMoneyRequest.STATE_UNKNOWN, type(error).__name__)
            raise
        _set_state(request, DocdataMoneyRequest.STATE_ACCEPTED, "")
        logger.info(
            "Docdata order %s: %s of %s %s on payment %s accepted (reference %s)",
            order.order_key, request.kind, request.amount, request.currency,
            request.payment.payment_id, request.reference,
        )
        return None

    def _record_requests(
        self,
        operation: str,
        order: DocdataOrder,
        amount: Decimal | None,
        payment: DocdataPayment | int | None,
        user: Any,
        request_key: str,
        args: dict[str, Any],
    ) -> list[DocdataMoneyRequest]:
        """Record the parts of one capture or refund, committed before any is sent.

        The order's row lock serialises this with every other request and report of
        the order, so two submissions never both see the same money available.
        """
        given_reference = args.get(f"merchant_{operation}_reference")
        with self._locked(order) as locked:
            # A reference of the caller's names one request too (references are unique).
            same = Q(docdata_order=locked, request_key=request_key)
            if given_reference:
                same |= Q(reference=str(given_reference)[:35])
            earlier = list(DocdataMoneyRequest.objects.filter(same))
            if earlier:
                raise DocdataDuplicateRequest(request_key, earlier)
            if money_requests.unsettled(locked).exists():
                raise DocdataMoneyBlocked(
                    f"an earlier capture or refund of order {locked.order_key} is being "
                    "sent or its outcome is unknown: refresh the status first"
                )
            portions = self._portions(operation, locked, amount, payment)
            requests = []
            for index, portion in enumerate(portions):
                reference = (
                    str(given_reference)[:35] if given_reference and len(portions) == 1
                    else _reference(operation, request_key, index)
                )
                currency = (portion.payment.currency or locked.currency).upper()
                requests.append(DocdataMoneyRequest.objects.create(
                    docdata_order=locked, payment=portion.payment, kind=operation,
                    amount=from_minor_units(to_minor_units(portion.amount, currency), currency),
                    currency=currency,
                    reference=reference, request_key=request_key,
                    user=user if getattr(user, "is_authenticated", False) else None,
                ))
        return requests

    def _portions(
        self,
        operation: str,
        order: DocdataOrder,
        amount: Decimal | None,
        payment: DocdataPayment | int | None,
    ) -> list[_Portion]:
        if payment is not None:
            payment_id = payment.payment_id if isinstance(payment, DocdataPayment) else payment
            try:
                payments = [order.payments.get(payment_id=int(payment_id))]
            except (DocdataPayment.DoesNotExist, TypeError, ValueError):
                raise DocdataAmountError(
                    "payment", f"payment {payment_id} does not belong to order {order.order_key}"
                ) from None
        else:
            payments = list(order.payments.order_by("payment_id"))
        open_payments = [(p, self.available(p, operation)) for p in payments]
        open_payments = [(p, left) for p, left in open_payments if left > 0]
        total_left = sum((left for _p, left in open_payments), Decimal(0))
        if not open_payments:
            raise DocdataAmountError("amount", f"nothing left to {operation}")
        if amount is None:
            return [_Portion(p, left) for p, left in open_payments]

        currency = open_payments[0][0].currency or order.currency
        amount = _checked_amount(amount, currency)
        if amount > total_left:
            raise DocdataAmountError(
                "amount",
                f"{amount} {currency} is more than the {total_left} available to {operation}",
            )
        portions: list[_Portion] = []
        remaining = amount
        for p, left in open_payments:
            part = min(left, remaining)
            portions.append(_Portion(p, part))
            remaining -= part
            if not remaining:
                break
        return portions

    # --- shared --------------------------------------------------------------------------

    @contextmanager
    def _locked(self, order: DocdataOrder) -> Iterator[DocdataOrder]:
        """A transaction holding ``order``'s row lock; yields the locked, fresh row.

        The merchant's credentials are checked first so that a misconfigured order
        fails before anything is sent or written.
        """
        self.client_for_order(order)
        with transaction.atomic():
            yield DocdataOrder.objects.select_for_update().get(pk=order.pk)

    def _pull_and_apply(
        self, order: DocdataOrder, *, intended_status: str | None = None,
        only_from: tuple[str, ...] | None = None, **kwargs: Any,
    ) -> Any:
        """Pull the status without any lock, then apply it under the order's row lock.

        With an intended status a stale report is pulled again (a few times): the newer
        report that made it stale was applied without the intention. ``only_from``: the
        statuses the locked order must still have, else nothing is applied (None).
        """
        client = self.client_for_order(order)
        attempts = _STALE_ATTEMPTS if intended_status else 1
        for attempt in range(1, attempts + 1):
            started = timezone.now()
            report = client.status(order.order_key)
            with self._locked(order) as locked:
                if only_from is not None and locked.status not in only_from:
                    update = None
                    break
                stale = not self._is_newest(locked, started)
                if stale:
                    update = StatusUpdate(
                        order=locked, old_status=locked.status, new_status=locked.status
                    )
                    if attempt < attempts:
                        continue
                    break
                # The pull's start dates the report (e.g. for settling unknown captures).
                update = self._apply(
                    locked, report, intended_status=intended_status, now=started, **kwargs
                )
                # A queryset UPDATE: ``updated`` stays as it is, a pull is not a change.
                DocdataOrder.objects.filter(pk=locked.pk).update(status_report_pulled=started)
                locked.status_report_pulled = started
                break
        copy_state(locked, order)
        return update

    @staticmethod
    def _is_newest(locked: DocdataOrder, started: datetime) -> bool:
        """Whether a report of a call started at ``started`` may be applied to ``locked``."""
        applied = locked.status_report_pulled
        if applied is None or started >= applied:
            return True
        logger.info(
            "Docdata order %s: report of a status call started %s not applied: one of a "
            "call started %s was applied already", locked.order_key, started.isoformat(),
            applied.isoformat(),
        )
        return False

    def _apply(self, locked: DocdataOrder, report: Any, **kwargs: Any) -> StatusUpdate:
        return apply_report(
            locked, report, status_hook=self.order_status_changed, **kwargs
        )


def to_amount(total: Any) -> Amount:
    """An ``Amount`` from an Amount or an Oscar ``Price`` (its ``incl_tax``)."""
    if isinstance(total, Amount):
        return total
    incl_tax = getattr(total, "incl_tax", None)
    currency = getattr(total, "currency", None)
    if incl_tax is None or not currency:
        raise DocdataValidationError(
            "totalGrossAmount", f"expected an Amount or an Oscar Price, got {total!r}"
        )
    return Amount(incl_tax, currency)


def _checked_amount(amount: Any, currency: str) -> Decimal:
    """``amount`` as a Decimal the currency can hold, > 0; floats are refused."""
    minor = to_minor_units(amount, currency)  # refuses floats and non-numbers
    value = Decimal(amount)
    if minor <= 0:
        raise DocdataAmountError("amount", f"{amount} must be more than zero")
    if value != from_minor_units(minor, currency):
        decimals = currency_exponent(currency)
        raise DocdataAmountError(
            "amount", f"{amount} has more than {decimals} decimals in {currency}"
        )
    return from_minor_units(minor, currency)
