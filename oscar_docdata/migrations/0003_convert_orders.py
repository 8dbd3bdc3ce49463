# Docdata orders of django-oscar-docdata 1.x to today's schema, keeping every row:
#
# - order_number: the old package stored the Oscar order number in merchant_order_id,
#   which now holds the reference sent to Docdata (a retry gets "<number>-2");
# - merchant_order_id widened to 255 (Docdata's string255);
# - order_key to 100 and currency to 3 characters, only after checking every stored
#   value fits (currency codes are normalised to upper case first);
# - amounts from (15,2) to (19,4): room for every ISO 4217 exponent, nothing lost;
# - an index on status, the status history table;
# - references shared by several orders of one merchant (possible in the old package)
#   are marked reference_shared and kept as they are: Docdata knows the orders by them.
#   The uniqueness constraint covers every other order.
#
# What was converted is printed; nothing here reads the shop's settings.

import sys

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, F, Q
from django.db.models.functions import Length, Trim, Upper

STATUS_CHOICES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("pending", "Pending"),
    ("paid", "Paid"),
    ("paid_refunded", "Paid, part refunded"),
    ("refunded", "Refunded"),
    ("charged_back", "Charged back"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
    ("unknown", "Unknown"),
]
ORDER_KEY_LENGTH = 100
CURRENCY_LENGTH = 3
AMOUNT_FIELDS = [
    ("total_gross_amount", "total gross amount", False),
    ("total_registered", "total registered", True),
    ("total_shopper_pending", "total shopper pending", True),
    ("total_acquirer_pending", "total acquirer pending", True),
    ("total_acquirer_approved", "total acquirer approved", True),
    ("total_captured", "total captured", True),
    ("total_refunded", "total refunded", True),
    ("total_charged_back", "total charged back", True),
]


def report(message):
    sys.stdout.write(f"  oscar_docdata: {message}\n")
    sys.stdout.flush()


def amount_field(verbose_name, with_default):
    extra = {"default": 0} if with_default else {}
    return models.DecimalField(decimal_places=4, max_digits=19, verbose_name=verbose_name,
                               **extra)


def check_values_fit(apps, schema_editor):
    """Refuse to shorten order_key and currency over values that would not fit."""
    orders = apps.get_model("oscar_docdata", "DocdataOrder").objects.using(
        schema_editor.connection.alias)
    normalised = orders.exclude(currency=Upper(Trim("currency"))).filter(
        currency__regex=r"^\s*[A-Za-z]{3}\s*$")
    count = normalised.update(currency=Upper(Trim("currency")))
    if count:
        report(f"{count} currency codes written in upper case")
    too_long = list(
        orders.annotate(key_length=Length("order_key"), currency_length=Length("currency"))
        .filter(Q(key_length__gt=ORDER_KEY_LENGTH) | Q(currency_length__gt=CURRENCY_LENGTH))
        .values_list("pk", "order_key", "currency")[:20]
    )
    if too_long:
        rows = "; ".join(f"id {pk}: order_key {key!r}, currency {cur!r}"
                         for pk, key, cur in too_long)
        raise RuntimeError(
            f"oscar_docdata cannot convert Docdata orders whose order key is longer than "
            f"{ORDER_KEY_LENGTH} characters or whose currency is not a 3-letter code: "
            f"{rows}. Nothing was changed. Correct or remove these rows (Docdata order keys "
            f"and ISO 4217 codes are never that long), then run migrate again."
        )


def fill_order_numbers(apps, schema_editor):
    orders = apps.get_model("oscar_docdata", "DocdataOrder").objects.using(
        schema_editor.connection.alias)
    count = orders.update(order_number=F("merchant_order_id"))
    if count:
        report(f"{count} orders: order_number taken from merchant_order_id")


def restore_old_references(apps, schema_editor):
    # Backwards: the old package reads the Oscar order number from merchant_order_id.
    orders = apps.get_model("oscar_docdata", "DocdataOrder").objects.using(
        schema_editor.connection.alias)
    orders.update(merchant_order_id=F("order_number"))


