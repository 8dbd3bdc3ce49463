# The schema of django-oscar-docdata 1.x, written anew. Shops upgrading from that
# package have this migration (and 0002) recorded already; their tables look exactly
# like this. Later migrations convert them to today's schema. Defaults that the old
# package read from settings are plain constants here: a migration must not depend on
# a shop's settings.

import django.db.models.deletion
from decimal import Decimal

from django.db import migrations, models

OLD_STATUS_CHOICES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("pending", "Pending"),
    ("paid", "Paid"),
    ("paid_refunded", "Paid, part refunded"),
    ("cancelled", "Cancelled"),
    ("charged_back", "Charged back"),
    ("refunded", "Refunded"),
    ("expired", "Expired"),
    ("unknown", "Unknown"),
]


def order_amount(verbose_name, **kwargs):
    return models.DecimalField(verbose_name=verbose_name, max_digits=15, decimal_places=2,
                               **kwargs)


def payment_amount(verbose_name):
    return models.DecimalField(verbose_name=verbose_name, max_digits=12, decimal_places=2,
                               default=Decimal("0.00"), editable=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocdataOrder",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False,
                                        verbose_name="ID")),
                ("merchant_name", models.CharField(default="", max_length=100,
                                                   verbose_name="Docdata account")),
                ("merchant_order_id", models.CharField(default="", max_length=100,
                                                       verbose_name="Order ID")),
                ("order_key", models.CharField(default="", max_length=200, unique=True,
                                               verbose_name="Payment cluster ID")),
                ("status", models.CharField(choices=OLD_STATUS_CHOICES, default="new",
                                            max_length=50, verbose_name="Status")),
                ("language", models.CharField(blank=True, default="en", max_length=5,
                                              verbose_name="Language")),
                ("total_gross_amount", order_amount("Total gross amount")),
                ("currency", models.CharField(max_length=10, verbose_name="Currency")),
                ("country", models.CharField(blank=True, max_length=2, null=True,
                                             verbose_name="Country_code")),
                ("total_registered", order_amount("Total registered", default=Decimal("0.00"))),
                ("total_shopper_pending", order_amount("Total shopper pending",
                                                       default=Decimal("0.00"))),
                ("total_acquirer_pending", order_amount("Total acquirer pending",
                                                        default=Decimal("0.00"))),
                ("total_acquirer_approved", order_amount("Total acquirer approved",
                                                         default=Decimal("0.00"))),
                ("total_captured", order_amount("Total captured", default=Decimal("0.00"))),
                ("total_refunded", order_amount("Total refunded", default=Decimal("0.00"))),
                ("total_charged_back", order_amount("Total charged back",
                                                    default=Decimal("0.00"))),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "Docdata Order",
                "verbose_name_plural": "Docdata Orders",
                "ordering": ("-created", "-updated"),
            },
        ),
        migrations.CreateModel(
            name="DocdataPayment",
            fields=[
                ("payment_id", models.CharField(blank=True, default="", max_length=100,
                                                primary_key=True, serialize=False,
                                                verbose_name="Payment id")),
                ("status", models.CharField(default="NEW", max_length=30,
                                            verbose_name="status")),
                ("payment_method", models.CharField(blank=True, default="", max_length=60)),
                ("confidence_level", models.CharField(default="", editable=False, max_length=30,
                                                      verbose_name="Confidence level")),
                ("amount_allocated", payment_amount("Amount Allocated")),
                ("amount_debited", payment_amount("Amount Debited")),
                ("amount_refunded", payment_amount("Amount Refunded")),
                ("amount_chargeback", payment_amount("Amount Charged back")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "Payment",
                "verbose_name_plural": "Payments",
                "ordering": ("payment_id",),
            },
        ),
        # The old package's direct debit subclass (multi-table inheritance, through
        # django-polymorphic); 0002 removes it again.
        migrations.CreateModel(
            name="DocdataDirectDebitPayment",
            fields=[
                ("docdatapayment_ptr", models.OneToOneField(
                    auto_created=True, on_delete=django.db.models.deletion.CASCADE,
                    parent_link=True, primary_key=True, serialize=False,
                    to="oscar_docdata.docdatapayment")),
                ("holder_name", models.CharField(max_length=35)),
                ("holder_city", models.CharField(max_length=35)),
                ("holder_country_code", models.CharField(blank=True, max_length=2, null=True,
                                                         verbose_name="Country_code")),
                ("iban", models.CharField(max_length=34)),
                ("bic", models.CharField(max_length=11)),
            ],
            options={
                "verbose_name": "Direct Debit Payment",
                "verbose_name_plural": "Direct Debit Payments",
                "ordering": ("-created", "-updated"),
            },
            bases=("oscar_docdata.docdatapayment",),
        ),
        migrations.AddField(
            model_name="docdatapayment",
            name="docdata_order",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="payments", to="oscar_docdata.docdataorder"),
        ),
        migrations.AddField(
            model_name="docdatapayment",
            name="polymorphic_ctype",
            field=models.ForeignKey(editable=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="polymorphic_oscar_docdata.docdatapayment_set+",
                                    to="contenttypes.contenttype"),
        ),
    ]
