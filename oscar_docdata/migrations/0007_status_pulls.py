# Two nullable columns for the bookkeeping of status pulls: which pull's report was
# applied last (an older one is then not applied), and when the last pull granted to a
# notification started (coalescing and the minimum interval). Adding nullable columns
# rewrites no rows, on databases created by 2.x and upgraded from 1.x (0003–0006) alike.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0006_remove_stale_content_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="docdataorder",
            name="status_report_pulled",
            field=models.DateTimeField(
                blank=True, editable=False, null=True,
                help_text="When the status call whose report was applied last started; "
                          "a report of an earlier call is not applied.",
                verbose_name="status report pulled"),
        ),
        migrations.AddField(
            model_name="docdataorder",
            name="status_pull_started",
            field=models.DateTimeField(
                blank=True, editable=False, null=True,
                help_text="When the last status call granted to a notification or return "
                          "started; the next one waits DOCDATA_NOTIFICATION_MIN_INTERVAL.",
                verbose_name="notification pull started"),
        ),
    ]
