"""What the simulator knows about each payment method.

Confidence levels, which ``start`` input belongs to which method, the element used
for the method in statusExtended, the iDEAL issuers, and plausible details for
payments made through the menu or the management command.
"""

from __future__ import annotations

import secrets
from typing import Any

CARD_METHODS = {"MASTERCARD", "VISA", "AMEX", "MAESTRO", "MISTERCASH"}

#: Confidence level of an authorized payment by method (others: ACQUIRER_APPROVED).
CONFIDENCE = {
    "SEPA_DIRECT_DEBIT": "ACQUIRER_PENDING",
    "BANK_TRANSFER": "SHOPPER_PENDING",
}

#: ``payment/<input element>`` of start, by method.
CARD_INPUTS = {
    "amexPaymentInput": "AMEX",
    "masterCardPaymentInput": "MASTERCARD",
    "misterCashPaymentInput": "MISTERCASH",
    "maestroPaymentInput": "MAESTRO",
    "visaPaymentInput": "VISA",
}

#: ``extended/<element>`` of statusExtended, by method.
INFO_ELEMENTS = {
    "AMEX": "amexPaymentInfo",
    "MASTERCARD": "masterCardPaymentInfo",
    "VISA": "visaPaymentInfo",
    "MAESTRO": "maestroPaymentInfo",
    "MISTERCASH": "misterCashPaymentInfo",
    "IDEAL": "iDealPaymentInfo",
    "SEPA_DIRECT_DEBIT": "sepaDirectDebitPaymentInfo",
    "BANK_TRANSFER": "bankTransferPaymentInfo",
}

#: Methods that can be charged again by a recurring payment.
RECURRING_METHODS = CARD_METHODS | {"SEPA_DIRECT_DEBIT"}

#: iDEAL issuers offered by listPaymentMethods and the menu: BIC and name.
IDEAL_ISSUERS: dict[str, str] = {
    "ABNANL2A": "ABN AMRO",
    "ASNBNL21": "ASN Bank",
    "BUNQNL2A": "bunq",
    "INGBNL2A": "ING",
    "KNABNL2H": "Knab",
    "RABONL2U": "Rabobank",
    "RBRBNL21": "RegioBank",
    "SNSBNL2A": "SNS",
    "TRIONL2U": "Triodos Bank",
}

#: The small badge of each method's tile in the menu (the names are
#: oscar_docdata.methods.method_name's).
MARKS: dict[str, str] = {
    "IDEAL": "iD",
    "MASTERCARD": "MC",
    "VISA": "VISA",
    "AMEX": "AMEX",
    "MAESTRO": "MAE",
    "MISTERCASH": "BC",
    "PAYPAL_EXPRESS_CHECKOUT": "PP",
    "SEPA_DIRECT_DEBIT": "SEPA",
    "BANK_TRANSFER": "€",
    "EPS": "eps",
}

#: Short issuer names of older integrations.
OLD_ISSUER_NAMES = {
    "ABNAMRO": "ABNANL2A",
    "ASN": "ASNBNL21",
    "ING": "INGBNL2A",
    "RABO": "RABONL2U",
    "SNS": "SNSBNL2A",
    "TRIODOS": "TRIONL2U",
}

#: Card numbers of the menu's simulated cards (last four digits are reported).
TEST_CARDS = {
    "MASTERCARD": "5100000000000008",
    "VISA": "4111111111111111",
    "AMEX": "341111111111111",
    "MAESTRO": "6799990100000000019",
    "MISTERCASH": "6703444444444449",
}

#: The account a bank transfer goes to (Docdata's collection account, simulated).
BENEFICIARY = {
    "beneficiaryName": "Stichting Docdata Payments",
    "beneficiaryCity": "Amsterdam",
    "beneficiaryCountry": "NL",
    "bankName": "ABN AMRO",
    "bankCity": "Amsterdam",
    "bic": "ABNANL2A",
    "iban": "NL13ABNA0123456789",
}


def confidence(method: str) -> str:
    return CONFIDENCE.get(method, "ACQUIRER_APPROVED")


def issuer_bic(issuer_id: str) -> str | None:
    """The BIC of an issuer given as BIC or old short name, None when unknown."""
    value = issuer_id.strip().upper()
    if value in IDEAL_ISSUERS:
        return value
    return OLD_ISSUER_NAMES.get(value)


def dutch_iban(bank_code: str, account: str | None = None) -> str:
    """A Dutch IBAN with correct check digits for ``bank_code`` (4 letters)."""
    account = account or f"{secrets.randbelow(10**10):010d}"
    rearranged = f"{bank_code}{account}NL00"
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    check = 98 - int(digits) % 97
    return f"NL{check:02d}{bank_code}{account}"


def menu_details(method: str, *, holder: str, email: str, issuer: str | None = None
                 ) -> dict[str, Any]:
    """Details of a payment made in the menu or by the command, for statusExtended."""
    if method == "IDEAL":
        bic = issuer_bic(issuer or "") or "INGBNL2A"
        return {"issuer_id": bic, "holder_name": holder[:35],
                "iban": dutch_iban(bic[:4]), "bic": bic}
    if method in CARD_METHODS:
        return {"card_holder": holder[:100], "card_country": "NL",
                "pan_last4": TEST_CARDS[method][-4:]}
    if method == "SEPA_DIRECT_DEBIT":
        return {"holder_name": holder[:35], "iban": dutch_iban("RABO"), "bic": "RABONL2U",
                "country": "NL"}
    if method == "BANK_TRANSFER":
        return {"email": email}
    if method == "PAYPAL_EXPRESS_CHECKOUT":
        return {"payer_email": email}
    return {}
