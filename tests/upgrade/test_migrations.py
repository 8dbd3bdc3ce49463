"""A shop's database of django-oscar-docdata 1.x, upgraded with ``migrate``.

Every row must survive with its values; rows that cannot be converted as they are
(an unusable payment id, a reference shared by two orders) are kept and reported.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from oscar_docdata.interface import Interface
from oscar_docdata.models import DocdataOrder, DocdataPayment

from .old_schema import (
    LONG_AGO,
    OLD_COLUMNS,
    OldOrder,
    OldPayment,
    build_old_database,
    old_table_columns,
)

pytestmark = pytest.mark.usefixtures("upgrade_db")

D = Decimal


def realistic_rows() -> tuple[list[OldOrder], list[OldPayment]]:
    """Orders and payments of the kinds an old shop's tables hold."""
    key = iter(f"{0xA1D0000 + n:032X}" for n in range(1000)).__next__
    paid = OldOrder("100001", key(), "paid", totals={
        "total_registered": D("12.34"), "total_acquirer_approved": D("12.34"),
        "total_captured": D("12.34")})
    refunded = OldOrder("100002", key(), "refunded", "GBP", D("99.99"), totals={
        "total_registered": D("99.99"), "total_captured": D("99.99"),
        "total_refunded": D("99.99")})
    charged_back = OldOrder("100003", key(), "charged_back", "USD", D("237.00"),
                            merchant_name="shop_sub", totals={
                                "total_registered": D("237.00"), "total_captured": D("237.00"),
                                "total_charged_back": D("237.00")})
    huge = OldOrder("100004", key(), "paid_refunded", total_gross_amount=D("9999999999999.99"),
                    totals={"total_registered": D("9999999999999.99"),
                            "total_captured": D("9999999999999.99"),
                            "total_refunded": D("0.01")})
    statuses = [OldOrder(f"1001{n:02}", key(), status) for n, status in enumerate(
        ["new", "in_progress", "pending", "cancelled", "expired", "unknown"])]
    # One order number made against Docdata's test and live environment, in one database.
    shared = [OldOrder("100200", key(), "cancelled"), OldOrder("100200", key(), "paid")]
    retired = OldOrder("100300", key(), "paid", merchant_name="old_account", country=None)
    lowercase = OldOrder("100301", key(), "new", currency="eur", language="")
    orders = [paid, refunded, charged_back, huge, *statuses, *shared, retired, lowercase]
    payments = [
        OldPayment("2530366542", paid, amounts={"amount_allocated": D("12.34"),
                                                "amount_debited": D("12.34")}),
        OldPayment("2530366543", refunded, "AUTHORIZED", "MASTERCARD", amounts={
            "amount_allocated": D("99.99"), "amount_debited": D("99.99"),
            "amount_refunded": D("99.99")}),
        OldPayment("9876543210123", charged_back, "AUTHORIZED", "AMEX", amounts={
            "amount_allocated": D("237.00"), "amount_debited": D("237.00"),
            "amount_chargeback": D("237.00")}),
        OldPayment("9223372036854775807", huge, amounts={
            "amount_allocated": D("9999999999.99"), "amount_debited": D("9999999999.99"),
            "amount_refunded": D("0.01")}),
        OldPayment("2530366600", statuses[3], "CANCELED", confidence_level=""),
        OldPayment("42", shared[1]),
        # Ids no Docdata payment can have: kept, without a payment id.
        OldPayment("", statuses[5], "NEW", ""),
        OldPayment("abc-1", statuses[5], "NEW", ""),
        OldPayment("0", statuses[5], "NEW", ""),
        OldPayment("99999999999999999999", statuses[5], "NEW", ""),
        OldPayment("0042", shared[0], "NEW"),  # names the same number as "42"
    ]
    return orders, payments


