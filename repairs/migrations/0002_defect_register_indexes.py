# The defect register reads the typed repairs beside the complaints (complaints.defect_sources).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="repairrequest",
            index=models.Index(
                fields=["reported_at"], include=("defect_type", "unit"), name="repair_defect_register"
            ),
        ),
        migrations.AddIndex(
            model_name="repairrequest",
            index=models.Index(fields=["unit", "reported_at"], include=("defect_type",), name="repair_unit_defects"),
        ),
    ]
