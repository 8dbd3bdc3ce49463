"""Validation, normalisation and shortening of what the client sends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oscar_docdata.exceptions import DocdataValidationError
from oscar_docdata.gateway import Amount, builders, fields, schema


def test_every_rule_names_a_simple_type_of_the_bundled_xsd():
    for key, rule in fields.RULES.items():
        assert schema.facets(rule.xsd_type).name == rule.xsd_type, key


@pytest.mark.parametrize(("type_name", "min_length", "max_length"), [
    ("string35", 1, 35), ("string50", 1, 50), ("string100", 1, 100), ("string255", 1, 255),
    ("emailAddress", 1, 100), ("phoneNumber", 1, 50), ("paymentOrderKey", 32, 32),
    ("iban", 15, 34),
])
def test_facets_are_read_from_the_xsd_with_their_base_types(type_name, min_length, max_length):
    facets = schema.facets(type_name)
    assert (facets.min_length, facets.max_length) == (min_length, max_length)


def test_units_of_measure_match_the_xsd():
    from lxml import etree

    document = etree.parse(str(schema.XSD_PATH))
    values = document.xpath(
        "//xs:attribute[@name='unitOfMeasure']//xs:enumeration/@value",
        namespaces={"xs": schema.XS_NS})
    assert tuple(values) == builders.UNITS_OF_MEASURE


@pytest.mark.parametrize(("given", "expected"), [
    ("en-us", "en"), ("en_US", "en"), ("EN", "en"), (" nl-NL ", "nl"), ("de", "de"),
])
def test_languages_are_normalised_to_iso_639_1(given, expected):
    assert fields.text("customer.language", given) == expected


@pytest.mark.parametrize("given", ["english", "e", "12"])
def test_a_language_that_is_not_iso_639_1_is_refused(given):
    with pytest.raises(DocdataValidationError) as error:
        fields.text("customer.language", given, field="shopper.language")
    assert error.value.field == "shopper.language"


@pytest.mark.parametrize(("rule", "given", "expected"), [
    ("address.country", "nl", "NL"),
    ("address.country", " be ", "BE"),
    ("address.postalCode", "1012 LG", "1012LG"),
    ("address.postalCode", " SW1A  1AA ", "SW1A1AA"),
    ("customer.gender", "m", "M"),
    ("customer.gender", "female", "F"),
    ("amount.currency", "eur", "EUR"),
    ("payment.iban", "nl91 abna 0417 1643 00", "NL91ABNA0417164300"),
    ("payment.cardNumber", "4111 1111 1111 1111", "4111111111111111"),
    ("name.first", "  Jan\tPeter ", "Jan Peter"),
])
def test_normalisation(rule, given, expected):
    assert fields.text(rule, given) == expected


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_optional_values_are_left_out(empty):
    assert fields.text("address.houseNumber", empty) is None


def test_an_empty_required_value_is_refused():
    with pytest.raises(DocdataValidationError, match="billTo.address.street: is required"):
        fields.text("address.street", "  ", field="billTo.address.street", required=True)


# The decision table: identifying data is refused with field, length and limit;
# display-only text is shortened.
REFUSED = [
    ("name.first", 36, 35), ("name.last", 36, 35), ("name.prefix", 51, 50),
    ("address.street", 101, 100), ("address.city", 36, 35), ("address.houseNumber", 36, 35),
    ("address.state", 36, 35), ("address.postalCode", 51, 50), ("customer.id", 51, 50),
    ("item.code", 51, 50), ("create.merchantOrderReference", 256, 255),
    ("paymentPreferences.profile", 51, 50), ("customer.phoneNumber", 51, 50),
    ("capture.merchantCaptureReference", 36, 35),
]
SHORTENED = [
    ("create.description", 255), ("create.receiptText", 50), ("item.name", 50),
    ("item.description", 100), ("invoice.additionalDescription", 100),
    ("capture.description", 250), ("refund.description", 250),
]


@pytest.mark.parametrize(("rule", "length", "limit"), REFUSED)
def test_too_long_identifying_values_are_refused_with_length_and_limit(rule, length, limit):
    with pytest.raises(DocdataValidationError) as error:
        fields.text(rule, "x" * length, field="some.path")
    assert (error.value.field, error.value.length, error.value.limit) == ("some.path", length,
                                                                          limit)
    assert f"{length} characters, at most {limit}" in str(error.value)
    assert str(error.value).startswith("some.path: ")


@pytest.mark.parametrize(("rule", "limit"), SHORTENED)
def test_too_long_display_text_is_shortened_to_the_limit(rule, limit):
    text = " ".join(["word"] * limit)
    shortened = fields.text(rule, text)
    assert len(shortened) <= limit
    assert text.startswith(shortened.rstrip("…"))


@pytest.mark.parametrize(("rule", "limit"), SHORTENED)
def test_display_text_within_the_limit_is_sent_as_is(rule, limit):
    assert fields.text(rule, "x" * limit) == "x" * limit


def test_shorten_cuts_on_a_word_boundary_and_adds_an_ellipsis():
    text = "Blue tea pot with a golden lid and two matching cups"
    assert fields.shorten(text, 30) == "Blue tea pot with a golden…"
    assert len(fields.shorten(text, 30)) <= 30


def test_shorten_cuts_inside_a_very_long_word():
    assert fields.shorten("Donaudampfschifffahrtsgesellschaft", 10) == "Donaudamp…"


def test_shorten_drops_trailing_punctuation_before_the_ellipsis():
    assert fields.shorten("One, two, three, four", 10) == "One, two…"


def test_shorten_without_ellipsis_for_bank_statements():
    text = "Order 1234 at the Example Tea Company of Amsterdam, thank you"
    shortened = fields.text("create.receiptText", text)
    assert shortened == "Order 1234 at the Example Tea Company of"
    assert "…" not in shortened


def test_shorten_collapses_whitespace_first():
    assert fields.shorten("a \n\t b", 10) == "a b"


def test_shorten_never_exceeds_tiny_limits():
    assert fields.shorten("abc def", 1) == "a"
    assert len(fields.shorten("abc def", 2)) <= 2


@pytest.mark.parametrize(("rule", "value"), [
    ("customer.email", "not-an-email"),
    ("customer.email", "jan@example .com"),
    ("customer.email", "o'brien@example.com"),
    ("customer.email", "x" * 95 + "@a.com"),
    ("address.country", "NLD"),
    ("customer.gender", "X"),
    ("paymentOrderKey", "A" * 31),
    ("paymentOrderKey", "a" * 32),
    ("payment.securityCode", "12"),
    ("payment.cardNumber", "4111-1111-1111-111a"),
    ("payment.iban", "NL91ABNA"),
    ("customer.dateOfBirth", "17-05-1980"),
    ("payment.issuerId", "ING BNL2A"),
])
def test_values_breaking_a_pattern_or_enumeration_are_refused(rule, value):
    with pytest.raises(DocdataValidationError):
        fields.text(rule, value)


def test_secrets_never_appear_in_validation_errors():
    with pytest.raises(DocdataValidationError) as error:
        fields.text("payment.cardNumber", "4111111111111111999999")
    assert "4111111111111111" not in str(error.value)
    with pytest.raises(DocdataValidationError) as error:
        fields.text("payment.securityCode", "33")
    assert "'33'" not in str(error.value)


@pytest.mark.parametrize(("value", "currency", "minor"), [
    ("12.34", "EUR", 1234), ("12.345", "EUR", 1235), ("0.005", "EUR", 1),
    ("1234", "JPY", 1234), ("1234.5", "JPY", 1235), ("1.234", "KWD", 1234),
    ("1.2345", "KWD", 1235),
])
def test_amounts_are_sent_in_minor_units_of_the_currency(value, currency, minor):
    assert builders.amount(Amount(Decimal(value), currency), field="amount") == {
        "_value_1": minor, "currency": currency}


def test_float_amounts_are_refused():
    with pytest.raises(DocdataValidationError, match="totalGrossAmount: amounts must be Decimal"):
        builders.amount(Amount(12.34, "EUR"), field="totalGrossAmount")


def test_negative_amounts_are_refused_except_on_invoice_lines():
    with pytest.raises(DocdataValidationError, match="must not be negative"):
        builders.amount(Amount(Decimal("-1"), "EUR"), field="totalGrossAmount")
    assert builders.amount(Amount(Decimal("-1"), "EUR"), field="invoice.item[0].netAmount",
                           allow_negative=True)["_value_1"] == -100


def test_amounts_beyond_xs_int_are_refused():
    with pytest.raises(DocdataValidationError, match="more than 2147483647"):
        builders.amount(Amount(Decimal("21474836.48"), "EUR"), field="amount")


@pytest.mark.parametrize(("rate", "sent"), [
    (Decimal("21"), "21"), (Decimal("9.00"), "9"), (Decimal("7.7"), "7.7"), (0, "0"),
    ("20", "20"),
])
def test_vat_rates_are_decimals_of_at_least_zero(rate, sent):
    assert fields.vat_rate(rate, field="vat.rate") == sent


@pytest.mark.parametrize("rate", [Decimal("-1"), 21.0, "abc", None])
def test_bad_vat_rates_are_refused(rate):
    with pytest.raises(DocdataValidationError):
        fields.vat_rate(rate, field="vat.rate")


@pytest.mark.parametrize("value", [0, -5, "abc", 1.0, True])
def test_payment_ids_must_be_positive_integers(value):
    with pytest.raises(DocdataValidationError):
        fields.payment_id(value)


def test_payment_ids_as_digit_strings_are_accepted():
    assert fields.payment_id("1234567890") == 1234567890
