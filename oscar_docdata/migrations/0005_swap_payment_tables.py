# Docdata payments, step 2 of 2: the converted table (0004) takes the old one's place.
# A migration of its own: on PostgreSQL a table cannot be renamed in the transaction that
# filled it while its deferred foreign key checks are pending.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0004_convert_payments"),
    ]

    operations = [
        migrations.DeleteModel(
            name="DocdataPayment",
        ),
        migrations.RenameModel(
            old_name="DocdataPaymentConverted",
            new_name="DocdataPayment",
        ),
        migrations.AlterField(
            model_name="docdatapayment",
            name="docdata_order",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="payments",
                to="oscar_docdata.docdataorder", verbose_name="Docdata order"),
        ),
    ]
