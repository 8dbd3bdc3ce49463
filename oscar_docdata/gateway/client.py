"""``DocdataClient``: the nine operations of Docdata's Order API 1.3 and the menu URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, overload

import requests
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from oscar_docdata.appsettings import LIVE_BASE_URL, TEST_BASE_URL, docdata_settings
from oscar_docdata.exceptions import (
    DocdataGatewayError,
    DocdataRequestError,
)

from . import builders, parsing, report_parsing, results, transport
from .legacy import LegacyClientAPI, is_request_call, menu_url_for_request
from .menu import payment_menu_url
from .network_errors import network_reason, never_sent
from .redaction import secrets_in
from .values import (
    Amount,
    Company,
    Destination,
    IntegrationInfo,
    Invoice,
    RecurringPayment,
    RefundBankAccount,
    RefundItems,
    Shopper,
    ShopperInfo,
    SubjectFee,
    SubjectMerchant,
)

logger = logging.getLogger("oscar_docdata")

T = TypeVar("T")


class DocdataClient(LegacyClientAPI):
    """A client of Docdata's Order API 1.3 for one merchant.

    Credentials default to DOCDATA_MERCHANT_NAME / DOCDATA_MERCHANT_PASSWORD; a
    merchant name without a password takes it from DOCDATA_MERCHANT_PASSWORDS.
    With ``subject_merchant`` (a ``SubjectMerchant``, or a name whose token is in
    DOCDATA_SUBJECT_MERCHANT_TOKENS) every call acts for that sub-merchant: each request
    carries ``merchant/subjectMerchant``. Constructing a client touches no network and
    parses nothing. The old client's ``STATUS_*`` and ``PAYMENT_METHOD_*`` constants are
    inherited (see :mod:`.legacy`).
    """

    merchant_name: str

    @sensitive_variables()
    def __init__(self, testing_mode: bool | None = None, merchant_name: str | None = None,
                 merchant_password: str | None = None, *,
                 subject_merchant: SubjectMerchant | str | None = None):
        self._testing_mode = testing_mode
        name = merchant_name or docdata_settings.DOCDATA_MERCHANT_NAME
        if not name:
            raise ImproperlyConfigured("DOCDATA_MERCHANT_NAME is not set")
        if merchant_password is None:
            merchant_password = docdata_settings.merchant_password(name)
        self.set_merchant(name, merchant_password)
        self.set_subject_merchant(subject_merchant)

    @classmethod
    @sensitive_variables()
    def for_merchant(cls, merchant_name: str, testing_mode: bool | None = None, *,
                     subject_merchant: SubjectMerchant | str | None = None
                     ) -> DocdataClient:
        """A client for ``merchant_name`` with its password from the settings (and
        ``subject_merchant``, a name's token also from the settings)."""
        password = docdata_settings.merchant_password(merchant_name)
        return cls(testing_mode=testing_mode, merchant_name=merchant_name,
                   merchant_password=password, subject_merchant=subject_merchant)

    @sensitive_variables("password")
    def set_merchant(self, name: str, password: str) -> None:
        """Send the following calls as merchant ``name`` with ``password``."""
        if not name or not password:
            raise ImproperlyConfigured("set_merchant() needs a merchant name and its password")
        self.merchant_name = name
        self._password = password

    @sensitive_variables("value", "token")
    def set_subject_merchant(self, value: SubjectMerchant | str | None) -> None:
        """Act for subject merchant ``value`` in the following calls (None: for nobody).

        A name takes its token from DOCDATA_SUBJECT_MERCHANT_TOKENS (InvalidSubjectMerchant,
        an ImproperlyConfigured, when it has none).
        """
        if value is None or value == "":
            self._subject = None
            return
        if isinstance(value, str):
            value = SubjectMerchant(value, docdata_settings.subject_merchant_token(value))
        if not isinstance(value, SubjectMerchant):
            raise TypeError(f"expected a SubjectMerchant or a name, got {type(value).__name__}")
        self._subject = value

    @property
    def subject_merchant_name(self) -> str | None:
        """The name of the subject merchant this client acts for, or None."""
        subject = getattr(self, "_subject", None)
        return subject.name if subject is not None else None

    def __repr__(self) -> str:
        # Never the password, nor the subject merchant's token.
        subject = self.subject_merchant_name
        extra = f" subject_merchant={subject!r}" if subject else ""
        return (f"<{type(self).__name__} merchant={getattr(self, 'merchant_name', None)!r}"
                f"{extra} base_url={self.base_url!r}>")

    @property
    def testing_mode(self) -> bool:
        if self._testing_mode is None:
            return bool(docdata_settings.DOCDATA_TESTING)
        return bool(self._testing_mode)

    @property
    def base_url(self) -> str:
        """DOCDATA_BASE_URL when set, else the test or live host (read on every access)."""
        if docdata_settings.DOCDATA_BASE_URL or self._testing_mode is None:
            return docdata_settings.base_url
        return TEST_BASE_URL if self._testing_mode else LIVE_BASE_URL

    @property
    def endpoint_url(self) -> str:
        return transport.endpoint_url(self.base_url)

    # --- plumbing ------------------------------------------------------------------

    @sensitive_variables()
    def _payload(self, payload: dict[str, Any], info: IntegrationInfo | None = None,
                 fee: SubjectFee | None = None) -> dict[str, Any]:
        base = builders.base_request(self.merchant_name, self._password, info,
                                     subject=getattr(self, "_subject", None), fee=fee)
        return {**base, **payload}

    @property
    def _who(self) -> str:
        """The merchant as logs name it: ``shop`` or ``shop (for subject merchant sub)``."""
        subject = self.subject_merchant_name
        return f"{self.merchant_name} (for subject merchant {subject})" if subject \
            else self.merchant_name

    @sensitive_variables("payload")
    def build_envelope(self, operation: str, payload: dict[str, Any],
                       info: IntegrationInfo | None = None, fee: SubjectFee | None = None):
        """The request envelope (lxml) of ``operation`` for ``payload``, not sent."""
        return transport.build_envelope(self.endpoint_url, operation,
                                        self._payload(payload, info, fee))

    @sensitive_variables("payload", "full_payload", "secrets")
    def _call(self, operation: str, payload: dict[str, Any], reader: Callable[..., T],
              subject: str, info: IntegrationInfo | None = None,
              fee: SubjectFee | None = None) -> T:
        """Send ``operation`` once and read its reply; log the event."""
        timeout = transport.call_timeout()
        full_payload = self._payload(payload, info, fee)
        secrets = secrets_in(full_payload)
        context = {"operation": operation, "merchant": self.merchant_name, "subject": subject}
        if self.subject_merchant_name:
            context["subject_merchant"] = self.subject_merchant_name
        try:
            response = transport.send(self.endpoint_url, operation, full_payload, secrets)
        except requests.RequestException as error:
            reason = network_reason(error, timeout, secrets)
            logger.error("Docdata %s for merchant %s (%s) failed: %s", operation,
                         self._who, subject, reason, extra={"docdata": context})
            raise DocdataGatewayError(
                operation, reason, request_sent=not never_sent(error)
            ) from None
        try:
            reply = parsing.read_reply(operation, response, secrets)
            result = parsing.parse(operation, reader, reply)
        except DocdataRequestError as error:
            logger.warning("Docdata %s for merchant %s (%s) was refused: %s", operation,
                           self._who, subject,
                           "; ".join(f"{code}: {text}" for code, text in error.errors),
                           extra={"docdata": context})
            raise
        except DocdataGatewayError as error:
            logger.error("Docdata %s for merchant %s (%s) failed: %s", operation,
                         self._who, subject, error.reason,
                         extra={"docdata": context})
            raise
        return result

    @staticmethod
    def _log_success(operation: str, merchant: str, subject: str, outcome: str) -> None:
        logger.info("Docdata %s for merchant %s (%s): %s", operation, merchant, subject,
                    outcome)

    # --- operations ------------------------------------------------------------------

    def create(self, order_id, total_gross_amount: Amount, shopper: Shopper | None,
               bill_to: Destination, description=None, invoice: Invoice | None = None,
               receiptText=None, includeCosts=False, profile=None,  # noqa: N803 - old API
               days_to_pay=None, *, company: Company | None = None,
               menu_css_id: int | None = None, initial_payment_reference: str | None = None,
               integration_info: IntegrationInfo | None = None,
               subject_fee: SubjectFee | None = None) -> results.CreateResult:
        """Register a payment order; returns its order key.

        ``initial_payment_reference`` (paymentRequest/initialPaymentReference/
        merchantReference) marks the first order of a recurring series. ``subject_fee``
        (``merchant/subjectMerchant/fee``) needs a client with a subject merchant.
        """
        payload = builders.create(
            order_id=order_id, total_gross_amount=total_gross_amount, shopper_value=shopper,
            company_value=company, bill_to=bill_to, description=description,
            invoice_value=invoice, receipt_text=receiptText, include_costs=includeCosts,
            profile=profile, days_to_pay=days_to_pay, menu_css_id=menu_css_id,
            initial_payment_reference=initial_payment_reference)
        reference = payload["merchantOrderReference"]
        result = self._call("create", payload, parsing.create_result(reference),
                            f"order {reference}", integration_info, subject_fee)
        self._log_success("create", self._who, f"order {reference}",
                          f"order key {result.order_key}")
        return result

    @sensitive_variables("payment", "token_key", "payload")
    def start(self, order_key, payment=None, *, payment_amount: Amount | None = None,
              recurring: RecurringPayment | None = None, token_key: str | None = None,
              return_url: str | None = None, shopper_info: ShopperInfo | None = None
              ) -> results.StartResult:
        """Pay an order directly (Webdirect), by token, or charge a recurring payment."""
        payload = builders.start(order_key_value=order_key, payment=payment,
                                 payment_amount=payment_amount, recurring=recurring,
                                 token_key=token_key, return_url=return_url,
                                 shopper_info=shopper_info)
        subject = f"order key {payload['paymentOrderKey']}"
        result = self._call("start", payload, parsing.start_result, subject)
        self._log_success("start", self._who, subject,
                          _describe_payment_response(result.payment_response))
        return result

    @sensitive_variables("authentication", "payload")
    def proceed(self, payment_id: int, authentication) -> results.ProceedResult:
        """Continue a started payment with the shopper's authentication result."""
        payload = builders.proceed(payment_id=payment_id, authentication=authentication)
        subject = f"payment {payload['paymentId']}"
        result = self._call("proceed", payload, parsing.proceed_result, subject)
        self._log_success("proceed", self._who, subject,
                          _describe_payment_response(result.payment_response))
        return result

    def cancel(self, order_key) -> results.CancelResult:
        """Cancel an order that is not captured; the result says what happened."""
        payload = builders.order_key_only(order_key)
        subject = f"order key {payload['paymentOrderKey']}"
        result = self._call("cancel", payload, parsing.cancel_result, subject)
        self._log_success("cancel", self._who, subject, result.result)
        return result

    def capture(self, payment_id: int, amount: Amount | None = None, *,
                merchant_capture_reference=None, item_code=None, description=None,
                final_capture=None, cancel_reserved=None,
                required_capture_date: date | str | None = None) -> results.CaptureResult:
        """Capture (part of) an authorized payment; no amount captures the rest."""
        payload = builders.capture(
            payment_id=payment_id, amount_value=amount, reference=merchant_capture_reference,
            item_code=item_code, description=description, final_capture=final_capture,
            cancel_reserved=cancel_reserved, required_date=required_capture_date)
        subject = f"payment {payload['paymentId']}"
        result = self._call("capture", payload, parsing.capture_result, subject)
        self._log_success("capture", self._who, subject, _describe_amount(amount))
        return result

    @sensitive_variables("refund_bank_account", "payload")
    def refund(self, payment_id: int, amount: Amount | None = None, *,
               merchant_refund_reference=None, item_code=None, description=None,
               refund_items: RefundItems | None = None, cancel_reserved=None,
               required_refund_date: date | str | None = None,
               refund_bank_account: RefundBankAccount | None = None) -> results.RefundResult:
        """Refund (part of) a captured payment, by amount or by invoice lines."""
        payload = builders.refund(
            payment_id=payment_id, amount_value=amount, reference=merchant_refund_reference,
            item_code=item_code, description=description, refund_items=refund_items,
            cancel_reserved=cancel_reserved, required_date=required_refund_date,
            bank_account=refund_bank_account)
        subject = f"payment {payload['paymentId']}"
        result = self._call("refund", payload, parsing.refund_result, subject)
        self._log_success("refund", self._who, subject,
                          "items" if refund_items is not None else _describe_amount(amount))
        return result

    def _status(self, operation: str, order_key) -> results.StatusReport:
        payload = builders.order_key_only(order_key)
        key = payload["paymentOrderKey"]
        report = self._call(operation, payload, report_parsing.status_report(key),
                            f"order key {key}")
        totals = report.totals
        self._log_success(operation, self._who, f"order key {key}",
                          f"{len(report.payments)} payment(s), registered {totals.registered},"
                          f" approved {totals.acquirer_approved}, captured {totals.captured},"
                          f" refunded {totals.refunded}, charged back {totals.charged_back}")
        return report

    def status(self, order_key) -> results.StatusReport:
        """The order's report: totals and every payment attempt (sorted by id)."""
        return self._status("status", order_key)

    def status_extended(self, order_key) -> results.StatusReport:
        """The report with method details per payment (``PaymentLine.extended``)."""
        return self._status("statusExtended", order_key)

    def list_payment_methods(self, order_key) -> list[results.PaymentMethod]:
        """The methods available for an order, with iDEAL issuers and SEPA mandates."""
        payload = builders.order_key_only(order_key)
        subject = f"order key {payload['paymentOrderKey']}"
        methods = self._call("listPaymentMethods", payload, parsing.payment_methods, subject)
        self._log_success("listPaymentMethods", self._who, subject,
                          ", ".join(method.name for method in methods) or "none")
        return methods

    @overload
    def get_payment_menu_url(self, order_key: str, client_language: str | None = None, *,
                             return_url_success: str | None = None,
                             return_url_pending: str | None = None,
                             return_url_canceled: str | None = None,
                             return_url_error: str | None = None,
                             default_pm: str | None = None, default_act: Any = None,
                             ideal_issuer_id: str | None = None, **extra: Any) -> str: ...

    @overload
    def get_payment_menu_url(self, request: HttpRequest, order_key: str,
                             return_url: str | None = None, client_language: str | None = None,
                             **extra_url_args: Any) -> str: ...

    def get_payment_menu_url(self, *args: Any, **kwargs: Any) -> str:
        """The hosted payment menu's URL for an order key (see :mod:`.menu`).

        ``get_payment_menu_url(order_key, client_language=None, *, return_url_success=…,
        return_url_pending=…, return_url_canceled=…, return_url_error=…, default_pm=…,
        default_act=…, ideal_issuer_id=…, **extra)``.

        The old package's call, the request first, ``(request, order_key,
        return_url=None, client_language=None, **extra_url_args)``, still works: the
        return URLs then lead to oscar_docdata's return view (or ``return_url``) with
        ``callback`` and ``order_id``, made absolute with the request.
        """
        if is_request_call(args, kwargs):
            return menu_url_for_request(self, *args, **kwargs)
        return self._payment_menu_url(*args, **kwargs)

    def _payment_menu_url(self, order_key: str, client_language: str | None = None,
                          **parameters: Any) -> str:
        return payment_menu_url(self.base_url, self.merchant_name, order_key, client_language,
                                **parameters)


def _describe_payment_response(response: results.PaymentResponse) -> str:
    if response.error is not None:
        return f"payment error {response.error[0]} (payment {response.payment_id})"
    if response.insufficient_data:
        return "insufficient data"
    return f"payment {response.payment_id} {response.status}"


def _describe_amount(amount: Amount | None) -> str:
    return "the remaining amount" if amount is None else f"{amount.value} {amount.currency}"
