"""The sandbox's demo data: countries, a small catalogue with stock, a staff login.

Every function is idempotent: running it again updates the rows it owns and creates
nothing twice, so ``runsandbox`` can load the data on every start.
"""

import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.db import transaction
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

Country = get_model("address", "Country")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

STAFF_EMAIL = "admin@example.com"
STAFF_PASSWORD = "admin"  # noqa: S105 - the sandbox's documented demo login

#: (alpha-2, alpha-3, numeric, printable name, official name); all shippable.
COUNTRIES = (
    ("NL", "NLD", "528", "Netherlands", "Kingdom of the Netherlands"),
    ("BE", "BEL", "056", "Belgium", "Kingdom of Belgium"),
    ("DE", "DEU", "276", "Germany", "Federal Republic of Germany"),
    ("LU", "LUX", "442", "Luxembourg", "Grand Duchy of Luxembourg"),
    ("FR", "FRA", "250", "France", "French Republic"),
    ("AT", "AUT", "040", "Austria", "Republic of Austria"),
)

#: Product class name → slug (the VAT rate follows the slug, see apps/partner/strategy.py).
PRODUCT_CLASSES = {"Books": "books", "Groceries": "groceries", "Kitchenware": "kitchenware"}


@dataclass(frozen=True)
class DemoProduct:
    upc: str
    title: str
    product_class: str
    category: str
    price_excl_tax: Decimal
    description: str


PRODUCTS = (
    DemoProduct("SBX-BOOK-1", "Paying Online, Safely", "Books", "Books > Business",
                Decimal("22.94"), "A practical guide to payments for web shops."),
    DemoProduct("SBX-BOOK-2", "The Dutch Kitchen", "Books", "Books > Cooking",
                Decimal("27.52"), "Stamppot, stroopwafels and everything in between."),
    DemoProduct("SBX-FOOD-1", "Coffee beans, 1 kg", "Groceries", "Coffee & tea > Coffee",
                Decimal("13.76"), "Medium roast arabica from a small roaster in Utrecht."),
    DemoProduct("SBX-FOOD-2", "Earl Grey, loose leaf, 250 g", "Groceries", "Coffee & tea > Tea",
                Decimal("7.34"), "Black tea with bergamot."),
    DemoProduct("SBX-KITCHEN-1", "Moka pot, 6 cups", "Kitchenware", "Kitchenware",
                Decimal("24.79"), "Aluminium stovetop espresso maker."),
    DemoProduct("SBX-KITCHEN-2", "Ceramic mug", "Kitchenware", "Kitchenware",
                Decimal("8.26"), "Hand-glazed, 300 ml."),
)


def load_countries() -> None:
    for display_order, (alpha2, alpha3, numeric, printable, official) in enumerate(COUNTRIES):
        Country.objects.update_or_create(
            iso_3166_1_a2=alpha2,
            defaults={
                "iso_3166_1_a3": alpha3,
                "iso_3166_1_numeric": numeric,
                "printable_name": printable,
                "name": official,
                "display_order": len(COUNTRIES) - display_order,
                "is_shipping_country": True,
            },
        )


def load_catalogue() -> None:
    partner, _ = Partner.objects.get_or_create(code="sandbox", defaults={"name": "Sandbox shop"})
    classes = {}
    for name, slug in PRODUCT_CLASSES.items():
        classes[name], _ = ProductClass.objects.update_or_create(
            slug=slug, defaults={"name": name, "requires_shipping": True, "track_stock": True}
        )
    for item in PRODUCTS:
        product, _ = Product.objects.update_or_create(
            upc=item.upc,
            defaults={
                "title": item.title,
                "description": item.description,
                "product_class": classes[item.product_class],
                "structure": Product.STANDALONE,
                "is_public": True,
            },
        )
        category = create_from_breadcrumbs(item.category)
        ProductCategory.objects.get_or_create(product=product, category=category)
        StockRecord.objects.update_or_create(
            product=product,
            partner=partner,
            defaults={
                "partner_sku": item.upc,
                "price_currency": "EUR",
                "price": item.price_excl_tax,
                # Plenty: the demo never runs out of stock.
                "num_in_stock": 1000,
            },
        )


def load_staff_user() -> tuple[str, str]:
    """The dashboard login; returns (email, password)."""
    User = get_user_model()
    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None:
        User.objects.create_superuser(
            username="admin", email=STAFF_EMAIL, password=STAFF_PASSWORD
        )
    return STAFF_EMAIL, STAFF_PASSWORD


def load_site(domain: str) -> None:
    Site.objects.update_or_create(
        pk=1, defaults={"domain": domain, "name": "oscar_docdata sandbox"}
    )


@transaction.atomic
def load_all(domain: str = "127.0.0.1:8000") -> tuple[str, str]:
    """Load everything; returns the staff login (email, password)."""
    load_site(domain)
    load_countries()
    with warnings.catch_warnings():
        # Haystack's simple backend (no search server) has no index to update.
        warnings.filterwarnings("ignore", "update is not implemented", UserWarning)
        load_catalogue()
    return load_staff_user()
