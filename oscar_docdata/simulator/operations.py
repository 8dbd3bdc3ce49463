"""The nine operations of the Order API 1.3, as the simulator answers them.

Each handler gets a :class:`~oscar_docdata.simulator.soap.Call` whose request is
schema-valid and whose merchant is authenticated, runs inside one transaction, and
returns the ``…Success`` element or raises :class:`~oscar_docdata.simulator.soap.RequestErrors`
(REQUEST_DATA_INCORRECT for unknown keys/ids and rules the state does not allow).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from lxml import etree

from . import accounts, engine, flows, ledger, methods, notifications, reads, totals
from .conf import sim_settings
from .engine import SimulationError
from .models import PaymentAttempt, SimulatedOrder
from .report import report
from .soap import (
    NS,
    Call,
    E,
    Handler,
    RequestErrors,
    child_elements,
    extension,
    incorrect,
    localname,
    success,
)

#: Seconds after a pending line is due before the reminder notification (clock skew).
SETTLE_MARGIN = 1.0

#: Elements that may repeat and are stored as lists.
REPEATED = {"item", "totalVatAmount"}


def element_data(element: etree._Element) -> Any:
    """Plain data of an element: text, or a dict of ``@attributes``, children, ``#text``."""
    children = child_elements(element)
    attributes = {f"@{name}": value for name, value in element.attrib.items()}
    text = (element.text or "").strip()
    if not children and not attributes:
        return text
    data: dict[str, Any] = dict(attributes)
    if text:
        data["#text"] = text
    for child in children:
        name = localname(child)
        value = element_data(child)
        if name in REPEATED:
            data.setdefault(name, []).append(value)
        else:
            data[name] = value
    return data


def _amount(call: Call, path: str) -> tuple[int, str] | None:
    element = call.find(path)
    if element is None:
        return None
    return int(element.text.strip()), element.get("currency")


def _order(call: Call) -> SimulatedOrder:
    """The caller's order named by paymentOrderKey, its row locked."""
    key = call.text("paymentOrderKey")
    order = reads.locked_of(call.merchant, key)
    if order is None:
        raise incorrect(f"Unknown payment order key {key}.")
    return order


def _attempt(call: Call) -> PaymentAttempt:
    """The caller's payment named by paymentId, its order's row locked."""
    payment_id = int(call.text("paymentId"))
    attempt = (PaymentAttempt.objects.select_related("order", "order__merchant")
               .filter(payment_id=payment_id, order__merchant=call.merchant).first())
    if attempt is None:
        raise incorrect(f"Unknown payment id {payment_id}.")
    reads.locked(attempt.order.order_key)
    attempt.refresh_from_db()
    return attempt


def _absolute(call: Call, name: str, *args: Any) -> str:
    namespace = call.request.resolver_match.namespace or "docdata_simulator"
    return call.request.build_absolute_uri(
        reverse(f"{namespace}:{name}", args=args, current_app=namespace))


def payment_response(attempt: PaymentAttempt) -> etree._Element:
    """paymentSuccess for a payment that goes on, paymentError for one that ended badly."""
    if attempt.status in ("AUTHENTICATION_FAILED", "AUTHORIZATION_FAILED", "CANCELED",
                          "AUTHORIZATION_ERROR", "AUTHENTICATION_ERROR"):
        return E.paymentResponse(E.paymentError(
            E.error(attempt.reason or attempt.status, code=attempt.status),
            E.status(attempt.status), E.id(str(attempt.payment_id))))
    return E.paymentResponse(E.paymentSuccess(E.status(attempt.status),
                                              E.id(str(attempt.payment_id))))


# --- create -----------------------------------------------------------------------------


