"""The shop-facing API: create, start, cancel, update, capture and refund Docdata orders.

``Interface`` knows Docdata and the plugin's models, but not Oscar; ``oscar_docdata.facade.
Facade`` adds Oscar (baskets, addresses, users). Shops use ``get_facade()``.

Every call about an existing order uses the credentials of that order's own merchant,
so orders of sub-accounts keep working when the shop's default merchant changes.

``Interface`` is what shops call and override; the work is done in :mod:`.order_creation`,
:mod:`.status_pulls`, :mod:`.money_movements`, :mod:`.recurring` and :mod:`.amounts`.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_variables

from oscar_docdata import money_movements, money_requests, order_creation, recurring, status_pulls
from oscar_docdata.amounts import to_amount  # noqa: F401 - imported from here (Facade)
from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.exceptions import DocdataAmountError  # noqa: F401 - imported from here
from oscar_docdata.gateway.menu import RETURN_CALLBACKS
from oscar_docdata.gateway.results import CancelResult, StartResult
from oscar_docdata.gateway.values import Amount, SubjectFee, SubjectMerchant
from oscar_docdata.models import (
    DocdataMoneyRequest,
    DocdataOrder,
    DocdataPayment,
    DocdataStatusChange,
)
from oscar_docdata.money_movements import MoneyResult, money_note  # noqa: F401 - their old home
from oscar_docdata.recurring import RecurringCharge
from oscar_docdata.status_pulls import EXPIRABLE_STATUSES  # noqa: F401 - imported from here
from oscar_docdata.updater import StatusUpdate

if TYPE_CHECKING:  # the gateway's client loads zeep: start-up must not (tests/test_startup.py)
    from oscar_docdata.gateway.client import DocdataClient

#: The callbacks of the shopper's return URL.
CALLBACKS = tuple(RETURN_CALLBACKS.values())


class Interface:
    """Docdata operations for the shop, one merchant account by default.

    ``merchant_name``/``merchant_password`` default to ``DOCDATA_MERCHANT_NAME`` and its
    password; ``testing_mode`` defaults to ``DOCDATA_TESTING``.
    """

    #: The gateway client class; None means ``oscar_docdata.gateway.DocdataClient``.
    client_class: type[DocdataClient] | None = None

    @sensitive_variables("merchant_password")
    def __init__(self, testing_mode: bool | None = None, merchant_name: str | None = None,
                 merchant_password: str | None = None):
        self.testing_mode = testing_mode
        self.merchant_name = merchant_name or docdata_settings.DOCDATA_MERCHANT_NAME
        self.merchant_password = merchant_password
        self._client: DocdataClient | None = None

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
    def client(self) -> DocdataClient:
        """The client (a DocdataClient) of this interface's own merchant."""
        if self._client is None:
            password = (self.merchant_password
                        or docdata_settings.merchant_password(self.merchant_name))
            self._client = self.get_client_class()(
                self.testing_mode, merchant_name=self.merchant_name, merchant_password=password
            )
        return self._client

    def get_client_class(self) -> type[DocdataClient]:
        if self.client_class is not None:
            return self.client_class
        # Late: the client's module loads zeep, which start-up must not (test_startup.py).
        from oscar_docdata.gateway import DocdataClient

        return DocdataClient

    @sensitive_variables("password", "subject")
    def client_for(
        self, merchant_name: str, subject_merchant_name: str | None = None
    ) -> DocdataClient:
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
        subject = SubjectMerchant(
            subject_merchant_name, docdata_settings.subject_merchant_token(subject_merchant_name)
        )
        return self.get_client_class()(
            self.testing_mode, merchant_name=merchant_name, merchant_password=password,
            subject_merchant=subject,
        )

    def client_for_order(self, order: DocdataOrder) -> DocdataClient:
        """The client of ``order``'s merchant and subject merchant (see ``client_for``)."""
        return self.client_for(order.merchant_name, order.subject_merchant_name or None)

    # --- create --------------------------------------------------------------------------

    def create_payment(
        self, order_number: str, total: Any, user: Any, language: str | None = None,
        description: str | None = None, profile: str | None = None,
        merchant_name: str | None = None, *, subject_merchant: str | None = None,
        subject_fee: SubjectFee | None = None, **kwargs: Any,
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
        return order_creation.create(
            self, order_number, total, user, language, description, profile, merchant_name,
            subject_merchant=subject_merchant, subject_fee=subject_fee, kwargs=kwargs,
        ).order_key

    def get_create_payment_args(
        self, order_number: str, total: Any, user: Any, language: str | None = None,
        description: str | None = None, profile: str | None = None,
        merchant_name: str | None = None, **kwargs: Any,
    ) -> dict[str, Any]:
        """The keyword arguments for ``DocdataClient.create()``: the extension point.

        An override may change any of them, ``order_id`` (the merchant order reference)
        included; see :meth:`create_payment`. The base class needs ``shopper`` (or
        ``company``) and ``bill_to`` value objects in ``kwargs``; the Facade builds them
        from Oscar. Any other DocdataClient.create() keyword argument in ``kwargs``
        (invoice, receiptText, includeCosts, days_to_pay, menu_css_id,
        initial_payment_reference, integration_info) is passed on.
        """
        return order_creation.default_args(order_number, total, description, profile, kwargs)

    @staticmethod
    def next_merchant_order_id(
        order_number: str, merchant_name: str, *, taken: Iterable[str] = ()
    ) -> str:
        """The first free merchant order reference for ``order_number``.

        ``<number>`` for the first Docdata order, then ``<number>-2``, ``<number>-3``…
        References of stored orders and those in ``taken`` are skipped.
        """
        return order_creation.next_free_reference(order_number, merchant_name, taken=taken)

    # --- the hosted menu -----------------------------------------------------------------

    def get_payment_menu_url(
        self, request: Any, order_key: str, return_url: str | None = None,
        client_language: str | None = None, **extra_url_args: Any,
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
        found: DocdataOrder = (DocdataOrder.objects.get(order_key=order)
                               if isinstance(order, str) else order)
        if payment_method and payment is not None:
            # A copy, not dataclasses.replace(): subclasses (the old package's
            # AmexPayment …) take other constructor arguments.
            payment = copy.copy(payment)
            payment.payment_method = payment_method
        return self.client_for_order(found).start(found.order_key, payment, **kwargs)

    # --- recurring charges ---------------------------------------------------------------

    def charge_recurring(
        self, initial_order: DocdataOrder, order_number: str, amount: Decimal | Amount,
        description: str | None = None, *, user: Any = None, language: str | None = None,
        profile: str | None = None, trigger: str = DocdataStatusChange.TRIGGER_API,
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
        return recurring.charge(
            self, initial_order, order_number, amount, description, user=user,
            language=language, profile=profile, trigger=trigger, kwargs=kwargs,
        )

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
        return status_pulls.update(self, order, trigger=trigger, user=user, note=note)

    def cancel_order(
        self, order: DocdataOrder, *, trigger: str = DocdataStatusChange.TRIGGER_API,
        user: Any = None, note: str = "",
    ) -> CancelResult:
        """Cancel the order at Docdata, then apply its status with intended ``cancelled``.

        The order only becomes cancelled when the report shows no money authorized or
        received. Returns Docdata's cancel result (SUCCESS, ALREADY_CANCELED, NO_PAYMENTS,
        FAILED, PENDING). Neither call to Docdata holds the order's row lock.
        """
        return status_pulls.cancel(self, order, trigger=trigger, user=user, note=note)

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
        return status_pulls.expire(self, order, trigger=trigger, user=user, note=note)

    def order_status_changed(
        self, docdata_order: DocdataOrder, old_status: str, new_status: str
    ) -> None:
        """Hook called inside the transaction when the status changed.

        The signal ``order_status_changed`` is sent after commit whether or not an
        override calls ``super()``.
        """

    # --- capture and refund --------------------------------------------------------------

    def capture(
        self, order: DocdataOrder, amount: Decimal | None = None,
        payment: DocdataPayment | int | None = None, *,
        trigger: str = DocdataStatusChange.TRIGGER_API, user: Any = None,
        request_key: str | None = None, **capture_args: Any,
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
        self, order: DocdataOrder, amount: Decimal | None = None,
        payment: DocdataPayment | int | None = None, *,
        trigger: str = DocdataStatusChange.TRIGGER_API, user: Any = None,
        request_key: str | None = None, **refund_args: Any,
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
        self, operation: str, order: DocdataOrder, amount: Decimal | None,
        payment: DocdataPayment | int | None, *, trigger: str, user: Any,
        request_key: str | None, args: dict[str, Any],
    ) -> MoneyResult:
        """Record the parts under the order's row lock, send them, pull the status."""
        client = self.client_for_order(order)
        request_key = request_key or uuid.uuid4().hex
        with status_pulls.locked(self, order) as locked:
            requests = money_movements.record(
                operation, locked, amount, payment, user=user, request_key=request_key,
                given_reference=args.get(f"merchant_{operation}_reference"),
                available=self.available,
            )
        failure = money_movements.send_all(client, operation, requests, args, order)

        def pull_status(note: str) -> StatusUpdate:
            return self.update_order(order, trigger=trigger, user=user, note=note)

        return money_movements.finish(MoneyResult(operation=operation, requests=requests),
                                      failure, order, pull_status)
