"""Fill ``resolve_by`` for every complaint and ``escalates_at`` for the unresolved ones, by the rules
``services.escalation.set_clocks`` uses (``rules.resolve_limit``, ``rules.next_escalation``).

Complaints never paused (nearly all) get ``resolve_by`` in one UPDATE; the rest, and the unresolved
ones' next escalation (which needs the rises already recorded), in chunks of 2,000.
"""


from django.db import migrations
from django.db.models import F

from complaints import rules

CHUNK = 2000
AUTOMATIC = ("tier_raised", "clock_warning")


def backfill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    Complaint.objects.filter(paused_seconds=0).update(
        resolve_by=F("received_at") + rules.MAJOR_UNRESOLVED_AFTER
    )
    rows = (
        Complaint.objects.filter(paused_seconds__gt=0) | Complaint.objects.filter(resolved_at__isnull=True)
    ).only("id", "received_at", "paused_seconds", "paused_since", "status", "tier").order_by("id")
    chunk = []

    def flush():
        done = {}
        for complaint_id, kind, tier in ComplaintEvent.objects.filter(
            complaint_id__in=[complaint.pk for complaint in chunk], kind__in=AUTOMATIC, by__isnull=True
        ).values_list("complaint_id", "kind", "to_value"):
            done.setdefault(complaint_id, set()).add((tier, kind == "clock_warning"))
        for complaint in chunk:
            complaint.resolve_by = rules.resolve_limit(
                received_at=complaint.received_at, paused_seconds=complaint.paused_seconds
            )
            complaint.escalates_at = rules.next_escalation(
                received_at=complaint.received_at,
                paused_seconds=complaint.paused_seconds,
                paused=complaint.paused_since is not None,
                resolved=complaint.status in rules.HANDLED_STATUSES,
                tier=complaint.tier,
                done=frozenset(done.get(complaint.pk, ())),
            )
        Complaint.objects.bulk_update(chunk, ["resolve_by", "escalates_at"])
        chunk.clear()

    for complaint in rows.iterator(chunk_size=CHUNK):
        chunk.append(complaint)
        if len(chunk) == CHUNK:
            flush()
    if chunk:
        flush()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0017_clock_urgency"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