def create(call: Call) -> etree._Element:
    reference = call.text("merchantOrderReference")
    if SimulatedOrder.objects.filter(merchant=call.merchant,
                                     merchant_order_reference=reference).exists():
        raise incorrect("Merchant order reference is not unique.")
    profile = call.text("paymentPreferences/profile")
    if accounts.profile_methods(profile) is None:
        raise incorrect(f"Unknown payment profile {profile}.")
    value, currency = _amount(call, "totalGrossAmount")
    if value <= 0:
        raise incorrect("totalGrossAmount must be positive.")
    customer_element = call.find("shopper")
    kind = "shopper"
    if customer_element is None:
        customer_element, kind = call.find("company"), "company"
    customer = {"kind": kind, **element_data(customer_element)}
    invoice_element = call.find("invoice")
    invoice = element_data(invoice_element) if invoice_element is not None else None
    if invoice is not None:
        _check_invoice(invoice, value, currency)
    initial = call.find("paymentRequest/initialPaymentReference")
    initial_reference = ""
    if initial is not None:
        initial_reference = (child_elements(initial)[0].text or "").strip()
    subject = call.find("merchant/subjectMerchant")
    try:
        with transaction.atomic():
            order = SimulatedOrder.objects.create(
                merchant=call.merchant,
                subject_merchant_name=subject.get("name", "") if subject is not None else "",
                order_key=engine.new_order_key(),
                merchant_order_reference=reference,
                amount=value,
                currency=currency,
                profile=profile,
                days_to_pay=int(call.text("paymentPreferences/numberOfDaysToPay")),
                description=call.text("description") or "",
                receipt_text=call.text("receiptText") or "",
                language=customer.get("language", {}).get("@code", ""),
                customer=customer,
                bill_to=element_data(call.find("billTo")),
                invoice=invoice,
                initial_payment_reference=initial_reference,
                origin=call.origin,
            )
    except IntegrityError:  # a concurrent create with the same reference won
        raise incorrect("Merchant order reference is not unique.") from None
    return E.createSuccess(success(), E.key(order.order_key))


def _check_invoice(invoice: dict, value: int, currency: str) -> None:
    lines = invoice.get("item", [])
    if any(line["totalGrossAmount"]["@currency"] != currency for line in lines):
        raise incorrect("Invoice items must be in the currency of totalGrossAmount.")
    total = sum(int(line["totalGrossAmount"]["#text"]) for line in lines)
    if total != value:
        raise incorrect(f"The invoice items add up to {total}, not to the totalGrossAmount "
                        f"{value}.")


# --- start ------------------------------------------------------------------------------


def start(call: Call) -> etree._Element:
    order = _order(call)
    try:
        engine.ensure_open(order)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    given = _amount(call, "paymentAmount")
    if given is None:
        value, currency = (engine.remaining(order) or order.amount), order.currency
    else:
        value, currency = given
        if value <= 0:
            raise incorrect("paymentAmount must be positive.")
        if currency != order.currency and not (totals.supports(currency)
                                               and totals.supports(order.currency)):
            raise incorrect(f"Payments in {currency} are not possible for this order.")
    recurring = call.find("recurringPaymentRequest")
    if recurring is not None:
        return _start_recurring(call, order, recurring, value, currency)
    if call.find("token") is not None:
        raise incorrect("Payments with a token are not supported by the simulator.")
    payment = call.find("payment")
    method = call.text("paymentMethod", payment)
    try:
        engine.ensure_method(order, method)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    method_input = child_elements(payment)[1]
    name = localname(method_input)
    return_url = call.text("returnUrl") or ""
    starters = {
        "iDealPaymentInput": ("IDEAL", _start_ideal),
        "directDebitPaymentInput": ("SEPA_DIRECT_DEBIT", _start_direct_debit),
        "bankTransferPaymentInput": ("BANK_TRANSFER", _start_bank_transfer),
        "paypalPaymentInput": ("PAYPAL_EXPRESS_CHECKOUT", _start_paypal),
        **{card_input: (card_method, _start_card)
           for card_input, card_method in methods.CARD_INPUTS.items()},
    }
    if name not in starters:
        raise incorrect(f"{name} is not supported by the simulator.")
    expected, starter = starters[name]
    if method != expected:
        raise incorrect(f"paymentMethod {method} does not match {name}.")
    attempt, redirect = starter(call, order, method, method_input, value, currency, return_url)
    notifications.order_changed(order)
    content = E.startSuccess(success(), payment_response(attempt))
    if redirect is not None:
        content.append(redirect)
    return content


def _redirect(method: str, url: str, parameters: dict[str, str] | None = None
              ) -> etree._Element:
    return E.redirect(E.method(method), E.url(url), E.parameters(
        *(E.parameter(value, name=name) for name, value in (parameters or {}).items())))