def mark_shared_references(apps, schema_editor):
    orders = apps.get_model("oscar_docdata", "DocdataOrder").objects.using(
        schema_editor.connection.alias)
    shared = (
        orders.values("merchant_name", "merchant_order_id")
        .annotate(count=Count("id")).filter(count__gt=1).order_by()
    )
    marked = groups = 0
    for group in shared.iterator():
        groups += 1
        marked += orders.filter(
            merchant_name=group["merchant_name"], merchant_order_id=group["merchant_order_id"]
        ).update(reference_shared=True)
    if groups:
        report(
            f"{marked} orders share {groups} merchant order references; kept and marked "
            f"reference_shared (manage.py docdata_upgrade_report lists them)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0002_remove_directdebitpayment_and_polymorphic_ctype"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(check_values_fit, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="docdataorder",
            name="merchant_order_id",
            field=models.CharField(
                help_text="The reference sent to Docdata; it may carry a retry suffix.",
                max_length=255, verbose_name="merchant order reference"),
        ),
        migrations.AddField(
            model_name="docdataorder",
            name="order_number",
            field=models.CharField(db_index=True, default="", max_length=128,
                                   verbose_name="order number"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_order_numbers, restore_old_references, elidable=True),
        migrations.AlterField(
            model_name="docdataorder",
            name="merchant_name",
            field=models.CharField(max_length=100, verbose_name="Docdata merchant"),
        ),
        migrations.AlterField(
            model_name="docdataorder",
            name="order_key",
            field=models.CharField(max_length=ORDER_KEY_LENGTH, unique=True,
                                   verbose_name="Docdata order key"),
        ),
        migrations.AlterField(
            model_name="docdataorder",
            name="currency",
            field=models.CharField(max_length=CURRENCY_LENGTH, verbose_name="currency"),
        ),
        migrations.AlterField(
            model_name="docdataorder",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, db_index=True, default="new",
                                   max_length=50, verbose_name="status"),
        ),
        migrations.AlterField(
            model_name="docdataorder",
            name="language",
            field=models.CharField(blank=True, default="en", max_length=5,
                                   verbose_name="language"),
        ),
        migrations.AlterField(
            model_name="docdataorder",
            name="country",
            field=models.CharField(blank=True, max_length=2, null=True,
                                   verbose_name="country code"),
        ),
        *(
            migrations.AlterField(
                model_name="docdataorder",
                name=name,
                field=amount_field(verbose_name, with_default),
            )
            for name, verbose_name, with_default in AMOUNT_FIELDS
        ),
        migrations.AddField(
            model_name="docdataorder",
            name="reference_shared",
            field=models.BooleanField(
                default=False, editable=False,
                help_text="Set by the upgrade from django-oscar-docdata when older orders "
                          "share this merchant order reference; new orders never do.",
                verbose_name="reference shared"),
        ),
        migrations.RunPython(mark_shared_references, migrations.RunPython.noop,
                             elidable=True),
        migrations.AlterModelOptions(
            name="docdataorder",
            options={"ordering": ("-created", "-id"), "verbose_name": "Docdata order",
                     "verbose_name_plural": "Docdata orders"},
        ),
        migrations.AddConstraint(
            model_name="docdataorder",
            constraint=models.UniqueConstraint(
                condition=Q(reference_shared=False),
                fields=("merchant_name", "merchant_order_id"),
                name="oscar_docdata_unique_reference_per_merchant"),
        ),
        migrations.CreateModel(
            name="DocdataStatusChange",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False,
                                        verbose_name="ID")),
                ("old_status", models.CharField(max_length=50, verbose_name="old status")),
                ("new_status", models.CharField(max_length=50, verbose_name="new status")),
                ("trigger", models.CharField(
                    choices=[("notification", "Docdata notification"),
                             ("return", "Shopper return"),
                             ("command", "Management command"),
                             ("dashboard", "Dashboard"),
                             ("api", "API call")],
                    max_length=20, verbose_name="trigger")),
                ("note", models.TextField(blank=True, default="", verbose_name="note")),
                ("created", models.DateTimeField(auto_now_add=True, db_index=True,
                                                 verbose_name="created")),
                ("docdata_order", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="status_changes", to="oscar_docdata.docdataorder",
                    verbose_name="Docdata order")),
                ("user", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "Docdata status change",
                "verbose_name_plural": "Docdata status changes",
                "ordering": ("-created", "-id"),
            },
        ),
    ]
