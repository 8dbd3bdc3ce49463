# Content types (and their permissions) of models that no longer exist: the old
# package's direct debit subclass, and the temporary table of 0004 where a shop migrated
# one step at a time. Admin log entries that pointed at them keep their text.

from django.db import migrations

STALE_MODELS = ("docdatadirectdebitpayment", "docdatapaymentconverted")


def remove_stale_content_types(apps, schema_editor):
    connection = schema_editor.connection
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        connection.alias)
    stale = list(content_types.filter(app_label="oscar_docdata", model__in=STALE_MODELS)
                 .values_list("pk", flat=True))
    if not stale:
        return
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(stale))
    with connection.cursor() as cursor:
        # Raw SQL: these apps need not be in this migration's state, but their tables
        # may hold rows pointing at the content types.
        if "django_admin_log" in tables:
            cursor.execute(
                f"UPDATE {quote('django_admin_log')} SET {quote('content_type_id')} = NULL "
                f"WHERE {quote('content_type_id')} IN ({placeholders})", stale)
        if "auth_permission" in tables:
            if "auth_group_permissions" in tables:
                cursor.execute(
                    f"DELETE FROM {quote('auth_group_permissions')} WHERE "
                    f"{quote('permission_id')} IN (SELECT {quote('id')} FROM "
                    f"{quote('auth_permission')} WHERE {quote('content_type_id')} IN "
                    f"({placeholders}))", stale)
            if "auth_user_user_permissions" in tables:
                cursor.execute(
                    f"DELETE FROM {quote('auth_user_user_permissions')} WHERE "
                    f"{quote('permission_id')} IN (SELECT {quote('id')} FROM "
                    f"{quote('auth_permission')} WHERE {quote('content_type_id')} IN "
                    f"({placeholders}))", stale)
            cursor.execute(
                f"DELETE FROM {quote('auth_permission')} WHERE "
                f"{quote('content_type_id')} IN ({placeholders})", stale)
    content_types.filter(pk__in=stale).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0005_swap_payment_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(remove_stale_content_types, migrations.RunPython.noop,
                             elidable=True),
    ]
