"""SOAP 1.1 reply envelopes as Docdata's Order API 1.3 sends them, for tests.

Every builder returns the whole envelope as bytes (``status_reply``, ``create_reply``,
…) or an XML fragment as text to pass into one (``payment_xml``). With default
arguments each reply validates against the bundled XSD; ``extra_*_xml`` arguments and
``api_information=False`` / ``total_reversed=False`` produce the newer and older
replies a client must also accept. Amounts are integers in minor units.
Fragments are written in the types namespace (the envelope's default namespace).

Example::

    body = status_reply(registered=1000, captured=1000,
                        payments=[payment_xml(1234567890, amount=1000,
                                              captures=[("CAPTURED", 1000)])])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

from oscar_docdata.gateway.schema import SOAP_ENV_NS, TYPES_NS

DDP_XSD_VERSION = "1.3.14"
SUCCESS_TEXT = "Operation successful."


def _element(tag: str, text: object, /, **attributes: object) -> str:
    attrs = "".join(f" {key}={quoteattr(str(value))}" for key, value in attributes.items()
                    if value is not None)
    return f"<{tag}{attrs}>{escape(str(text))}</{tag}>"


def _optional(name: str, text: object) -> str:
    return "" if text is None or text == "" else _element(name, text)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def envelope(response_element: str, inner_xml: str, *,
             ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """``<S:Envelope><S:Body><response_element ddpXsdVersion=…>inner</…>`` as bytes."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<S:Envelope xmlns:S="{SOAP_ENV_NS}"><S:Body>'
        f'<{response_element} xmlns="{TYPES_NS}" ddpXsdVersion={quoteattr(ddp_xsd_version)}>'
        f"{inner_xml}</{response_element}></S:Body></S:Envelope>"
    ).encode()


def _success(operation: str, content: str, *, ddp_xsd_version: str,
             response_element: str | None = None, success_element: str | None = None) -> bytes:
    success = success_element or f"{operation}Success"
    inner = (f'<{success}>{_element("success", SUCCESS_TEXT, code="SUCCESS")}'
             f"{content}</{success}>")
    return envelope(response_element or f"{operation}Response", inner,
                    ddp_xsd_version=ddp_xsd_version)


def amount_xml(name: str, amount: int, currency: str = "EUR") -> str:
    """``<name currency="EUR">1234</name>``."""
    return _element(name, int(amount), currency=currency)


def _amount_line(name: str, line: tuple, currency: str, reference_element: str) -> str:
    status, amount, *rest = line
    reason = rest[0] if len(rest) > 0 else None
    reference = rest[1] if len(rest) > 1 else None
    return (f"<{name}>{_optional(reference_element, reference)}{_element('status', status)}"
            f"{amount_xml('amount', amount, currency)}{_optional('reason', reason)}</{name}>")


def payment_xml(payment_id: int, *, method: str = "IDEAL", status: str = "AUTHORIZED",
                amount: int, currency: str = "EUR", confidence: str = "ACQUIRER_APPROVED",
                captures: Iterable[tuple] = (), refunds: Iterable[tuple] = (),
                chargebacks: Iterable[tuple] = (), reversal: tuple | None = None,
                extended_xml: str = "", reason: str | None = None,
                extra_xml: str = "") -> str:
    """One ``<payment>`` of a status report.

    ``captures``/``refunds``/``chargebacks``: ``(status, amount)`` tuples, optionally
    ``(status, amount, reason, reference)``. ``reversal``: ``(amount, reason)``.
    ``extended_xml``: the content of ``<extended>`` (statusExtended), e.g.
    ``ideal_info_xml(...)``. ``extra_xml`` goes into the authorization's extension point.
    """
    lines = "".join(
        [_amount_line("capture", line, currency, "merchantCaptureId") for line in captures]
        + [_amount_line("refund", line, currency, "merchantRefundId") for line in refunds]
        + [_amount_line("chargeback", line, currency, "chargebackId") for line in chargebacks])
    reversal_xml = ""
    if reversal is not None:
        reversal_amount, reversal_reason = reversal
        reversal_xml = (f"<reversal>{amount_xml('amount', reversal_amount, currency)}"
                        f"{_element('reason', reversal_reason)}</reversal>")
    extended = f"<extended>{extended_xml}</extended>" if extended_xml else ""
    return (
        f"<payment>{_element('id', int(payment_id))}{_element('paymentMethod', method)}"
        f"<authorization>{_element('status', status)}{_optional('reason', reason)}"
        f"{amount_xml('amount', amount, currency)}{_element('confidenceLevel', confidence)}"
        f"{lines}{reversal_xml}{extra_xml}</authorization>{extended}</payment>"
    )


