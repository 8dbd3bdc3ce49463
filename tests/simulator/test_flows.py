"""start/proceed with the shopper's detours: bank page, 3-D Secure, PayPal; recurring."""

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from oscar_docdata.exceptions import DocdataProceedError, DocdataStartError
from oscar_docdata.gateway import (
    Amount,
    BankTransferPayment,
    CardPayment,
    IdealAuthorizationResult,
    IdealPayment,
    PaypalAuthenticationResult,
    RecurringPayment,
    SepaDirectDebitPayment,
    ThreeDSecureResult,
)

from . import wire
from .browser import forms
from .factories import create_order

pytestmark = pytest.mark.urls("tests.simulator.receiver_urls")

RETURN = "https://shop.example/docdata/return/"


def visa(**kwargs) -> CardPayment:
    values = dict(payment_method="VISA", card_holder_name="J. Jansen",
                  card_number="4111111111111111", expiry_month=12, expiry_year=2030,
                  security_code="333")
    values.update(kwargs)
    return CardPayment(**values)


@pytest.mark.parametrize("outcome,status", [("success", "AUTHORIZED"),
                                            ("cancel", "CANCELED"),
                                            ("failure", "AUTHORIZATION_FAILED")])
def test_ideal_bank_page_then_proceed(client, browser, outcome, status):
    key = create_order(client, f"I-{outcome}")
    started = client.start(key, IdealPayment("ING"), return_url=RETURN)  # old short name
    assert started.status == "REDIRECTED_FOR_AUTHENTICATION"
    page = browser.get(started.redirect.url)
    assert page.status_code == 200 and "ING" in page.text
    # Before the shopper answers, proceed reports the payment still waiting.
    assert client.proceed(started.payment_id, IdealAuthorizationResult()).status == \
        "REDIRECTED_FOR_AUTHENTICATION"
    answer = browser.submit(page, {"outcome": outcome})
    assert (answer.status_code, answer.headers["Location"]) == (302, RETURN)
    result = client.proceed(started.payment_id, IdealAuthorizationResult())
    assert result.payment_response.status == status
    assert result.payment_response.succeeded is (status == "AUTHORIZED")
    # The bank page is done: a second answer is refused.
    again = browser.submit(page, {"outcome": "success"})
    assert again.status_code == 409


def test_unknown_ideal_issuer_is_refused(client):
    key = create_order(client, "I-X")
    with pytest.raises(DocdataStartError, match="issuer"):
        client.start(key, IdealPayment("NOTABANK"))


def _three_d_secure(client, browser, key, outcome):
    started = client.start(key, visa(), return_url=RETURN)
    redirect = started.redirect
    assert (started.status, redirect.method) == ("REDIRECTED_FOR_AUTHENTICATION", "POST")
    assert set(redirect.parameters) == {"MD", "PaReq", "TermUrl"}
    assert redirect.parameters["TermUrl"] == RETURN
    # The shop's page posts MD, PaReq and TermUrl to the ACS (cross-site: no CSRF token).
    acs_page = browser.session.post(redirect.url, data=redirect.parameters, timeout=5,
                                    allow_redirects=False)
    assert acs_page.status_code == 200 and "1111" in acs_page.text
    acs_page.url = redirect.url
    back = browser.submit(acs_page, {"outcome": outcome})
    assert back.status_code == 200
    [form] = forms(back.text)
    assert form["action"] == RETURN
    return started, form["fields"]


def test_card_three_d_secure_then_proceed(client, browser):
    key = create_order(client, "3DS-1")
    started, posted = _three_d_secure(client, browser, key, "authenticated")
    assert posted["MD"] == started.redirect.parameters["MD"]
    result = client.proceed(started.payment_id, ThreeDSecureResult(posted["MD"],
                                                                   posted["PaRes"]))
    assert (result.status, result.payment_id) == ("AUTHORIZED", started.payment_id)
    info = client.status_extended(key).payments[0].extended
    assert info.details["panLast4"] == "1111" and info.details["cardHolder"] == "J. Jansen"
    with pytest.raises(DocdataProceedError, match="not waiting"):
        client.proceed(started.payment_id, ThreeDSecureResult(posted["MD"], posted["PaRes"]))


def test_card_three_d_secure_failure(client, browser):
    key = create_order(client, "3DS-2")
    started, posted = _three_d_secure(client, browser, key, "failed")
    result = client.proceed(started.payment_id, ThreeDSecureResult(posted["MD"],
                                                                   posted["PaRes"]))
    assert result.payment_response.status == "AUTHENTICATION_FAILED"
    assert result.payment_response.error[0] == "AUTHENTICATION_FAILED"


def test_a_forged_pares_fails_and_a_wrong_md_is_refused(client):
    key = create_order(client, "3DS-3")
    started = client.start(key, visa(), return_url=RETURN)
    md = started.redirect.parameters["MD"]
    with pytest.raises(DocdataProceedError, match="MD"):
        client.proceed(started.payment_id, ThreeDSecureResult("other-md", "x"))
    result = client.proceed(started.payment_id, ThreeDSecureResult(md, "forged"))
    assert result.status == "AUTHENTICATION_FAILED"


