"""A database as django-oscar-docdata 1.x left it, built without our migrations.

The tables are created with the SQL that Django 2.x emitted for the old package's two
migrations (serial ids and Django 2's constraint names on PostgreSQL), the two
migrations are recorded as applied, and rows of the kinds real shops hold are written
with plain SQL. ``migrate`` then has to bring this database to today's schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

OLD_MIGRATIONS = ("0001_initial", "0002_remove_directdebitpayment_and_polymorphic_ctype")

_ORDER_AMOUNTS = (
    "total_gross_amount", "total_registered", "total_shopper_pending",
    "total_acquirer_pending", "total_acquirer_approved", "total_captured", "total_refunded",
    "total_charged_back",
)
_PAYMENT_AMOUNTS = ("amount_allocated", "amount_debited", "amount_refunded",
                    "amount_chargeback")

SQLITE_DDL = [
    'CREATE TABLE "oscar_docdata_docdataorder" ("id" integer NOT NULL PRIMARY KEY '
    'AUTOINCREMENT, "merchant_name" varchar(100) NOT NULL, "merchant_order_id" varchar(100) '
    'NOT NULL, "order_key" varchar(200) NOT NULL UNIQUE, "status" varchar(50) NOT NULL, '
    '"language" varchar(5) NOT NULL, "total_gross_amount" decimal NOT NULL, "currency" '
    'varchar(10) NOT NULL, "country" varchar(2) NULL, '
    + ", ".join(f'"{name}" decimal NOT NULL' for name in _ORDER_AMOUNTS[1:])
    + ', "created" datetime NOT NULL, "updated" datetime NOT NULL)',
    'CREATE TABLE "oscar_docdata_docdatapayment" ("payment_id" varchar(100) NOT NULL PRIMARY '
    'KEY, "status" varchar(30) NOT NULL, "payment_method" varchar(60) NOT NULL, '
    '"confidence_level" varchar(30) NOT NULL, '
    + ", ".join(f'"{name}" decimal NOT NULL' for name in _PAYMENT_AMOUNTS)
    + ', "created" datetime NOT NULL, "updated" datetime NOT NULL, "docdata_order_id" integer '
    'NOT NULL REFERENCES "oscar_docdata_docdataorder" ("id") DEFERRABLE INITIALLY DEFERRED)',
    'CREATE INDEX "oscar_docdata_docdatapayment_docdata_order_id_5a0f5b2e" ON '
    '"oscar_docdata_docdatapayment" ("docdata_order_id")',
]

POSTGRES_DDL = [
    'CREATE TABLE "oscar_docdata_docdataorder" ("id" serial NOT NULL PRIMARY KEY, '
    '"merchant_name" varchar(100) NOT NULL, "merchant_order_id" varchar(100) NOT NULL, '
    '"order_key" varchar(200) NOT NULL UNIQUE, "status" varchar(50) NOT NULL, "language" '
    'varchar(5) NOT NULL, "total_gross_amount" numeric(15, 2) NOT NULL, "currency" '
    'varchar(10) NOT NULL, "country" varchar(2) NULL, '
    + ", ".join(f'"{name}" numeric(15, 2) NOT NULL' for name in _ORDER_AMOUNTS[1:])
    + ', "created" timestamp with time zone NOT NULL, "updated" timestamp with time zone '
    'NOT NULL)',
    'CREATE INDEX "oscar_docdata_docdataorder_order_key_0ad4e1b9_like" ON '
    '"oscar_docdata_docdataorder" ("order_key" varchar_pattern_ops)',
    'CREATE TABLE "oscar_docdata_docdatapayment" ("payment_id" varchar(100) NOT NULL PRIMARY '
    'KEY, "status" varchar(30) NOT NULL, "payment_method" varchar(60) NOT NULL, '
    '"confidence_level" varchar(30) NOT NULL, '
    + ", ".join(f'"{name}" numeric(12, 2) NOT NULL' for name in _PAYMENT_AMOUNTS)
    + ', "created" timestamp with time zone NOT NULL, "updated" timestamp with time zone '
    'NOT NULL, "docdata_order_id" integer NOT NULL)',
    'ALTER TABLE "oscar_docdata_docdatapayment" ADD CONSTRAINT '
    '"oscar_docdata_docdat_docdata_order_id_5a0f5b2e_fk_oscar_doc" FOREIGN KEY '
    '("docdata_order_id") REFERENCES "oscar_docdata_docdataorder" ("id") DEFERRABLE '
    'INITIALLY DEFERRED',
    'CREATE INDEX "oscar_docdata_docdatapayment_payment_id_3c2d9d6b_like" ON '
    '"oscar_docdata_docdatapayment" ("payment_id" varchar_pattern_ops)',
    'CREATE INDEX "oscar_docdata_docdatapayment_docdata_order_id_5a0f5b2e" ON '
    '"oscar_docdata_docdatapayment" ("docdata_order_id")',
]

#: Columns of the old tables as (name, type as the backend reports it, null, primary key).
OLD_COLUMNS = {
    "oscar_docdata_docdataorder": [
        "id", "merchant_name", "merchant_order_id", "order_key", "status", "language",
        "total_gross_amount", "currency", "country", *_ORDER_AMOUNTS[1:], "created", "updated",
    ],
    "oscar_docdata_docdatapayment": [
        "payment_id", "status", "payment_method", "confidence_level", *_PAYMENT_AMOUNTS,
        "created", "updated", "docdata_order_id",
    ],
}

LONG_AGO = datetime(2019, 3, 4, 5, 6, 7, tzinfo=UTC)


@dataclass
class OldOrder:
    """One row of the old order table (amounts in the order's currency)."""

    merchant_order_id: str
    order_key: str
    status: str = "new"
    currency: str = "EUR"
    total_gross_amount: Decimal = Decimal("12.34")
    merchant_name: str = "shop_test"
    language: str = "nl"
    country: str | None = "NL"
    totals: dict[str, Decimal] = field(default_factory=dict)
    created: datetime = LONG_AGO
    id: int | None = None  # set when written


@dataclass
class OldPayment:
    """One row of the old payment table; ``payment_id`` is the old text primary key."""

    payment_id: str
    order: OldOrder
    status: str = "AUTHORIZED"
    payment_method: str = "IDEAL"
    confidence_level: str = "ACQUIRER_APPROVED"
    amounts: dict[str, Decimal] = field(default_factory=dict)
    created: datetime = LONG_AGO


def build_old_database(orders: list[OldOrder], payments: list[OldPayment],
                       stale_content_type: bool = True) -> None:
    """Replace our tables by the old package's, with ``orders`` and ``payments`` in them."""
    executor = MigrationExecutor(connection)
    executor.migrate([("oscar_docdata", None)])
    with connection.cursor() as cursor:
        for statement in POSTGRES_DDL if connection.vendor == "postgresql" else SQLITE_DDL:
            cursor.execute(statement)
    recorder = MigrationRecorder(connection)
    for name in OLD_MIGRATIONS:
        recorder.record_applied("oscar_docdata", name)
    write_rows(orders, payments)
    if stale_content_type:
        add_stale_content_type()


def write_rows(orders: list[OldOrder], payments: list[OldPayment]) -> None:
    """INSERT the rows with plain SQL, as the old package's tables hold them."""
    order_columns = ["merchant_name", "merchant_order_id", "order_key", "status", "language",
                     "currency", "country", *_ORDER_AMOUNTS, "created", "updated"]
    payment_columns = ["payment_id", "status", "payment_method", "confidence_level",
                       *_PAYMENT_AMOUNTS, "created", "updated", "docdata_order_id"]
    with connection.cursor() as cursor:
        for order in orders:
            values: list[Any] = [
                order.merchant_name, order.merchant_order_id, order.order_key, order.status,
                order.language, order.currency, order.country, order.total_gross_amount,
                *(order.totals.get(name, Decimal("0.00")) for name in _ORDER_AMOUNTS[1:]),
                _db_datetime(order.created), _db_datetime(order.created + timedelta(hours=1)),
            ]
            cursor.execute(_insert("oscar_docdata_docdataorder", order_columns), values)
            cursor.execute(
                'SELECT "id" FROM "oscar_docdata_docdataorder" WHERE "order_key" = %s',
                [order.order_key],
            )
            order.id = cursor.fetchone()[0]
        for payment in payments:
            values = [
                payment.payment_id, payment.status, payment.payment_method,
                payment.confidence_level,
                *(payment.amounts.get(name, Decimal("0.00")) for name in _PAYMENT_AMOUNTS),
                _db_datetime(payment.created), _db_datetime(payment.created + timedelta(hours=2)),
                payment.order.id,
            ]
            cursor.execute(_insert("oscar_docdata_docdatapayment", payment_columns), values)


def add_stale_content_type() -> None:
    """The content type and permissions the old direct debit subclass left behind."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type, _ = ContentType.objects.get_or_create(
        app_label="oscar_docdata", model="docdatadirectdebitpayment")
    for action in ("add", "change", "delete"):
        Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_docdatadirectdebitpayment",
            defaults={"name": f"Can {action} Direct Debit Payment"})


def old_table_columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            table: [column.name for column in
                    connection.introspection.get_table_description(cursor, table)]
            for table in OLD_COLUMNS
        }


def _insert(table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - our names


def _db_datetime(value: datetime) -> Any:
    # SQLite stores text; Django 2's SQLite backend wrote naive UTC "YYYY-MM-DD HH:MM:SS".
    if connection.vendor == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value