def ideal_info_xml(*, issuer_id: str = "INGBNL2A", holder_name: str | None = "J. Jansen",
                   iban: str | None = "NL91ABNA0417164300", bic: str | None = "ABNANL2A") -> str:
    """``<iDealPaymentInfo>`` for ``payment_xml(extended_xml=…)``."""
    account = ""
    if iban or bic:
        account = f"<shopperBankAccount>{_optional('iban', iban)}{_optional('bic', bic)}" \
                  "</shopperBankAccount>"
    return (f"<iDealPaymentInfo>{_optional('issuerId', issuer_id)}"
            f"{_optional('holderName', holder_name)}{account}</iDealPaymentInfo>")


def card_info_xml(method: str = "VISA", *, card_holder: str = "J. Jansen",
                  card_country: str | None = "NL", pan_last4: str | None = "1111") -> str:
    """``<visaPaymentInfo>`` (or masterCard/amex/maestro/misterCash) for extended_xml."""
    element = {"VISA": "visaPaymentInfo", "MASTERCARD": "masterCardPaymentInfo",
               "AMEX": "amexPaymentInfo", "MAESTRO": "maestroPaymentInfo",
               "MISTERCASH": "misterCashPaymentInfo"}[method]
    return (f"<{element}>{_element('cardHolder', card_holder)}"
            f"{_optional('cardCountry', card_country)}{_optional('panLast4', pan_last4)}"
            f"</{element}>")


def sepa_info_xml(*, iban: str = "NL91ABNA0417164300", bic: str | None = "ABNANL2A",
                  mandate_number: str | None = None) -> str:
    """``<sepaDirectDebitPaymentInfo>`` for extended_xml."""
    return (f"<sepaDirectDebitPaymentInfo>{_optional('bic', bic)}{_optional('iban', iban)}"
            f"{_optional('mandateNumber', mandate_number)}</sepaDirectDebitPaymentInfo>")


def risk_checks_xml(score: int = 0, checks: Iterable[tuple[str, int]] = ()) -> str:
    """``<riskChecks score=…>`` (goes first inside ``<extended>``)."""
    inner = "".join(_element("check", name, score=value) for name, value in checks)
    return f'<riskChecks score="{int(score)}">{inner}</riskChecks>'


