# The second migration of django-oscar-docdata 1.x, written anew: the direct debit
# subclass and django-polymorphic's content type column go. (The old migration removed
# the subclass's parent link first; deleting the model alone leaves the same schema and
# can be reversed.)

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("oscar_docdata", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="docdatapayment",
            name="polymorphic_ctype",
        ),
        migrations.DeleteModel(
            name="DocdataDirectDebitPayment",
        ),
    ]
