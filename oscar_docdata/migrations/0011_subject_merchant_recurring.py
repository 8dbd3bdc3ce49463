# Orders created for a subject merchant (Docdata's sub-merchant) record its name, indexed
# for the staff list's filter; recurring payments: the initial order records its initial
# payment reference, and a later charge links to the initial order it charged again.
# Existing orders get the empty values: they have no subject merchant and start no series.
# The empty values are database defaults too, so rows written by plain SQL get them.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oscar_docdata', '0010_staff_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='docdataorder',
            name='initial_payment_reference',
            field=models.CharField(blank=True, db_default='', default='', help_text='Set on the first order of a recurring series: the reference later charges give Docdata to charge the same account again.', max_length=50, verbose_name='initial payment reference'),
        ),
        migrations.AddField(
            model_name='docdataorder',
            name='recurring_initial_order',
            field=models.ForeignKey(blank=True, editable=False, help_text='Set on a recurring charge: the initial order it charged again.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recurring_charges', to='oscar_docdata.docdataorder', verbose_name='initial order of the series'),
        ),
        migrations.AddField(
            model_name='docdataorder',
            name='subject_merchant_name',
            field=models.CharField(blank=True, db_default='', default='', help_text='The sub-merchant this order was created for, if any.', max_length=50, verbose_name='subject merchant'),
        ),
        migrations.AddIndex(
            model_name='docdataorder',
            index=models.Index(fields=['subject_merchant_name', '-created', '-id'], name='docdata_order_subject_idx'),
        ),
    ]
