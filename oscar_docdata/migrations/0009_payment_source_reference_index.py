# An index on the reference of Oscar's payment Source. Every status report the plugin
# applies looks up the Oscar order by its Docdata Source (reference = order key); Oscar
# does not index that column, so the look-up read the whole table (75 ms per report at
# 100,000 orders on PostgreSQL; 0.15 ms with the index).
#
# The index is not part of any model's state: Oscar owns the table, and a state change
# here would make Oscar's makemigrations want to follow it. It has a name of ours, so
# Oscar's own migrations never create, drop or rename it; an index already covering the
# column (a shop's own, or a future Oscar one) is left alone and none is added. On
# PostgreSQL it is built CONCURRENTLY, so a large shop keeps taking orders meanwhile
# (hence a non-atomic migration). Only PostgreSQL (and MySQL) keep it through a later
# AlterField of Oscar's on that table: SQLite rebuilds the table and loses it (on a new
# SQLite database Oscar's payment migrations after 0001 run after this one). That costs
# a development database speed, never correctness. The dependency names no migration
# of Oscar's but the first, so that a forked payment app with its own migrations works.

from django.db import migrations

INDEX_NAME = "oscar_docdata_source_reference"


def reference_is_indexed(schema_editor, table, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return any(
        (info.get("index") or info.get("unique")) and (info.get("columns") or [])[:1] == [column]
        for info in constraints.values()
    )


def add_index(apps, schema_editor):
    """Create the index on payment Source's reference, unless one covers it already."""
    source = apps.get_model("payment", "Source")
    create_reference_index(schema_editor, source._meta.db_table,
                           source._meta.get_field("reference").column)


def create_reference_index(schema_editor, table, column):
    if reference_is_indexed(schema_editor, table, column):
        return
    quote = schema_editor.quote_name
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}{quote(INDEX_NAME)} ON {quote(table)} ({quote(column)})"
    )


def remove_index(apps, schema_editor):
    """Drop our index (only ours: one by another name is not ours to drop)."""
    source = apps.get_model("payment", "Source")
    table = source._meta.db_table
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if INDEX_NAME not in connection.introspection.get_constraints(cursor, table):
            return
    schema_editor.execute(schema_editor.sql_delete_index % {
        "table": schema_editor.quote_name(table), "name": schema_editor.quote_name(INDEX_NAME)
    })


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("oscar_docdata", "0008_money_requests"),
        ("payment", "__first__"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index),
    ]