def _start_ideal(call, order, method, method_input, value, currency, return_url):
    """iDEAL 2.0: without an issuer the shopper chooses the bank on the iDEAL page; an
    (old) issuer goes straight to that bank's page."""
    given = call.text("issuerId", method_input)
    details = {}
    if given:
        bic = methods.issuer_bic(given)
        if bic is None:
            raise incorrect(f"Unknown iDEAL issuer {given}.")
        details["issuer_id"] = bic
    attempt = engine.create_attempt(order, method, flows.AWAITING, amount=value,
                                    currency=currency, confidence="SHOPPER_PENDING",
                                    details=details, return_url=return_url)
    page = "bank_ideal" if details else "ideal_choose"
    return attempt, _redirect("GET", _absolute(call, page, attempt.payment_id))


def _start_card(call, order, method, method_input, value, currency, return_url):
    if not return_url:
        raise RequestErrors("REQUEST_DATA_MISSING", "returnUrl is needed for 3-D Secure.")
    number = call.text("cardNumber", method_input)
    holder = call.text("cardHolderName", method_input)
    if holder is None:  # encryptedData: only the shop's own records know the holder
        name = order.bill_to.get("name", {})
        holder = " ".join(filter(None, (name.get("first"), name.get("last"))))
    details = {"card_holder": holder, "card_country": "NL", "md": flows.new_md()}
    if number:
        details["pan_last4"] = number[-4:]
    attempt = engine.create_attempt(order, method, flows.AWAITING, amount=value,
                                    currency=currency, confidence="SHOPPER_PENDING",
                                    details=details, return_url=return_url)
    return attempt, _redirect("POST", _absolute(call, "acs"), {
        "MD": details["md"], "PaReq": flows.pareq(attempt), "TermUrl": return_url})


def _shopper_mandates(order: SimulatedOrder) -> list[PaymentAttempt]:
    """Authorized SEPA payments of the same shopper of the same merchant with a mandate."""
    shopper_id = order.customer.get("@id")
    attempts = PaymentAttempt.objects.filter(
        order__merchant=order.merchant, method="SEPA_DIRECT_DEBIT", status="AUTHORIZED"
    ).select_related("order").order_by("id")
    return [a for a in attempts
            if a.order.customer.get("@id") == shopper_id and a.details.get("mandate_number")]


def _start_direct_debit(call, order, method, method_input, value, currency, return_url):
    mandate = call.text("mandateNumber", method_input)
    if mandate:
        known = [a for a in _shopper_mandates(order) if a.details["mandate_number"] == mandate]
        if not known:
            raise incorrect(f"Unknown mandate {mandate} for this shopper.")
        details = {key: known[-1].details[key] for key in ("iban", "bic", "holder_name",
                                                           "country", "mandate_number")
                   if key in known[-1].details}
    else:
        iban = call.text("iban", method_input)
        details = {"iban": iban, "country": iban[:2].upper(),
                   "holder_name": call.text("holderName", method_input) or ""}
        if call.text("bic", method_input):
            details["bic"] = call.text("bic", method_input)
    attempt = engine.create_attempt(order, method, "AUTHORIZED", amount=value,
                                    currency=currency, details=details, return_url=return_url)
    if not mandate:
        attempt.details = {**details, "mandate_number": f"SIM-MANDATE-{attempt.payment_id}"}
        attempt.save(update_fields=["details"])
    return attempt, None


def _start_bank_transfer(call, order, method, method_input, value, currency, return_url):
    attempt = engine.create_attempt(
        order, method, "AUTHORIZATION_REQUESTED", amount=value, currency=currency,
        confidence="SHOPPER_PENDING",
        details={"email": call.text("emailAddress", method_input)}, return_url=return_url)
    return attempt, None


def _start_paypal(call, order, method, method_input, value, currency, return_url):
    attempt = engine.create_attempt(
        order, method, flows.AWAITING, amount=value, currency=currency,
        confidence="SHOPPER_PENDING",
        details={"paypal_token": f"EC-{secrets.token_hex(8).upper()}"}, return_url=return_url)
    return attempt, _redirect("GET", _absolute(call, "bank_paypal", attempt.payment_id))