def test_a_card_payment_needs_a_return_url(client):
    key = create_order(client, "3DS-4")
    with pytest.raises(DocdataStartError) as caught:
        client.start(key, visa())
    assert caught.value.code == "REQUEST_DATA_MISSING"


def test_the_method_must_match_the_card_input(client):
    key = create_order(client, "3DS-5")
    body = wire.request("startRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>"
                        "<d:payment><d:paymentMethod>VISA</d:paymentMethod>"
                        "<d:masterCardPaymentInput><d:cardHolderName>J</d:cardHolderName>"
                        "<d:cardNumber>5100000000000008</d:cardNumber>"
                        '<d:expiryDate month="12" year="30"/></d:masterCardPaymentInput>'
                        f"</d:payment><d:returnUrl>{RETURN}</d:returnUrl>")
    [(code, text)] = wire.errors(wire.reply(wire.post(client.base_url, body, "start")))
    assert code == "REQUEST_DATA_INCORRECT" and "does not match" in text


def test_sepa_direct_debit_is_authorized_acquirer_pending(client):
    key = create_order(client, "S-1")
    started = client.start(key, SepaDirectDebitPayment(iban="NL91ABNA0417164300"))
    assert (started.status, started.redirect) == ("AUTHORIZED", None)
    [line] = client.status(key).payments
    assert line.authorization.confidence_level == "ACQUIRER_PENDING"


def test_bank_transfer_is_requested_shopper_pending(client):
    key = create_order(client, "B-1")
    started = client.start(key, BankTransferPayment("jan@example.com"))
    assert started.status == "AUTHORIZATION_REQUESTED"
    report = client.status(key)
    assert report.payments[0].authorization.confidence_level == "SHOPPER_PENDING"
    assert report.totals.shopper_pending == 1234


def _start_paypal(client, key) -> tuple[int, str]:
    """The gateway has no PayPal start input class: the start envelope is posted raw."""
    body = wire.request("startRequest", f"<d:paymentOrderKey>{key}</d:paymentOrderKey>"
                        "<d:payment><d:paymentMethod>PAYPAL_EXPRESS_CHECKOUT</d:paymentMethod>"
                        "<d:paypalPaymentInput><d:mobileUser>false</d:mobileUser>"
                        f"</d:paypalPaymentInput></d:payment><d:returnUrl>{RETURN}"
                        "</d:returnUrl>")
    reply = wire.reply(wire.post(client.base_url, body, "start"))
    payment_id = int(wire.find(reply, "startSuccess/paymentResponse/paymentSuccess/id").text)
    return payment_id, wire.find(reply, "startSuccess/redirect/url").text


@pytest.mark.parametrize("choice,status", [("approved", "AUTHORIZED"),
                                           ("cancelled", "CANCELED")])
def test_paypal_page_then_proceed(client, browser, choice, status):
    key = create_order(client, f"PP-{choice}")
    payment_id, url = _start_paypal(client, key)
    back = browser.submit(browser.get(url), {"outcome": choice})
    assert back.status_code == 302
    location = urlsplit(back.headers["Location"])
    assert location.geturl().startswith(RETURN)
    query = dict(parse_qsl(location.query))
    assert set(query) == {"token", "PayerID"}
    result = client.proceed(payment_id, PaypalAuthenticationResult(
        token=query["token"], payer_id=query["PayerID"]))
    assert result.payment_response.status == status


def test_paypal_proceed_without_approval_fails(client):
    key = create_order(client, "PP-none")
    payment_id, _url = _start_paypal(client, key)
    with pytest.raises(DocdataProceedError, match="Token"):
        client.proceed(payment_id, PaypalAuthenticationResult(token="EC-WRONG"))
    from oscar_docdata.simulator.models import PaymentAttempt
    token = PaymentAttempt.objects.get(payment_id=payment_id).details["paypal_token"]
    result = client.proceed(payment_id, PaypalAuthenticationResult(token=token))
    assert result.status == "AUTHENTICATION_FAILED"


def test_recurring_payment_of_an_initial_order(client, docdata_simulator):
    initial = create_order(client, "SUB-1", initial_payment_reference="SUB-1")
    docdata_simulator.settle(initial, "paid", "VISA")
    follow_up = create_order(client, "SUB-1-2", "5.00")
    started = client.start(follow_up, recurring=RecurringPayment(merchant_reference="SUB-1"),
                           payment_amount=Amount(Decimal("5.00"), "EUR"))
    assert started.status == "AUTHORIZED"
    [line] = client.status_extended(follow_up).payments
    assert (line.payment_method, line.authorization.amount) == ("VISA", 500)
    assert line.extended.details["panLast4"] == "1111"


def test_recurring_payment_of_an_unknown_or_unpaid_initial_order(client):
    unpaid = create_order(client, "SUB-2", initial_payment_reference="SUB-2")
    assert unpaid
    follow_up = create_order(client, "SUB-2-2")
    with pytest.raises(DocdataStartError, match="Unknown initial payment reference"):
        client.start(follow_up, recurring=RecurringPayment(merchant_reference="NOPE"))
    started = client.start(follow_up, recurring=RecurringPayment(merchant_reference="SUB-2"))
    assert started.payment_response.succeeded is False
    assert started.payment_response.error[0] == "REQUEST_DATA_INCORRECT"
    assert client.status(follow_up).payments == ()
