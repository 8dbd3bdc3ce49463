"""Prices with Dutch VAT: 9% on books and groceries, 21% on everything else."""

from decimal import Decimal

from oscar.apps.partner import strategy

#: VAT rate per product class slug; other classes pay the standard rate.
VAT_RATES = {"books": Decimal("0.09"), "groceries": Decimal("0.09")}
STANDARD_VAT_RATE = Decimal("0.21")


class DutchVat(strategy.FixedRateTax):
    """Tax on the stock record's price (excl. VAT) by the product's class, in cents."""

    def get_rate(self, product, stockrecord):
        product_class = product.get_product_class()
        return VAT_RATES.get(product_class.slug if product_class else "", STANDARD_VAT_RATE)

    def get_exponent(self, stockrecord):
        return Decimal("0.01")


class SandboxStrategy(
    strategy.UseFirstStockRecord, strategy.StockRequired, DutchVat, strategy.Structured
):
    """First stock record, stock required, Dutch VAT."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return SandboxStrategy(request)
