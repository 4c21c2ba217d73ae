"""Customer files become per company, step 2 of 2: the constraints and indexes per company.

A migration of its own because PostgreSQL refuses to alter tables whose rows the data step changed
in the same transaction (pending trigger events).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_customer_company_split")]

    operations = [
        migrations.RemoveConstraint(model_name="customersource", name="customer_source_unique"),
        migrations.RemoveField(model_name="customersource", name="company"),
        migrations.AddConstraint(
            model_name="customersource",
            constraint=models.UniqueConstraint(fields=("customer", "channel"), name="customer_source_once"),
        ),
        migrations.RemoveField(model_name="customer", name="companies"),
        migrations.DeleteModel(name="CustomerCompany"),
        migrations.AlterField(
            model_name="customer",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="customers",
                to="organization.company",
                verbose_name="company",
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(fields=("company", "phone"), name="customer_company_phone_unique"),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number", ""), _negated=True),
                fields=("company", "id_number"),
                name="customer_company_id_number_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["company", "-id"], name="customer_company_recent"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["company", "phone_tail"], name="customer_company_tail"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["company", "name"], name="customer_company_name"),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed the customer file"),
                    ("list", "Listed in a search"),
                    ("unmask", "Revealed full phone and ID number"),
                    ("api_read", "Read through the API"),
                    ("export", "Exported"),
                    ("merge", "Merged duplicates"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