def migrate_with_output(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    call_command("migrate", "oscar_docdata", verbosity=1)
    return capsys.readouterr().out


def test_our_first_two_migrations_create_the_old_schema():
    """0001 and 0002, applied by us, give the tables the old package's migrations gave."""
    executor = MigrationExecutor(connection)
    executor.migrate([("oscar_docdata", None)])
    executor = MigrationExecutor(connection)
    executor.migrate([("oscar_docdata",
                       "0002_remove_directdebitpayment_and_polymorphic_ctype")])
    ours = old_table_columns()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        payment_pk = connection.introspection.get_primary_key_column(
            cursor, "oscar_docdata_docdatapayment")
        described = {column.name: column for column in
                     connection.introspection.get_table_description(
                         cursor, "oscar_docdata_docdataorder")}
    assert "oscar_docdata_docdatadirectdebitpayment" not in tables
    assert {table: sorted(columns) for table, columns in ours.items()} == {
        table: sorted(columns) for table, columns in OLD_COLUMNS.items()}
    assert payment_pk == "payment_id"
    if connection.vendor == "postgresql":
        assert described["order_key"].display_size == 200
        assert (described["total_captured"].precision, described["total_captured"].scale) == (
            15, 2)


def test_every_row_survives_with_its_values(capsys):
    orders, payments = realistic_rows()
    build_old_database(orders, payments)

    output = migrate_with_output(capsys)

    assert DocdataOrder.objects.count() == len(orders)
    for old in orders:
        order = DocdataOrder.objects.get(order_key=old.order_key)
        assert order.pk == old.id
        assert order.order_number == old.merchant_order_id
        assert order.merchant_order_id == old.merchant_order_id
        assert order.merchant_name == old.merchant_name
        assert order.status == old.status
        assert order.currency == old.currency.upper()
        assert order.total_gross_amount == old.total_gross_amount
        for name, value in old.totals.items():
            assert getattr(order, name) == value, name
        assert order.created == old.created
        assert order.language == old.language and order.country == old.country
    assert DocdataPayment.objects.count() == len(payments)
    by_old_id = {
        (payment.legacy_payment_id if payment.payment_id is None else str(payment.payment_id)):
        payment for payment in DocdataPayment.objects.select_related("docdata_order")
    }
    for old in payments:
        payment = by_old_id[old.payment_id]
        assert payment.docdata_order.order_key == old.order.order_key
        assert payment.status == old.status
        assert payment.payment_method == old.payment_method
        assert payment.currency == old.order.currency.upper()
        assert payment.lines == {}
        assert payment.created == old.created
        assert payment.updated == old.created + timedelta(hours=2)
        for name, value in old.amounts.items():
            assert getattr(payment, name) == value, name
    assert DocdataPayment.objects.get(payment_id=9223372036854775807).amount_refunded == D(
        "0.01")
    assert f"{len(orders)} orders: order_number taken from merchant_order_id" in output
    # The export that failed on the unconverted tables works now.
    dump = io.StringIO()
    call_command("dumpdata", "oscar_docdata", stdout=dump)
    models = [row["model"] for row in json.loads(dump.getvalue())]
    assert models.count("oscar_docdata.docdatapayment") == len(payments)
    assert "11 payments converted" in output


def test_unusable_payment_ids_are_kept_visible_and_reported(capsys):
    orders, payments = realistic_rows()
    build_old_database(orders, payments)

    output = migrate_with_output(capsys)

    unusable = DocdataPayment.objects.filter(payment_id__isnull=True)
    assert sorted(unusable.values_list("legacy_payment_id", flat=True)) == sorted(
        ["", "abc-1", "0", "99999999999999999999", "0042"])
    # "42" is the canonical spelling: it keeps the number, "0042" does not take it.
    assert DocdataPayment.objects.get(payment_id=42).legacy_payment_id == ""
    assert "5 payments kept without a usable payment id" in output
    assert "'abc-1'" in output
    assert str(DocdataPayment.objects.get(legacy_payment_id="abc-1")).startswith("'abc-1'")

    report = io.StringIO()
    call_command("docdata_upgrade_report", stdout=report)
    text = report.getvalue()
    for old_id in ("'abc-1'", "'0042'", "''", "'99999999999999999999'"):
        assert old_id in text
    assert "100200" in text  # the shared reference


def test_shared_references_are_kept_and_new_orders_stay_unique(capsys):
    orders, payments = realistic_rows()
    build_old_database(orders, payments)

    output = migrate_with_output(capsys)

    shared = DocdataOrder.objects.filter(merchant_order_id="100200")
    assert shared.count() == 2 and all(order.reference_shared for order in shared)
    assert DocdataOrder.objects.filter(reference_shared=True).count() == 2
    assert "2 orders share 1 merchant order references" in output
    # New orders get a reference of their own, and the database refuses a repeat.
    assert Interface.next_merchant_order_id("100200", "shop_test") == "100200-2"
    new = DocdataOrder.objects.create(
        merchant_name="shop_test", merchant_order_id="100400", order_number="100400",
        order_key="NEW-1", total_gross_amount=D("1.00"), currency="EUR")
    assert not new.reference_shared
    with pytest.raises(IntegrityError), transaction.atomic():
        DocdataOrder.objects.create(
            merchant_name="shop_test", merchant_order_id="100400", order_number="100400",
            order_key="NEW-2", total_gross_amount=D("1.00"), currency="EUR")


def test_stale_content_type_of_the_old_subclass_is_removed():
    orders, payments = realistic_rows()
    build_old_database(orders, payments)
    assert ContentType.objects.filter(model="docdatadirectdebitpayment").exists()

    call_command("migrate", "oscar_docdata", verbosity=0)

    assert not ContentType.objects.filter(app_label="oscar_docdata",
                                          model="docdatadirectdebitpayment").exists()
    from django.contrib.auth.models import Permission

    assert not Permission.objects.filter(codename__endswith="docdatadirectdebitpayment").exists()


def test_too_long_order_keys_stop_the_upgrade_before_anything_changes():
    orders = [OldOrder("100500", "K" * 150), OldOrder("100501", "GOOD-KEY", currency="EURO")]
    build_old_database(orders, [], stale_content_type=False)

    with pytest.raises(RuntimeError) as raised:
        call_command("migrate", "oscar_docdata", verbosity=0)

    message = str(raised.value)
    assert "K" * 150 in message and "'EURO'" in message and "Nothing was changed" in message
    with connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM "oscar_docdata_docdataorder"')
        assert cursor.fetchone()[0] == 2
        described = [column.name for column in connection.introspection.get_table_description(
            cursor, "oscar_docdata_docdataorder")]
    assert "order_number" not in described  # still the old schema, untouched
    # Once the rows are corrected the upgrade goes through.
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "oscar_docdata_docdataorder" SET "order_key" = %s, '
                       '"currency" = %s WHERE "merchant_order_id" = %s',
                       ["FIXED-KEY", "EUR", "100500"])
        cursor.execute('UPDATE "oscar_docdata_docdataorder" SET "currency" = %s '
                       'WHERE "merchant_order_id" = %s', ["EUR", "100501"])
    call_command("migrate", "oscar_docdata", verbosity=0)
    assert DocdataOrder.objects.count() == 2