def status_reply(*, registered: int, currency: str = "EUR", shopper_pending: int = 0,
                 acquirer_pending: int = 0, acquirer_approved: int = 0, captured: int = 0,
                 refunded: int = 0, charged_back: int = 0, reversed: int = 0,
                 exchanged_to: str | None = None, exchange_rate_date: str | None = None,
                 payments: Iterable[str] = (), considered_safe: tuple | None = None,
                 extended: bool = False, ddp_xsd_version: str = DDP_XSD_VERSION,
                 extra_report_xml: str = "", api_information: bool = True,
                 total_reversed: bool = True, extra_totals_xml: str = "") -> bytes:
    """A status (or, with ``extended=True``, statusExtended) success reply.

    ``currency`` is the order's currency; totals carry no currency of their own (the
    payments do). ``considered_safe``: ``(value, level)`` or ``(value, level, date,
    reason)``. ``api_information=False`` / ``total_reversed=False`` mimic older
    services that leave those out; ``extra_report_xml`` is appended to the report
    (extension point), ``extra_totals_xml`` to approximateTotals.
    """
    del currency  # documented for readability of tests; the XML has no place for it
    totals = "".join(
        _element(name, int(value)) for name, value in (
            ("totalRegistered", registered), ("totalShopperPending", shopper_pending),
            ("totalAcquirerPending", acquirer_pending),
            ("totalAcquirerApproved", acquirer_approved), ("totalCaptured", captured),
            ("totalRefunded", refunded), ("totalChargedback", charged_back))
    )
    if total_reversed:
        totals += _element("totalReversed", int(reversed))
    attributes = "".join(f" {name}={quoteattr(value)}" for name, value in (
        ("exchangedTo", exchanged_to), ("exchangeRateDate", exchange_rate_date)) if value)
    safe = ""
    if considered_safe is not None:
        value, level, *rest = considered_safe
        date = rest[0] if len(rest) > 0 else None
        reason = rest[1] if len(rest) > 1 else None
        safe = (f"<consideredSafe>{_element('value', _bool(value))}{_element('level', level)}"
                f"{_optional('date', date)}{_optional('reason', reason)}</consideredSafe>")
    api = ('<apiInformation conversionApplied="false"><originalVersion>1.3</originalVersion>'
           "</apiInformation>") if api_information else ""
    report = (f"<report><approximateTotals{attributes}>{totals}{extra_totals_xml}"
              f"</approximateTotals>{''.join(payments)}{safe}{api}{extra_report_xml}</report>")
    response = "extendedStatusResponse" if extended else "statusResponse"
    return _success("status", report, ddp_xsd_version=ddp_xsd_version,
                    response_element=response)


def payment_response_xml(payment_id: int | None = None, status: str | None = "AUTHORIZED", *,
                         insufficient_data: bool = False,
                         error: tuple[str, str] | None = None) -> str:
    """``<paymentResponse>`` of create/start/proceed: success, insufficient data or error."""
    if insufficient_data:
        inner = "<paymentInsufficientData/>"
    elif error is not None:
        code, text = error
        inner = (f"<paymentError>{_element('error', text, code=code)}"
                 f"{_optional('status', status)}{_optional('id', payment_id)}</paymentError>")
    else:
        if payment_id is None:
            raise ValueError("a successful payment response needs a payment id")
        inner = (f"<paymentSuccess>{_element('status', status or 'AUTHORIZED')}"
                 f"{_element('id', int(payment_id))}</paymentSuccess>")
    return f"<paymentResponse>{inner}</paymentResponse>"


