# Docdata payments of django-oscar-docdata 1.x, step 1 of 2: copy every row into a
# table of today's shape (0005 swaps the tables).
#
# The old primary key was the text payment_id; today rows have an id and payment_id is a
# unique whole number (Docdata's paymentId, a positive integer). Old ids that are a
# positive whole number that fits are converted; where two rows name one number ("0042"
# and "42") the plain spelling keeps it. Any other old id (empty, not a number, zero, too long) cannot
# name a Docdata payment: such a row is kept with payment_id empty and its old text in
# legacy_payment_id, shown in the dashboard and listed by docdata_upgrade_report.
# Amounts go from (12,2) to (19,4); currency (the order's) and lines are added.
#
# Copying instead of altering the table in place keeps both databases on one path:
# neither SQLite nor PostgreSQL can turn a text primary key into a serial one in place.

import sys

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000
MAX_PAYMENT_ID = 2**63 - 1  # PositiveBigIntegerField
COPIED_FIELDS = (
    "status", "payment_method", "confidence_level", "amount_allocated", "amount_debited",
    "amount_refunded", "amount_chargeback", "created", "updated",
)


def report(message):
    sys.stdout.write(f"  oscar_docdata: {message}\n")
    sys.stdout.flush()


def amount_field(verbose_name):
    return models.DecimalField(decimal_places=4, default=0, max_digits=19,
                               verbose_name=verbose_name)


def usable_payment_id(text):
    """The whole number in an old text id, or None when it cannot be a paymentId."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_PAYMENT_ID else None


def copy_payments(apps, schema_editor):
    alias = schema_editor.connection.alias
    old_payments = apps.get_model("oscar_docdata", "DocdataPayment").objects.using(alias)
    new_model = apps.get_model("oscar_docdata", "DocdataPaymentConverted")
    new_payments = new_model.objects.using(alias)
    # Keep the old timestamps: this historical model class lives only for this function.
    for name in ("created", "updated"):
        field = new_model._meta.get_field(name)
        field.auto_now = field.auto_now_add = False
    rows = (
        old_payments.order_by("pk")
        .values_list("payment_id", "docdata_order_id", "docdata_order__currency",
                     *COPIED_FIELDS)
        .iterator(chunk_size=BATCH)
    )
    # Numbers spelled plainly ("42") first, so that "0042" cannot take 42 from "42".
    taken = set()
    for old_id in old_payments.values_list("payment_id", flat=True).iterator(chunk_size=BATCH):
        number = usable_payment_id(old_id)
        if number is not None and old_id == str(number):
            taken.add(number)
    unusable = []
    batch = []
    copied = 0
    for old_id, order_id, currency, *values in rows:
        payment_id = usable_payment_id(old_id)
        if payment_id is not None and old_id != str(payment_id):
            payment_id = None if payment_id in taken else payment_id
            taken.add(payment_id)
        if payment_id is None:
            unusable.append((old_id, order_id))
        batch.append(new_model(
            payment_id=payment_id,
            legacy_payment_id="" if payment_id is not None else old_id,
            docdata_order_id=order_id,
            currency=(currency or "")[:3],
            lines={},
            **dict(zip(COPIED_FIELDS, values, strict=True)),
        ))
        if len(batch) >= BATCH:
            new_payments.bulk_create(batch)
            copied += len(batch)
            batch = []
    new_payments.bulk_create(batch)
    copied += len(batch)
    if copied:
        report(f"{copied} payments converted to numeric payment ids")
    if unusable:
        report(
            f"{len(unusable)} payments kept without a usable payment id (old id in "
            f"legacy_payment_id; manage.py docdata_upgrade_report lists them):"
        )
        for old_id, order_id in unusable[:20]:
            report(f"  payment {old_id!r} of Docdata order id {order_id}")
        if len(unusable) > 20:
            report(f"  … and {len(unusable) - 20} more")


def copy_payments_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    old_model = apps.get_model("oscar_docdata", "DocdataPayment")
    new_payments = apps.get_model("oscar_docdata", "DocdataPaymentConverted").objects.using(
        alias)
    batch = []
    rows = new_payments.order_by("pk").values_list(
        "pk", "payment_id", "legacy_payment_id", "docdata_order_id", *COPIED_FIELDS
    ).iterator(chunk_size=BATCH)
    for pk, payment_id, legacy, order_id, *values in rows:
        old_id = str(payment_id) if payment_id is not None else (legacy or f"unusable-{pk}")
        batch.append(old_model(payment_id=old_id, docdata_order_id=order_id,
                               **dict(zip(COPIED_FIELDS, values, strict=True))))
        if len(batch) >= BATCH:
            old_model.objects.using(alias).bulk_create(batch)
            batch = []
    old_model.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0003_convert_orders"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocdataPaymentConverted",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False,
                                        verbose_name="ID")),
                ("payment_id", models.PositiveBigIntegerField(blank=True, null=True,
                                                              unique=True,
                                                              verbose_name="payment id")),
                ("legacy_payment_id", models.CharField(
                    blank=True, default="", editable=False, max_length=100,
                    help_text="The old package's payment id, kept when it was not a usable "
                              "whole number.",
                    verbose_name="payment id before the upgrade")),
                ("payment_method", models.CharField(blank=True, default="", max_length=60,
                                                    verbose_name="payment method")),
                ("status", models.CharField(default="NEW", max_length=100,
                                            verbose_name="status")),
                ("confidence_level", models.CharField(blank=True, default="", max_length=50,
                                                      verbose_name="confidence level")),
                ("currency", models.CharField(blank=True, default="", max_length=3,
                                              verbose_name="currency")),
                ("amount_allocated", amount_field("amount allocated")),
                ("amount_debited", amount_field("amount debited")),
                ("amount_refunded", amount_field("amount refunded")),
                ("amount_chargeback", amount_field("amount charged back")),
                ("lines", models.JSONField(blank=True, default=dict,
                                           verbose_name="captures, refunds and chargebacks")),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("docdata_order", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to="oscar_docdata.docdataorder", verbose_name="Docdata order")),
            ],
            options={
                "verbose_name": "Docdata payment",
                "verbose_name_plural": "Docdata payments",
                "ordering": ("payment_id",),
            },
        ),
        migrations.RunPython(copy_payments, copy_payments_back, elidable=True),
    ]