def _start_recurring(call: Call, order: SimulatedOrder, element: etree._Element, value: int,
                     currency: str) -> etree._Element:
    reference = child_elements(call.find("initialPaymentReference", element))[0]
    kind, text = localname(reference), (reference.text or "").strip()
    initial_orders = SimulatedOrder.objects.filter(merchant=call.merchant).exclude(
        initial_payment_reference="")
    if kind == "merchantReference":
        initial = (initial_orders.filter(initial_payment_reference=text).first()
                   or initial_orders.filter(merchant_order_reference=text).first())
    elif kind == "paymentId":
        initial = initial_orders.filter(attempts__payment_id=int(text)).first()
    else:
        raise incorrect("Recurring payments by linkId are not supported by the simulator.")
    if initial is None:
        raise incorrect(f"Unknown initial payment reference {text}.")
    paid = [a for a in engine.attempts_of(initial)
            if a.method in methods.RECURRING_METHODS and a.status == "AUTHORIZED"]
    if not paid:
        content = E.startSuccess(success(), E.paymentResponse(E.paymentError(E.error(
            f"The initial order {initial.merchant_order_reference} has no authorized card "
            "or direct debit payment.", code="REQUEST_DATA_INCORRECT"))))
        return content
    source = paid[-1]
    try:
        engine.ensure_method(order, source.method)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    details = {key: value for key, value in source.details.items() if key != "md"}
    details["initial_payment_id"] = source.payment_id
    attempt = engine.create_attempt(order, source.method, "AUTHORIZED", amount=value,
                                    currency=currency, details=details)
    notifications.order_changed(order)
    return E.startSuccess(success(), payment_response(attempt))


# --- proceed ----------------------------------------------------------------------------


def proceed(call: Call) -> etree._Element:
    attempt = _attempt(call)
    result = child_elements(call.element)[2]  # after merchant and paymentId
    name = localname(result)
    before = attempt.status
    if name == "iDealAuthorizationResult":
        _expect(attempt, {"IDEAL"}, name)
    elif name == "threeDomainSecureAuthenticationResult":
        _expect(attempt, methods.CARD_METHODS, name)
        _proceed_3ds(call, attempt, result)
    elif name == "paypalAuthenticationResult":
        _expect(attempt, {"PAYPAL_EXPRESS_CHECKOUT"}, name)
        _proceed_paypal(call, attempt, result)
    else:
        raise incorrect(f"{name} is not supported by the simulator.")
    if attempt.status != before:
        notifications.order_changed(attempt.order)
    return E.proceedSuccess(success(), payment_response(attempt))


def _expect(attempt: PaymentAttempt, allowed: set[str], name: str) -> None:
    if attempt.method not in allowed:
        raise incorrect(f"{name} does not fit payment {attempt.payment_id} ({attempt.method}).")


def _awaiting(attempt: PaymentAttempt) -> None:
    if attempt.status != flows.AWAITING:
        raise incorrect(f"Payment {attempt.payment_id} is not waiting for authentication "
                        f"(status {attempt.status}).")


def _proceed_3ds(call: Call, attempt: PaymentAttempt, result: etree._Element) -> None:
    _awaiting(attempt)
    md = call.text("MD", result)
    if md != attempt.details.get("md"):
        raise incorrect(f"MD does not belong to payment {attempt.payment_id}.")
    outcome = flows.read_pares(call.text("PARes", result) or "")
    if outcome and outcome.get("p") == attempt.payment_id and outcome.get("md") == md \
            and outcome.get("ok"):
        engine.set_status(attempt, "AUTHORIZED")
    else:
        engine.set_status(attempt, "AUTHENTICATION_FAILED",
                          reason="3-D Secure authentication failed")


def _proceed_paypal(call: Call, attempt: PaymentAttempt, result: etree._Element) -> None:
    _awaiting(attempt)
    if call.text("Token", result) != attempt.details.get("paypal_token"):
        raise incorrect(f"Token does not belong to payment {attempt.payment_id}.")
    cancelled = (call.text("ShopperCanceled", result) or "").lower() in ("true", "1", "yes")
    outcome = attempt.details.get("paypal_outcome")
    if cancelled or outcome == "cancelled":
        engine.set_status(attempt, "CANCELED", reason="Cancelled by the shopper at PayPal")
    elif outcome == "approved":
        engine.set_status(attempt, "AUTHORIZED")
    else:
        engine.set_status(attempt, "AUTHENTICATION_FAILED",
                          reason="The shopper did not approve the payment at PayPal")


# --- cancel, capture, refund --------------------------------------------------------------


def cancel(call: Call) -> etree._Element:
    order = _order(call)
    settled = ledger.advance_money(order)
    result = engine.cancel(order)
    if settled or result in ("SUCCESS", "PENDING", "NO_PAYMENTS"):
        notifications.order_changed(order)
    return E.cancelSuccess(success(), E.result(result))


