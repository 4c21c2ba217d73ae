"""Customer files become per company (issue 12), step 1 of 2: the data: a person known to two companies gets two files.

Each existing file goes to the company that linked it first; for every further company a copy of the
file is made and that company's rows (purchases, contacts, complaints, tasks, surveys, membership)
move to the copy, so after the migration no company reaches a file through another company's rows.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Every row that points at a customer and belongs to one company, with the path to that company.
COMPANY_BOUND = [
    ("customers", "Purchase", "unit__building__project__company_id"),
    ("customers", "Communication", "company_id"),
    ("customers", "CustomerSource", "company_id"),
    ("complaints", "Complaint", "company_id"),
    ("touchpoints", "ServiceTask", "company_id"),
    ("touchpoints", "CheckAnswer", "project__company_id"),
    ("surveys", "Respondent", "company_id"),
    ("membership", "Member", "company_id"),
    ("membership", "Referral", "referrer__company_id"),
]


def split_files(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Link = apps.get_model("customers", "CustomerCompany")
    bound = [(apps.get_model(app, model), path) for app, model, path in COMPANY_BOUND]

    first_link = Link.objects.filter(customer=OuterRef("pk")).order_by("since", "id").values("company_id")[:1]
    Customer.objects.update(company_id=Subquery(first_link))

    for customer in Customer.objects.filter(company_id__isnull=True).iterator():
        company_id = next(
            (
                found
                for model, path in bound
                for found in model.objects.filter(customer_id=customer.pk).values_list(path, flat=True)[:1]
            ),
            None,
        )
        if company_id is None:
            customer.delete()  # known to no company: no page or list could reach it
        else:
            Customer.objects.filter(pk=customer.pk).update(company_id=company_id)

    shared = (
        Link.objects.values("customer_id").annotate(links=models.Count("id")).filter(links__gt=1)
    )
    for customer_id in [row["customer_id"] for row in shared]:
        original = Customer.objects.get(pk=customer_id)
        others = (
            Link.objects.filter(customer_id=customer_id)
            .exclude(company_id=original.company_id)
            .values_list("company_id", flat=True)
        )
        for company_id in list(others):
            copy = Customer.objects.get(pk=customer_id)
            copy.pk = None
            copy.company_id = company_id
            copy.save()
            for model, path in bound:
                model.objects.filter(customer_id=customer_id, **{path: company_id}).update(customer_id=copy.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_alter_customer_birth_date"),
        ("organization", "0002_unit_version"),
        ("complaints", "0009_texts_to_core_outbox"),
        ("touchpoints", "0005_board_index"),
        ("surveys", "0001_initial"),
        ("membership", "0003_event_call_off"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="company",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="customers_owned",
                to="organization.company",
                verbose_name="company",
            ),
        ),
        # The copies share the phone (and ID number) of the original until the constraints per company.
        migrations.AlterField(
            model_name="customer",
            name="phone",
            field=models.CharField(max_length=11, verbose_name="mobile phone"),
        ),
        migrations.RemoveConstraint(model_name="customer", name="customer_id_number_unique"),
        migrations.RunPython(split_files, migrations.RunPython.noop),
    ]
