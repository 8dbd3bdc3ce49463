# Indexes of the staff pages (dashboard list and admin): the lists' ordering, the
# filters with that ordering, the search by reference and by an old package's payment
# id; the status and request state columns' own indexes make way for the composite
# indexes that start with them.
#
# On PostgreSQL, where the pg_trgm extension is available and may be created (or is
# already there), trigram indexes on order number, merchant reference and order key let
# the search match parts of them (see oscar_docdata.querysets.order_search). Where that
# is not possible a message says so and the search matches whole values only; other
# databases get no trigram indexes. Reversing drops the indexes, not the extension.

import sys

from django.conf import settings
from django.db import migrations, models, transaction
from django.db.utils import DatabaseError

# Column and index names, as oscar_docdata.querysets.TRIGRAM_INDEXES knows them.
TRIGRAM_INDEXES = [
    ("order_number", "oscar_docdata_order_number_trgm"),
    ("merchant_order_id", "oscar_docdata_order_reference_trgm"),
    ("order_key", "oscar_docdata_order_key_trgm"),
]


def report(message):
    sys.stdout.write(f"  oscar_docdata: {message}\n")
    sys.stdout.flush()


def trigram_extension(schema_editor):
    """Whether pg_trgm is installed, creating it when available and allowed."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT installed_version FROM pg_available_extensions WHERE name = 'pg_trgm'"
        )
        row = cursor.fetchone()
    if row is None:
        report("pg_trgm is not available on this server: the staff search matches "
               "whole values only (order number, reference, order key, payment id).")
        return False
    if row[0] is not None:
        return True
    try:
        # A savepoint: a refused CREATE EXTENSION must not abort the migration.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        report(f"pg_trgm could not be created ({str(error).strip()}): the staff search "
               "matches whole values only. A superuser can run CREATE EXTENSION pg_trgm "
               "and then: django-admin migrate oscar_docdata 0008 && django-admin "
               "migrate oscar_docdata.")
        return False
    return True


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not trigram_extension(schema_editor):
        return
    table = schema_editor.quote_name(apps.get_model("oscar_docdata", "DocdataOrder")._meta.db_table)
    for column, name in TRIGRAM_INDEXES:
        # UPPER(): the expression Django's icontains compares on PostgreSQL.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} "
            f"USING gin (UPPER({schema_editor.quote_name(column)}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _column, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")



class Migration(migrations.Migration):

    dependencies = [
        ('oscar_docdata', '0009_payment_source_reference_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='docdatamoneyrequest',
            name='state',
            field=models.CharField(choices=[('sending', 'Being sent'), ('accepted', 'Accepted by Docdata'), ('unknown', 'Outcome unknown'), ('refused', 'Refused by Docdata'), ('not_sent', 'Not sent'), ('pending', 'In progress at Docdata'), ('done', 'Done'), ('failed', 'Failed at Docdata'), ('not_received', 'Never reached Docdata')], default='sending', max_length=20, verbose_name='request state'),
        ),
        migrations.AlterField(
            model_name='docdataorder',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('in_progress', 'In progress'), ('pending', 'Pending'), ('paid', 'Paid'), ('paid_refunded', 'Paid, part refunded'), ('refunded', 'Refunded'), ('charged_back', 'Charged back'), ('cancelled', 'Cancelled'), ('expired', 'Expired'), ('unknown', 'Unknown')], default='new', max_length=50, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='docdatamoneyrequest',
            index=models.Index(fields=['created', 'id'], name='docdata_request_created_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatamoneyrequest',
            index=models.Index(fields=['state', 'created', 'id'], name='docdata_request_state_idx'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['-created', '-id'], name='docdata_order_created_idx'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['status', '-created', '-id'], name='docdata_order_status_idx'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['merchant_name', '-created', '-id'], name='docdata_order_merchant_idx'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['merchant_order_id'], name='docdata_order_reference_idx'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['status', 'merchant_name', '-created', '-id'], name='docdata_order_status_merch_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatapayment',
            index=models.Index(fields=['status', 'payment_id'], name='docdata_payment_status_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatapayment',
            index=models.Index(fields=['confidence_level', 'payment_id'], name='docdata_payment_confidence_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatapayment',
            index=models.Index(condition=models.Q(('legacy_payment_id', ''), _negated=True), fields=['legacy_payment_id'], name='docdata_payment_legacy_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatastatuschange',
            index=models.Index(fields=['new_status', '-created', '-id'], name='docdata_change_status_idx'),
        ),
        migrations.AddIndex(
            model_name='docdatastatuschange',
            index=models.Index(fields=['trigger', '-created', '-id'], name='docdata_change_trigger_idx'),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
