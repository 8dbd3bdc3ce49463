"""Interface: create, menu URL, start, update, cancel (rule 7), capture and refund."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import RequestFactory

from oscar_docdata.exceptions import (
    DocdataCaptureError,
    DocdataCreateError,
    DocdataGatewayError,
    DocdataPartialFailure,
    DocdataRefundError,
    DocdataValidationError,
)
from oscar_docdata.gateway.values import Address, Amount, CardPayment, Destination, Name, Shopper
from oscar_docdata.interface import DocdataAmountError, Interface
from oscar_docdata.models import DocdataOrder, DocdataPayment, DocdataStatusChange
from oscar_docdata.testing import replies

from .conftest import minor, payment

pytestmark = pytest.mark.django_db

KEY = "0123456789ABCDEF0123456789ABCDEF"


def create_kwargs(**overrides: Any) -> dict[str, Any]:
    name = Name(first="Jan", last="Jansen")
    kwargs: dict[str, Any] = {
        "shopper": Shopper(id="42", name=name, email="jan@example.com", language="nl"),
        "bill_to": Destination(
            name=name,
            address=Address(street="Dorpsstraat", house_number="1", house_number_addition=None,
                            postal_code="1234 AB", city="Amsterdam", state=None,
                            country_code="nl"),
        ),
    }
    kwargs.update(overrides)
    return kwargs


def sent(docdata: Any, operation: str, index: int = 0) -> Any:
    return [r for r in docdata.requests if r.operation == operation][index].xml()


# --- create -----------------------------------------------------------------------------


def test_create_payment_stores_the_order_after_docdata_accepted(docdata):
    docdata.add("create", replies.create_reply(KEY))
    key = Interface().create_payment(
        "100001", Amount(Decimal("12.34"), "EUR"), None, language="nl-NL",
        description="Order 100001", **create_kwargs(),
    )
    assert key == KEY
    order = DocdataOrder.objects.get()
    assert (order.order_key, order.order_number, order.merchant_order_id) == (
        KEY, "100001", "100001"
    )
    assert (order.merchant_name, order.total_gross_amount, order.currency) == (
        "shop_test", Decimal("12.34"), "EUR"
    )
    assert (order.language, order.country, order.status) == ("nl", "NL", "new")
    body = sent(docdata, "create")
    assert body.findtext(".//{*}merchantOrderReference") == "100001"
    assert body.findtext(".//{*}totalGrossAmount") == "1234"
    assert body.findtext(".//{*}profile") == "standard"
    assert body.findtext(".//{*}numberOfDaysToPay") == "7"  # the old package's default


def test_create_payment_accepts_an_oscar_price(docdata):
    from oscar.core.prices import Price

    docdata.add("create", replies.create_reply(KEY))
    Interface().create_payment(
        "100002", Price("EUR", Decimal("10.00"), incl_tax=Decimal("12.10")), None,
        profile="webshop", days_to_pay=10, **create_kwargs(),
    )
    assert DocdataOrder.objects.get().total_gross_amount == Decimal("12.10")
    body = sent(docdata, "create")
    assert body.findtext(".//{*}totalGrossAmount") == "1210"
    assert body.findtext(".//{*}profile") == "webshop"
    assert body.findtext(".//{*}numberOfDaysToPay") == "10"


def test_second_docdata_order_for_one_order_number_gets_a_suffix(docdata, make_order):
    make_order(reference="100003")
    make_order(reference="100003-2", order_number="100003")
    docdata.add("create", replies.create_reply(KEY))
    Interface().create_payment("100003", Amount(Decimal("1.00"), "EUR"), None, **create_kwargs())
    order = DocdataOrder.objects.get(order_key=KEY)
    assert (order.merchant_order_id, order.order_number) == ("100003-3", "100003")
    assert DocdataOrder.objects.for_oscar_order("100003").count() == 3


def test_next_reference_past_many_taken_skips_gaps_and_other_merchants(make_order):
    # Twelve Docdata orders of one order number (more than one batch of candidates), a
    # gap at -7, the same references at another merchant, a reference that only starts
    # with the number, and one taken at Docdata.
    for n in (1, *range(2, 7), *range(8, 14)):
        make_order(reference="100005" if n == 1 else f"100005-{n}", order_number="100005")
    make_order(reference="100005-7", order_number="100005", merchant="shop_sub")
    make_order(reference="1000057", order_number="1000057")
    assert Interface.next_merchant_order_id("100005", "shop_test") == "100005-7"
    assert Interface.next_merchant_order_id("100005", "shop_test",
                                            taken={"100005-7"}) == "100005-14"
    assert Interface.next_merchant_order_id("100005", "shop_sub") == "100005"
    assert Interface.next_merchant_order_id("1000057", "shop_sub") == "1000057"


def test_next_reference_reads_exact_references_only(make_order, django_assert_num_queries):
    """No prefix match (LIKE): a query by the unique (merchant, reference) index."""
    make_order(reference="100006", order_number="100006")
    with django_assert_num_queries(1) as queries:
        assert Interface.next_merchant_order_id("100006", "shop_test") == "100006-2"
    assert "LIKE" not in queries.captured_queries[0]["sql"].upper()


def test_reference_taken_at_docdata_tries_the_next(docdata, caplog):
    docdata.add("create", replies.error_reply(
        "create", (("REQUEST_DATA_INCORRECT", "Merchant order reference is not unique."),)))
    docdata.add("create", replies.create_reply(KEY))
    with caplog.at_level(logging.WARNING, logger="oscar_docdata"):
        Interface().create_payment(
            "100004", Amount(Decimal("1.00"), "EUR"), None, **create_kwargs()
        )
    references = [r.xml().findtext(".//{*}merchantOrderReference") for r in docdata.requests]
    assert references == ["100004", "100004-2"]
    assert DocdataOrder.objects.get().merchant_order_id == "100004-2"
    assert any("100004" in r.getMessage() for r in caplog.records)


def test_create_errors_store_nothing(docdata):
    docdata.add("create", replies.error_reply(
        "create", (("SECURITY_ERROR", "Invalid credentials"),)))
    with pytest.raises(DocdataCreateError) as error:
        Interface().create_payment("100005", Amount(Decimal("1.00"), "EUR"), None,
                                   **create_kwargs())
    assert error.value.code == "SECURITY_ERROR"
    assert not DocdataOrder.objects.exists()
    assert len(docdata.requests) == 1  # never retried


def test_create_gateway_failure_stores_nothing(docdata):
    docdata.fail("create", requests.ConnectTimeout("slow"))
    with pytest.raises(DocdataGatewayError):
        Interface().create_payment("100006", Amount(Decimal("1.00"), "EUR"), None,
                                   **create_kwargs())
    assert not DocdataOrder.objects.exists()
    assert len(docdata.requests) == 1


def test_create_bad_input_sends_and_stores_nothing(docdata):
    bad = create_kwargs()
    bad["shopper"].email = "not an email"
    with pytest.raises(DocdataValidationError):
        Interface().create_payment("100007", Amount(Decimal("1.00"), "EUR"), None, **bad)
    with pytest.raises(DocdataValidationError, match="billTo"):
        Interface().create_payment("100007", Amount(Decimal("1.00"), "EUR"), None,
                                   **create_kwargs(bill_to=None))
    with pytest.raises(DocdataValidationError):
        Interface().create_payment("100007", 12.5, None, **create_kwargs())
    assert docdata.requests == []
    assert not DocdataOrder.objects.exists()


def test_create_for_a_sub_account(docdata):
    docdata.add("create", replies.create_reply(KEY))
    Interface().create_payment("100008", Amount(Decimal("1.00"), "EUR"), None,
                               merchant_name="shop_sub", **create_kwargs())
    assert DocdataOrder.objects.get().merchant_name == "shop_sub"
    merchant = sent(docdata, "create").find(".//{*}merchant")
    assert (merchant.get("name"), merchant.get("password")) == ("shop_sub", "Sub-Acc0unt-pw")


def test_create_for_an_unconfigured_merchant(docdata):
    with pytest.raises(ImproperlyConfigured, match="nobody"):
        Interface().create_payment("100009", Amount(Decimal("1.00"), "EUR"), None,
                                   merchant_name="nobody", **create_kwargs())
    assert docdata.requests == []


def test_get_create_payment_args_is_the_extension_point(docdata):
    class Custom(Interface):
        def get_create_payment_args(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            args_ = super().get_create_payment_args(*args, **kwargs)
            args_["receiptText"] = "Thanks for shopping"
            return args_

    docdata.add("create", replies.create_reply(KEY))
    Custom().create_payment("100010", Amount(Decimal("1.00"), "EUR"), None, **create_kwargs())
    assert sent(docdata, "create").findtext(".//{*}receiptText") == "Thanks for shopping"


def test_for_merchant():
    interface = Interface.for_merchant("shop_sub")
    assert interface.client.merchant_name == "shop_sub"
    with pytest.raises(ImproperlyConfigured):
        Interface.for_merchant("nobody")


# --- payment menu -----------------------------------------------------------------------


def test_payment_menu_url_uses_the_orders_merchant_and_return_urls(docdata, make_order):
    order = make_order(merchant="shop_sub", language="nl")
    request = RequestFactory().get("/checkout/", secure=True, HTTP_HOST="shop.example")
    url = Interface().get_payment_menu_url(request, order.order_key, default_pm="IDEAL")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://docdata.test/ps/menu"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["command"] == "show_payment_cluster"
    assert query["payment_cluster_key"] == order.order_key
    assert query["merchant_name"] == "shop_sub"
    assert query["client_language"] == "nl"
    assert query["default_pm"] == "IDEAL"
    base = "https://shop.example/api/docdata/return/"
    for parameter, callback in [("return_url_success", "SUCCESS"),
                                ("return_url_pending", "PENDING"),
                                ("return_url_canceled", "CANCELLED"),
                                ("return_url_error", "ERROR")]:
        assert query[parameter] == f"{base}?callback={callback}&order_id={order.order_key}"
    assert docdata.requests == []


def test_payment_menu_url_with_own_return_url_and_language(docdata, make_order):
    order = make_order()
    request = RequestFactory().get("/", HTTP_HOST="shop.example")
    url = Interface().get_payment_menu_url(request, order.order_key,
                                           return_url="/paid/?x=1", client_language="en_US")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["client_language"] == "en"
    assert query["merchant_name"] == "shop_test"
    assert query["return_url_error"] == (
        f"http://shop.example/paid/?x=1&callback=ERROR&order_id={order.order_key}"
    )


# --- start ------------------------------------------------------------------------------


def test_start_payment_with_the_orders_merchant(docdata, make_order):
    order = make_order(merchant="shop_sub")
    docdata.add("start", replies.start_reply(1234567890, "AUTHORIZED"))
    card = CardPayment("MASTERCARD", card_holder_name="J. Jansen",
                       card_number="5100000000000008", expiry_month=12, expiry_year=2031,
                       security_code="333")
    result = Interface().start_payment(order, card, payment_method="VISA")
    assert result.payment_id == 1234567890
    body = sent(docdata, "start")
    assert body.findtext(".//{*}paymentOrderKey") == order.order_key
    assert body.findtext(".//{*}paymentMethod") == "VISA"
    assert body.find(".//{*}merchant").get("name") == "shop_sub"


# --- update -----------------------------------------------------------------------------


def test_update_order_returns_what_changed(docdata, make_order, django_capture_on_commit_callbacks):
    order = make_order()
    docdata.set("status", replies.status_reply(
        registered=minor(order), payments=[payment(3, "AUTHORIZED", amount=minor(order))]))
    with django_capture_on_commit_callbacks(execute=True):
        update = Interface().update_order(order, trigger=DocdataStatusChange.TRIGGER_COMMAND)
    assert (update.old_status, update.new_status, update.status_changed) == (
        "new", "pending", True
    )
    assert [p.payment_id for p in update.payments_added] == [3]
    assert order.status == "pending"  # the caller's instance is refreshed
    assert order.status_changes.get().trigger == "command"
    again = Interface().update_order(order)
    assert not again.changed


def test_update_order_records_the_user(docdata, make_order, django_user_model):
    user = django_user_model.objects.create_user("staff", "staff@example.com", "pw")
    order = make_order()
    docdata.set("status", replies.status_reply(
        registered=minor(order), payments=[payment(3, "STARTED", amount=minor(order))]))
    Interface().update_order(order, trigger=DocdataStatusChange.TRIGGER_DASHBOARD, user=user,
                             note="checked by phone")
    change = order.status_changes.get()
    assert (change.trigger, change.user, change.note) == ("dashboard", user, "checked by phone")


def test_update_order_gateway_error_changes_nothing(docdata, make_order, signal_log):
    order = make_order(status="in_progress")
    docdata.add("status", replies.error_reply("status", (("INTERNAL_ERROR", "oops"),)))
    with pytest.raises(Exception) as error:
        Interface().update_order(order)
    assert error.value.__class__.__name__ == "DocdataStatusError"
    order.refresh_from_db()
    assert order.status == "in_progress"
    assert not DocdataStatusChange.objects.exists()
    assert signal_log.sent == []


def test_update_order_for_a_merchant_without_credentials(docdata, make_order):
    order = make_order(merchant="old_account")
    with pytest.raises(ImproperlyConfigured, match="old_account"):
        Interface().update_order(order)
    assert docdata.requests == []
    order.refresh_from_db()
    assert order.status == "new"


def test_signals_are_not_sent_for_a_rolled_back_change(
    docdata, make_order, signal_log, django_capture_on_commit_callbacks
):
    order = make_order()
    docdata.set("status", replies.status_reply(
        registered=minor(order), payments=[payment(3, "AUTHORIZED", amount=minor(order))]))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            Interface().update_order(order)
            raise RuntimeError("the shop's own transaction fails")
    assert signal_log.sent == []
    assert not DocdataPayment.objects.exists()
    assert DocdataOrder.objects.get().status == "new"


def test_signals_wait_for_the_commit(docdata, make_order, signal_log,
                                     django_capture_on_commit_callbacks):
    order = make_order()
    docdata.set("status", replies.status_reply(
        registered=minor(order), payments=[payment(3, "AUTHORIZED", amount=minor(order))]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Interface().update_order(order)
        assert signal_log.sent == []
    for callback in callbacks:
        callback()
    assert [name for name, _kw in signal_log.sent] == [
        "payment_added", "order_status_changed", "order_updated"]


def test_failing_receiver_is_logged_and_others_still_run(
    docdata, make_order, signal_log, caplog, django_capture_on_commit_callbacks
):
    from oscar_docdata.signals import order_status_changed

    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("receiver bug")

    order_status_changed.connect(broken, weak=False)
    order = make_order()
    docdata.set("status", replies.status_reply(
        registered=minor(order), payments=[payment(3, "STARTED", amount=minor(order))]))
    try:
        with caplog.at_level(logging.ERROR, logger="oscar_docdata"), \
                django_capture_on_commit_callbacks(execute=True):
            Interface().update_order(order)
    finally:
        order_status_changed.disconnect(broken)
    assert signal_log.status_changes() == [("new", "in_progress")]
    assert any("receiver" in r.getMessage() and r.exc_info for r in caplog.records)


# --- 7. cancel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cancel_result", "report", "expected"),
    [
        ("NO_PAYMENTS", {}, "cancelled"),
        ("SUCCESS", {"payments": [("REDIRECTED_FOR_AUTHENTICATION", 0)]}, "cancelled"),
        ("SUCCESS", {"payments": [("CANCELED", 0)]}, "cancelled"),
        ("SUCCESS", {"payments": [("AUTHORIZATION_FAILED", 0)]}, "cancelled"),
        ("PENDING", {"payments": [("CANCEL_REQUESTED", 0)]}, "cancelled"),
        ("FAILED", {"payments": [("AUTHORIZED", 0)]}, "pending"),
        ("FAILED", {"payments": [("AUTHORIZED", 1234)], "captured": 1234}, "paid"),
        ("FAILED", {"payments": [("CONFIRMED_CHARGEDBACK", 0)]}, "charged_back"),
    ],
)
def test_7_cancel_order(docdata, make_order, caplog, signal_log,
                        django_capture_on_commit_callbacks, cancel_result, report, expected):
    order = make_order(amount="12.34")
    docdata.add("cancel", replies.cancel_reply(cancel_result))
    payments = [payment(10 + i, status, amount=1234,
                        captures=[("CAPTURED", captured)] if captured else ())
                for i, (status, captured) in enumerate(report.get("payments", ()))]
    docdata.set("status", replies.status_reply(registered=1234, captured=report.get("captured", 0),
                                               payments=payments))
    with caplog.at_level(logging.INFO, logger="oscar_docdata"), \
            django_capture_on_commit_callbacks(execute=True):
        result = Interface().cancel_order(order)
    assert result.result == cancel_result
    assert docdata.operations() == ["cancel", "status"]
    assert order.status == expected
    assert DocdataOrder.objects.get().status == expected
    assert any(cancel_result in r.getMessage() and order.order_key in r.getMessage()
               for r in caplog.records)
    assert signal_log.status_changes() == [("new", expected)]


def test_7_cancel_keeps_cancelled_orders_quiet(docdata, make_order, signal_log,
                                               django_capture_on_commit_callbacks):
    order = make_order(status="cancelled")
    docdata.add("cancel", replies.cancel_reply("ALREADY_CANCELED"))
    docdata.set("status", replies.status_reply(registered=minor(order)))
    with django_capture_on_commit_callbacks(execute=True):
        assert Interface().cancel_order(order).result == "ALREADY_CANCELED"
    # Only the stored totals changed (registered): no status or payment signal.
    assert [name for name, _kw in signal_log.sent] == ["order_updated"]
    (updated,) = signal_log.of("order_updated")
    assert updated["old_status"] == updated["new_status"] == "cancelled"
    assert not DocdataStatusChange.objects.exists()


def test_7_cancel_error_changes_nothing(docdata, make_order):
    order = make_order()
    docdata.add("cancel", replies.error_reply("cancel", (("REQUEST_DATA_INCORRECT", "no"),)))
    with pytest.raises(Exception) as error:
        Interface().cancel_order(order)
    assert error.value.__class__.__name__ == "DocdataCancelError"
    assert docdata.operations() == ["cancel"]
    assert DocdataOrder.objects.get().status == "new"


def test_7_model_cancel_uses_the_facade(docdata, make_order):
    order = make_order()
    docdata.add("cancel", replies.cancel_reply("NO_PAYMENTS"))
    docdata.set("status", replies.status_reply(registered=minor(order)))
    assert order.cancel().result == "NO_PAYMENTS"
    assert DocdataOrder.objects.get().status == "cancelled"


# --- capture and refund -----------------------------------------------------------------


@pytest.fixture
def authorized(docdata, make_order, django_capture_on_commit_callbacks):
    """An order of 30.00 with two authorized payments of 10.00 and 20.00 (none captured)."""
    order = make_order(amount="30.00")
    docdata.set("status", replies.status_reply(
        registered=3000, acquirer_approved=3000,
        payments=[payment(21, amount=1000), payment(22, amount=2000)]))
    Interface().update_order(order)
    docdata.reset()
    return order


def amounts(docdata: Any, operation: str) -> list[tuple[str, str]]:
    return [(r.xml().findtext(".//{*}paymentId"), r.xml().findtext(".//{*}amount"))
            for r in docdata.requests if r.operation == operation]


def test_capture_everything(docdata, authorized):
    docdata.add("capture", replies.capture_reply()).add("capture", replies.capture_reply())
    docdata.set("status", replies.status_reply(
        registered=3000, acquirer_approved=3000, captured=3000,
        payments=[payment(21, amount=1000, captures=[("CAPTURED", 1000)]),
                  payment(22, amount=2000, captures=[("CAPTURED", 2000)])]))
    update = Interface().capture(authorized)
    assert amounts(docdata, "capture") == [("21", "1000"), ("22", "2000")]
    assert docdata.operations()[-1] == "status"
    assert update.new_status == authorized.status == "paid"


def test_capture_an_amount_across_payments(docdata, authorized):
    docdata.set("capture", replies.capture_reply())
    docdata.set("status", replies.status_reply(registered=3000, acquirer_approved=3000,
                                               payments=[payment(21, amount=1000),
                                                         payment(22, amount=2000)]))
    Interface().capture(authorized, Decimal("15.50"), merchant_capture_reference="C1")
    assert amounts(docdata, "capture") == [("21", "1000"), ("22", "550")]
    # one reference cannot name two captures: each part gets its own
    references = [r.xml().findtext(".//{*}merchantCaptureReference")
                  for r in docdata.requests if r.operation == "capture"]
    assert len(set(references)) == 2 and "C1" not in references
    assert all(len(reference) <= 35 for reference in references)


def test_capture_one_payment(docdata, authorized):
    docdata.set("capture", replies.capture_reply())
    docdata.set("status", replies.status_reply(registered=3000, acquirer_approved=3000,
                                               payments=[payment(21, amount=1000),
                                                         payment(22, amount=2000)]))
    paid = DocdataPayment.objects.get(payment_id=22)
    Interface().capture(authorized, Decimal("5"), payment=paid, merchant_capture_reference="C9")
    assert amounts(docdata, "capture") == [("22", "500")]
    assert sent(docdata, "capture").findtext(".//{*}merchantCaptureReference") == "C9"


@pytest.mark.parametrize(
    ("amount", "payment_id", "message"),
    [
        (Decimal("30.01"), None, "more than"),
        (Decimal("10.01"), 21, "more than"),
        (Decimal("0"), None, "more than zero"),
        (Decimal("-1"), None, "more than zero"),
        (Decimal("1.005"), None, "decimals"),
        (1.5, None, "Decimal"),
        ("abc", None, "not an amount"),
        (Decimal("1"), 99, "does not belong"),
    ],
)
def test_capture_refuses_what_is_not_available(docdata, authorized, amount, payment_id,
                                               message):
    with pytest.raises(DocdataValidationError, match=message) as error:
        Interface().capture(authorized, amount, payment=payment_id)
    assert isinstance(error.value, ValueError)
    assert docdata.requests == []


def test_capture_payment_of_another_order(docdata, authorized, make_order):
    other = make_order()
    with pytest.raises(DocdataAmountError, match="does not belong"):
        Interface().capture(other, Decimal("1"), payment=21)
    assert docdata.requests == []


def test_capture_error_writes_nothing(docdata, authorized):
    docdata.add("capture", replies.error_reply("capture", (("REQUEST_DATA_INCORRECT", "no"),)))
    with pytest.raises(DocdataCaptureError):
        Interface().capture(authorized, Decimal("5"), payment=21)
    assert docdata.operations() == ["capture"]


def test_capture_partial_failure_still_records_what_moved(docdata, authorized):
    docdata.add("capture", replies.capture_reply())
    docdata.add("capture", replies.error_reply("capture", (("INTERNAL_ERROR", "later"),)))
    docdata.set("status", replies.status_reply(
        registered=3000, acquirer_approved=3000, captured=1000,
        payments=[payment(21, amount=1000, captures=[("CAPTURED", 1000)]),
                  payment(22, amount=2000)]))
    with pytest.raises(DocdataPartialFailure) as raised:
        Interface().capture(authorized)
    assert docdata.operations() == ["capture", "capture", "status"]
    assert DocdataPayment.objects.get(payment_id=21).amount_debited == Decimal("10.00")
    # Reported per payment: the first part is done, the second refused.
    assert [(r.payment.payment_id, r.state) for r in raised.value.requests] == [
        (21, "done"), (22, "refused")]
    assert isinstance(raised.value.error, DocdataCaptureError)
    assert "payment 21: 10.00 EUR done; payment 22: 20.00 EUR refused" in str(raised.value)


def test_nothing_to_refund_before_a_capture(docdata, authorized):
    with pytest.raises(DocdataAmountError, match="nothing left to refund"):
        Interface().refund(authorized)
    assert docdata.requests == []


def test_refund_partly_then_the_rest(docdata, make_order, django_capture_on_commit_callbacks):
    order = make_order(amount="10.00")

    def report(refunds: tuple) -> bytes:
        return replies.status_reply(
            registered=1000, captured=1000, refunded=sum(a for _s, a in refunds),
            payments=[payment(31, amount=1000, captures=[("CAPTURED", 1000)], refunds=refunds)])

    docdata.set("status", report(()))
    Interface().update_order(order)
    assert order.status == "paid"
    docdata.set("refund", replies.refund_reply())
    docdata.set("status", report((("CAPTURED", 400),)))
    Interface().refund(order, Decimal("4.00"), merchant_refund_reference="R1")
    assert order.status == "paid_refunded"
    with pytest.raises(DocdataAmountError, match="more than the 6.00"):
        Interface().refund(order, Decimal("6.01"))
    docdata.set("status", report((("CAPTURED", 400), ("CAPTURED", 600))))
    Interface().refund(order)
    assert amounts(docdata, "refund") == [("31", "400"), ("31", "600")]
    assert order.status == "refunded"


def test_refund_error(docdata, make_order):
    order = make_order(amount="10.00")
    docdata.set("status", replies.status_reply(
        registered=1000, captured=1000,
        payments=[payment(31, amount=1000, captures=[("CAPTURED", 1000)])]))
    Interface().update_order(order)
    docdata.add("refund", replies.error_reply("refund", (("REQUEST_DATA_INCORRECT", "no"),)))
    with pytest.raises(DocdataRefundError):
        Interface().refund(order, Decimal("1.00"))


def test_explicit_credentials_serve_their_own_merchant(docdata, make_order):
    order = make_order(merchant="private_account")
    docdata.set("status", replies.status_reply(registered=minor(order)))
    Interface(merchant_name="private_account", merchant_password="Pr1vate-pw").update_order(order)
    merchant = sent(docdata, "status").find(".//{*}merchant")
    assert (merchant.get("name"), merchant.get("password")) == ("private_account", "Pr1vate-pw")