def _amount_for(call: Call, attempt: PaymentAttempt) -> int | None:
    given = _amount(call, "amount")
    if given is None:
        return None
    value, currency = given
    if currency != attempt.currency:
        raise incorrect(f"The amount must be in {attempt.currency}, the payment's currency.")
    return value


def _booked(order: SimulatedOrder) -> None:
    """Notify now, and once more when the money booked pending is due to be CAPTURED."""
    notifications.order_changed(order)
    seconds = sim_settings.DOCDATA_SIMULATOR_SETTLE_SECONDS
    if seconds:
        # The merchant hears of the change even when nobody asks for the status;
        # its status call then promotes the line (a second, harmless notification).
        notifications.order_changed(order, delay=float(seconds) + SETTLE_MARGIN)


def capture(call: Call) -> etree._Element:
    attempt = _attempt(call)
    # Promoted first, so what is due counts; a refusal rolls it back (promoted again later).
    ledger.advance_money(attempt.order)
    try:
        ledger.add_capture(attempt, _amount_for(call, attempt),
                           reference=call.text("merchantCaptureReference") or "",
                           description=call.text("description") or "", requested=True)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    _booked(attempt.order)
    return E.captureSuccess(success())


def refund(call: Call) -> etree._Element:
    attempt = _attempt(call)
    items = call.find("refundItems")
    value = _refund_items_amount(call, attempt, items) if items is not None \
        else _amount_for(call, attempt)
    ledger.advance_money(attempt.order)
    try:
        ledger.add_refund(attempt, value, reference=call.text("merchantRefundReference") or "",
                          description=call.text("description") or "", requested=True)
    except SimulationError as error:
        raise incorrect(str(error)) from None
    _booked(attempt.order)
    return E.refundSuccess(success())


def _refund_items_amount(call: Call, attempt: PaymentAttempt, items: etree._Element) -> int:
    """The gross amount of the refunded invoice lines plus any additional amount."""
    lines = {line["code"]: line for line in (attempt.order.invoice or {}).get("item", [])}
    total = 0
    for item_line in items.findall("d:itemLine", namespaces=NS):
        code = call.text("itemCode", item_line)
        if code not in lines:
            raise incorrect(f"No invoice item with code {code}.")
        total += int(lines[code]["grossAmount"]["#text"]) * int(call.text("quantity", item_line))
    additional = call.find("additionalRefund/additionalAmount", items)
    if additional is not None:
        total += int(additional.text.strip())
    if total <= 0:
        raise incorrect("The refund items add up to nothing.")
    return total


# --- status, statusExtended, listPaymentMethods ------------------------------------------


def _report(call: Call, *, extended: bool) -> etree._Element:
    """The order's report, after promoting what is due (no extra queries when nothing is)."""
    order = _order(call)
    attempts = engine.attempts_of(order)
    ledger.advance_and_notify(order, attempts)
    return report(order, extended=extended, extensible=call.extensible, attempts=attempts)


def status(call: Call) -> etree._Element:
    return E.statusSuccess(success(), _report(call, extended=False))


def status_extended(call: Call) -> etree._Element:
    return E.statusSuccess(success(), _report(call, extended=True))


def list_payment_methods(call: Call) -> etree._Element:
    order = _order(call)
    content = E.listPaymentMethodsSuccess(success())
    for method in accounts.profile_methods(order.profile) or []:
        element = E.paymentMethod(E.name(method))
        if method == "SEPA_DIRECT_DEBIT":
            for attempt in _shopper_mandates(order):
                element.append(E.mandate(E.id(attempt.details["mandate_number"]),
                                         E.scheme("CORE"), E.type("RCUR"), E.state("ACTIVE")))
        if method == "IDEAL":
            issuers = etree.SubElement(element, "issuers")
            for bic, name in methods.IDEAL_ISSUERS.items():
                etree.SubElement(issuers, "issuer", id=bic).text = name
        if call.extensible:
            element.append(extension())
        content.append(element)
    return content


HANDLERS: dict[str, Handler] = {
    "create": create,
    "start": start,
    "proceed": proceed,
    "cancel": cancel,
    "capture": capture,
    "refund": refund,
    "status": status,
    "statusExtended": status_extended,
    "listPaymentMethods": list_payment_methods,
}