def create_reply(order_key: str, *, payment_id: int | None = None,
                 payment_status: str = "AUTHORIZED", extra_xml: str = "",
                 ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """createSuccess with the order key (and a paymentResponse when ``payment_id``)."""
    response = payment_response_xml(payment_id, payment_status) if payment_id else ""
    return _success("create", f"{_element('key', order_key)}{response}{extra_xml}",
                    ddp_xsd_version=ddp_xsd_version)


def redirect_xml(method: str, url: str, parameters: Mapping[str, str] | None = None) -> str:
    """``<redirect>`` of a start reply."""
    params = "".join(_element("parameter", value, name=name)
                     for name, value in (parameters or {}).items())
    return (f"<redirect>{_element('method', method)}{_element('url', url)}"
            f"<parameters>{params}</parameters></redirect>")


def start_reply(payment_id: int | None = 1234567890, status: str = "AUTHORIZED", *,
                redirect: tuple | None = None, insufficient_data: bool = False,
                error: tuple[str, str] | None = None, extra_xml: str = "",
                ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """startSuccess; ``redirect``: ``(method, url)`` or ``(method, url, {name: value})``."""
    response = payment_response_xml(payment_id, status, insufficient_data=insufficient_data,
                                     error=error)
    redirect_part = redirect_xml(*redirect) if redirect else ""
    return _success("start", f"{response}{redirect_part}{extra_xml}",
                    ddp_xsd_version=ddp_xsd_version)


def proceed_reply(payment_id: int | None = 1234567890, status: str = "AUTHORIZED", *,
                  insufficient_data: bool = False, error: tuple[str, str] | None = None,
                  extra_xml: str = "", ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """proceedSuccess with a paymentResponse."""
    response = payment_response_xml(payment_id, status, insufficient_data=insufficient_data,
                                     error=error)
    return _success("proceed", f"{response}{extra_xml}", ddp_xsd_version=ddp_xsd_version)


def cancel_reply(result: str = "SUCCESS", *, extra_xml: str = "",
                 ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """cancelSuccess with ``result`` (NO_PAYMENTS, ALREADY_CANCELED, SUCCESS, FAILED, …)."""
    return _success("cancel", f"{_element('result', result)}{extra_xml}",
                    ddp_xsd_version=ddp_xsd_version)


def capture_reply(*, extra_xml: str = "", ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """captureSuccess."""
    return _success("capture", extra_xml, ddp_xsd_version=ddp_xsd_version)


def refund_reply(*, extra_xml: str = "", ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """refundSuccess."""
    return _success("refund", extra_xml, ddp_xsd_version=ddp_xsd_version)


def _method_xml(method) -> str:
    if isinstance(method, str):
        return f"<paymentMethod>{_element('name', method)}</paymentMethod>"
    if isinstance(method, tuple):
        name, issuers, *rest = method
        mandates = rest[0] if rest else ()
    else:  # a results.PaymentMethod (or anything with name/issuers/mandates)
        name = method.name
        issuers = [(issuer.id, issuer.name) for issuer in method.issuers]
        mandates = [(m.id, m.scheme, m.type, m.state) for m in method.mandates]
    mandate_xml = "".join(
        f"<mandate>{_element('id', m_id)}{_element('scheme', scheme)}"
        f"{_element('type', m_type)}{_element('state', state)}</mandate>"
        for m_id, scheme, m_type, state in mandates)
    issuers_xml = ""
    if issuers:
        issuers_xml = "<issuers>" + "".join(
            _element("issuer", bank, id=bic) for bic, bank in issuers) + "</issuers>"
    return f"<paymentMethod>{_element('name', name)}{mandate_xml}{issuers_xml}</paymentMethod>"


def list_payment_methods_reply(methods: Iterable, *, extra_xml: str = "",
                               ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """listPaymentMethodsSuccess.

    ``methods``: names (``"VISA"``), ``(name, issuers[, mandates])`` tuples with
    issuers as ``(bic, bank name)`` and mandates as ``(id, scheme, type, state)``, or
    ``results.PaymentMethod`` objects. iDEAL issuers are written as newer services do,
    in an ``issuers`` extension element — which the 1.3 schema does not declare, so a
    reply with issuers does not validate strictly.
    """
    content = "".join(_method_xml(method) for method in methods)
    return _success("listPaymentMethods", f"{content}{extra_xml}",
                    ddp_xsd_version=ddp_xsd_version)


_ERROR_PARENTS = {"statusExtended": ("extendedStatusResponse", "statusErrors")}


def error_reply(operation: str,
                errors: Iterable[tuple[str, str]] = (("REQUEST_DATA_INCORRECT",
                                                      "Request data incorrect."),),
                *, ddp_xsd_version: str = DDP_XSD_VERSION) -> bytes:
    """``<op>Response/<op>Errors`` with every ``(code, text)`` pair."""
    response, errors_element = _ERROR_PARENTS.get(
        operation, (f"{operation}Response", f"{operation}Errors"))
    inner = "".join(_element("error", text, code=code) for code, text in errors)
    return envelope(response, f"<{errors_element}>{inner}</{errors_element}>",
                    ddp_xsd_version=ddp_xsd_version)


def soap_fault(text: str = "Fault occurred while processing.", code: str = "S:Server"
               ) -> bytes:
    """A SOAP 1.1 Fault envelope, as the service sends (usually with HTTP 500)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<S:Envelope xmlns:S="{SOAP_ENV_NS}"><S:Body><S:Fault>'
        f"{_element('faultcode', code)}{_element('faultstring', text)}"
        "</S:Fault></S:Body></S:Envelope>"
    ).encode()
