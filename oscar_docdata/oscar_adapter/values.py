"""Docdata value objects from Oscar objects: names, addresses and the basket's invoice."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext

from oscar_docdata.appsettings import docdata_settings
from oscar_docdata.gateway.values import Address, Amount, Invoice, Item, Name, Vat
from oscar_docdata.money import currency_exponent

logger = logging.getLogger("oscar_docdata")

_CODE_LIMIT = 50


def name_from(*sources: Any, fallback: Name) -> Name:
    """The first source (user or address) with a last name gives the name.

    A missing first name becomes the last name's initial, so Docdata never gets an
    empty name part; without any last name, ``fallback`` is used.
    """
    for source in sources:
        if source is None:
            continue
        last = (getattr(source, "last_name", "") or "").strip()
        first = (getattr(source, "first_name", "") or "").strip()
        if last:
            return Name(first=first or last[:1].upper(), last=last)
    return fallback


def address_from_oscar(address: Any) -> Address:
    """An Oscar address as a Docdata address.

    Street is line1 (plus line2 and line3 when present), city is line4. When
    ``DOCDATA_HOUSE_NUMBER_FIELD`` names a field of the address, its value is sent as the
    house number (and that field is left out of the street); otherwise no house number
    is sent: international addresses have none.
    """
    house_field = docdata_settings.DOCDATA_HOUSE_NUMBER_FIELD
    house_number = None
    if house_field:
        house_number = _text(getattr(address, house_field, None))
    street_parts = [
        _text(getattr(address, name, None))
        for name in ("line1", "line2", "line3")
        if name != house_field
    ]
    country = getattr(address, "country", None)
    country_code = getattr(country, "iso_3166_1_a2", None) or getattr(country, "code", None)
    return Address(
        street=", ".join(part for part in street_parts if part),
        house_number=house_number,
        house_number_addition=None,
        postal_code=_text(getattr(address, "postcode", None)),
        city=_text(getattr(address, "line4", None)) or "",
        state=_text(getattr(address, "state", None)),
        country_code=str(country_code or ""),
    )


def invoice_from_basket(
    basket: Any,
    *,
    currency: str,
    ship_to: Any,
    shipping_charge: Any = None,
    surcharges: Iterable[Any] | None = None,
    expected_total: Decimal | None = None,
) -> Invoice | None:
    """The basket as Docdata's invoice, or None when the basket's tax is not known.

    One item per basket line at its undiscounted price, one negative "discount" item per
    VAT rate for the basket's discounts, one item for shipping and one per surcharge; one
    ``totalVatAmount`` per VAT rate. Amounts are rounded to the currency's minor unit;
    the VAT of each item is its gross minus its net, so every item adds up.
    """
    if not basket.is_tax_known:
        logger.info("Basket %s: tax not known, the Docdata order gets no invoice", basket.pk)
        return None
    builder = _InvoiceBuilder(currency)
    _add_basket_lines(builder, basket)
    if shipping_charge is not None and shipping_charge.incl_tax:
        builder.add_price(gettext("Shipping"), "shipping", shipping_charge)
    for surcharge in surcharges or ():
        if surcharge.price.incl_tax:
            name = str(getattr(surcharge.surcharge, "name", "") or gettext("Surcharge"))
            code = str(getattr(surcharge.surcharge, "code", "") or "surcharge")[:_CODE_LIMIT]
            builder.add_price(name, code, surcharge.price)
    if not builder.items:
        return None
    if expected_total is not None and builder.total_gross != builder.round(expected_total):
        logger.warning(
            "Basket %s: invoice lines add up to %s, the order total is %s %s",
            basket.pk, builder.total_gross, expected_total, currency,
        )
    return builder.invoice(ship_to)


def _add_basket_lines(builder: _InvoiceBuilder, basket: Any) -> None:
    """One item per line at its undiscounted price, one discount item per VAT rate."""
    discounts: dict[Decimal, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in basket.all_lines():
        product = line.product
        rate = _line_rate(basket, line)
        title = product.get_title() if product is not None else str(line)
        builder.add(
            name=title,
            code=_line_code(line),
            description=strip_tags(getattr(product, "description", "") or "").strip() or title,
            quantity=line.quantity,
            unit_net=line.unit_price_excl_tax,
            unit_gross=line.unit_price_incl_tax,
            total_net=line.line_price_excl_tax,
            total_gross=line.line_price_incl_tax,
            rate=rate,
        )
        discount_net = line.line_price_excl_tax - line.line_price_excl_tax_incl_discounts
        discount_gross = line.line_price_incl_tax - line.line_price_incl_tax_incl_discounts
        if discount_gross or discount_net:
            discounts[rate][0] += discount_net
            discounts[rate][1] += discount_gross
    for rate, (net, gross) in sorted(discounts.items()):
        builder.add(
            name=gettext("Discount"), code="discount", description=gettext("Discount"),
            quantity=1, unit_net=-net, unit_gross=-gross, total_net=-net, total_gross=-gross,
            rate=rate,
        )


class _InvoiceBuilder:
    def __init__(self, currency: str):
        self.currency = currency
        self.quantum = Decimal(1).scaleb(-currency_exponent(currency))
        self.items: list[Item] = []
        self.vat_by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
        self.total_net = Decimal(0)
        self.total_gross = Decimal(0)

    def round(self, value: Decimal) -> Decimal:
        return Decimal(value).quantize(self.quantum, rounding=ROUND_HALF_UP)

    def amount(self, value: Decimal) -> Amount:
        return Amount(value, self.currency)

    def add(
        self, *, name: str, code: str, description: str, quantity: int, unit_net: Decimal,
        unit_gross: Decimal, total_net: Decimal, total_gross: Decimal, rate: Decimal,
    ) -> None:
        unit_net, unit_gross = self.round(unit_net), self.round(unit_gross)
        total_net, total_gross = self.round(total_net), self.round(total_gross)
        self.items.append(
            Item(
                number=len(self.items) + 1,
                name=name,
                code=code,
                quantity=quantity,
                description=description,
                net_amount=self.amount(unit_net),
                gross_amount=self.amount(unit_gross),
                vat=Vat(rate, self.amount(unit_gross - unit_net)),
                total_net_amount=self.amount(total_net),
                total_gross_amount=self.amount(total_gross),
                total_vat=Vat(rate, self.amount(total_gross - total_net)),
            )
        )
        self.vat_by_rate[rate] += total_gross - total_net
        self.total_net += total_net
        self.total_gross += total_gross

    def add_price(self, name: str, code: str, price: Any) -> None:
        rate = _price_rate(price)
        self.add(
            name=name, code=code, description=name, quantity=1, unit_net=price.excl_tax,
            unit_gross=price.incl_tax, total_net=price.excl_tax, total_gross=price.incl_tax,
            rate=rate,
        )

    def invoice(self, ship_to: Any) -> Invoice:
        return Invoice(
            total_net_amount=self.amount(self.total_net),
            total_vat_amounts=[
                Vat(rate, self.amount(amount)) for rate, amount in sorted(self.vat_by_rate.items())
            ],
            items=self.items,
            ship_to=ship_to,
        )


def _line_rate(basket: Any, line: Any) -> Decimal:
    """The VAT rate in percent: from a fixed-rate tax strategy, else from the prices."""
    get_rate = getattr(getattr(basket, "strategy", None), "get_rate", None)
    if get_rate is not None:
        try:
            return _clean_rate(Decimal(get_rate(line.product, line.stockrecord)) * 100)
        except Exception:  # noqa: BLE001 - a shop's strategy may not know; use the prices
            logger.debug("Tax strategy gave no rate for line %s", line.pk, exc_info=True)
    return _rate_from(line.line_price_excl_tax, line.line_price_incl_tax)


def _price_rate(price: Any) -> Decimal:
    return _rate_from(price.excl_tax, price.incl_tax)


def _rate_from(excl: Decimal | None, incl: Decimal | None) -> Decimal:
    if not excl or incl is None:
        return Decimal(0)
    return _clean_rate((Decimal(incl) - Decimal(excl)) / Decimal(excl) * 100)


def _clean_rate(rate: Decimal) -> Decimal:
    """``21.0000`` → ``21``, ``7.70`` → ``7.7``; two decimals at most, never negative."""
    rate = max(rate, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.normalize()


def _line_code(line: Any) -> str:
    stockrecord = getattr(line, "stockrecord", None)
    product = line.product
    candidates = (
        getattr(stockrecord, "partner_sku", None),
        getattr(product, "upc", None),
        str(getattr(product, "pk", "") or line.pk),
    )
    for candidate in candidates:
        if candidate and len(str(candidate)) <= _CODE_LIMIT:
            return str(candidate)
    return str(line.pk)


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