def test_the_upgrade_can_be_reversed_to_the_old_schema_and_back():
    orders, payments = realistic_rows()
    build_old_database(orders, payments)
    call_command("migrate", "oscar_docdata", verbosity=0)

    call_command("migrate", "oscar_docdata",
                 "0002_remove_directdebitpayment_and_polymorphic_ctype", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute('SELECT "payment_id" FROM "oscar_docdata_docdatapayment"')
        old_ids = {row[0] for row in cursor.fetchall()}
        cursor.execute('SELECT COUNT(*) FROM "oscar_docdata_docdataorder"')
        assert cursor.fetchone()[0] == len(orders)
    assert {"2530366542", "42", "abc-1", "0042", "99999999999999999999"} <= old_ids
    assert len(old_ids) == len(payments)
    call_command("migrate", "oscar_docdata", verbosity=0)
    assert DocdataPayment.objects.count() == len(payments)


def test_a_fresh_database_migrates_to_zero_and_back():
    call_command("migrate", "oscar_docdata", "zero", verbosity=0)
    assert "oscar_docdata_docdataorder" not in connection.introspection.table_names()
    call_command("migrate", "oscar_docdata", verbosity=0)
    assert DocdataOrder.objects.count() == 0


def test_no_migration_imports_the_package_or_reads_settings():
    """Migrations are frozen: no import of the package, settings only for the user model."""
    import ast
    from pathlib import Path

    import oscar_docdata

    folder = Path(oscar_docdata.__file__).parent / "migrations"
    for path in sorted(folder.glob("0*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("oscar_docdata"), path.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("oscar_docdata") for a in node.names), path.name
            elif isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "settings":
                assert node.attr == "AUTH_USER_MODEL", path.name


def test_created_dates_are_not_touched():
    orders, payments = realistic_rows()
    build_old_database(orders, payments)
    call_command("migrate", "oscar_docdata", verbosity=0)
    assert set(DocdataOrder.objects.values_list("created", flat=True)) == {LONG_AGO}
