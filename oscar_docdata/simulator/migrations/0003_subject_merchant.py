# The subject merchant (sub-merchant) a simulated order was created for.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('docdata_simulator', '0002_password_hash'),
    ]

    operations = [
        migrations.AddField(
            model_name='simulatedorder',
            name='subject_merchant_name',
            field=models.CharField(blank=True, db_default='', default='', max_length=50, verbose_name='subject merchant'),
        ),
    ]
