"""Set the reminder clocks of the complaints that are open when the sweep starts.

The same rule as ``complaints.services.ownership.refresh_due`` (``rules.reminder_due_times``): two
working hours after receipt while still unassigned, the plan deadline, three days after the last
update the owner could see (or after receipt). Complaints already past a clock get their reminder at
the sweep's first run, once (the unique key of reminder events). Chunks of 2,000 rows.
"""

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import Max, Q

from complaints import rules

CHUNK = 2000
OWNER_OWN_EVENTS = ("feedback", "attachment")


def backfill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    config = settings.COMPLAINT_WORKING_HOURS
    hours = rules.WorkingHours(
        start=time.fromisoformat(config["start"]),
        end=time.fromisoformat(config["end"]),
        tz=ZoneInfo(config["timezone"]),
    )
    updates = (
        Q(events__visible_to_complainant=True) & ~Q(events__kind__in=OWNER_OWN_EVENTS)
    )
    rows = (
        Complaint.objects.filter(status__in=rules.OPEN_STATUSES)
        .annotate(last_update=Max("events__at", filter=updates))
        .only("id", "status", "received_at", "deadline")
        .order_by("id")
    )
    chunk = []
    for complaint in rows.iterator(chunk_size=CHUNK):
        due = rules.reminder_due_times(
            status=complaint.status,
            received_at=complaint.received_at,
            deadline=complaint.deadline,
            last_update_at=complaint.last_update,
            fired=(),
            hours=hours,
        )
        complaint.assign_due_at = due[rules.ASSIGN]
        complaint.plan_due_at = due[rules.PLAN]
        complaint.owner_update_due_at = due[rules.OWNER_UPDATE]
        chunk.append(complaint)
        if len(chunk) == CHUNK:
            Complaint.objects.bulk_update(chunk, ["assign_due_at", "plan_due_at", "owner_update_due_at"])
            chunk = []
    Complaint.objects.bulk_update(chunk, ["assign_due_at", "plan_due_at", "owner_update_due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0012_intake_ownership_and_second_complaints"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
