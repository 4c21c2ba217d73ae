# Call-backs before closing: the due time of a resolved complaint's call-back, the complainant's
# confirmation as an event kind, and the indexes the reports count events by.

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def owe_callbacks(apps, schema_editor):
    """Complaints resolved before call-backs were required owe one too, three days after resolving.
    Closed complaints stay as they were: what happened then was not recorded."""
    Complaint = apps.get_model("complaints", "Complaint")
    Complaint.objects.filter(status="resolved", resolved_at__isnull=False).update(
        callback_due_at=F("resolved_at") + timedelta(days=3)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0015_default_risk_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="callback_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="call-back due"),
        ),
        migrations.AlterField(
            model_name="complaintevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Received"),
                    ("status", "Status changed"),
                    ("tier_raised", "Tier raised"),
                    ("tier_lowered", "Tier lowered"),
                    ("plan", "Handling plan"),
                    ("progress", "Progress update"),
                    ("handover", "Handed over"),
                    ("feedback", "Complainant feedback"),
                    ("linked", "Linked as the same issue"),
                    ("clock_warning", "Clock warning"),
                    ("callback", "Call-back"),
                    ("attachment", "Files added"),
                    ("follows_linked", "Linked as a second complaint"),
                    ("follows_unlinked", "Unlinked from the earlier complaint"),
                    ("routed", "Routed at intake"),
                    ("reminder", "Reminder"),
                    ("facts", "Risk facts changed"),
                    ("risk_signal", "Risk signal decided"),
                    ("confirmed", "Complainant confirmed the solution"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("callback_due_at__isnull", False)),
                fields=["callback_due_at"],
                name="complaint_callback_due",
            ),
        ),
        migrations.AddIndex(
            model_name="complaintevent",
            index=models.Index(fields=["kind", "at"], name="complaint_event_kind_at"),
        ),
        migrations.AddIndex(
            model_name="complaintevent",
            index=models.Index(fields=["complaint", "kind", "at"], name="complaint_event_history"),
        ),
        migrations.RunPython(owe_callbacks, migrations.RunPython.noop),
    ]
