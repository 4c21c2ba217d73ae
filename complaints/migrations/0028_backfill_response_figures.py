"""Fill the report's response figures of the complaints received before they were kept (issue 19):
``reply_due_at`` and ``first_response_working_seconds``, by the rules the services set them with
(``rules.reply_due``, ``rules.first_response_working_seconds``), from each complaint's pauses and its
company's calendar as the tables hold them now (``organization.CalendarDay`` read once into the pure
``organization.rules.WorkingCalendar``). By primary key in batches of 2,000: two reads and one bulk
update a batch, so memory stays flat at a million complaints.
"""

from collections import defaultdict
from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

from complaints import rules
from organization.rules import CompanyCalendars, WorkingCalendar

BATCH = 2000
FIGURES = ["reply_due_at", "first_response_working_seconds"]


def _calendars(apps) -> CompanyCalendars:
    CalendarDay = apps.get_model("organization", "CalendarDay")
    days: dict = {}
    for company_id, day, working in CalendarDay.objects.values_list("company_id", "day", "working"):
        days.setdefault(company_id, {})[day] = working
    group = WorkingCalendar(days.pop(None, {}))
    return CompanyCalendars(group, {company: group.overridden_by(own) for company, own in days.items()})


def backfill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintPause = apps.get_model("complaints", "ComplaintPause")
    config = settings.COMPLAINT_WORKING_HOURS
    hours = rules.WorkingHours(
        start=time.fromisoformat(config["start"]),
        end=time.fromisoformat(config["end"]),
        tz=ZoneInfo(config["timezone"]),
    )
    calendars = _calendars(apps)
    rows = Complaint.objects.only("id", "company_id", "received_at", "first_response_at").order_by("id")
    last = 0
    while batch := list(rows.filter(id__gt=last)[:BATCH]):
        first, last = batch[0].pk, batch[-1].pk
        pauses = defaultdict(list)
        for complaint_id, paused_at, resumed_at in ComplaintPause.objects.filter(
            complaint_id__gte=first, complaint_id__lte=last
        ).values_list("complaint_id", "paused_at", "resumed_at"):
            pauses[complaint_id].append((paused_at, resumed_at))
        for complaint in batch:
            working_day = calendars.for_company(complaint.company_id).is_working_day
            complaint.reply_due_at = rules.reply_due(
                received_at=complaint.received_at,
                pauses=pauses[complaint.pk],
                tz=hours.tz,
                working_day=working_day,
            )
            complaint.first_response_working_seconds = rules.first_response_working_seconds(
                received_at=complaint.received_at,
                first_response_at=complaint.first_response_at,
                pauses=pauses[complaint.pk],
                hours=hours,
                working_day=working_day,
            )
        Complaint.objects.bulk_update(batch, FIGURES)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0027_response_figures"),
        # The group's 2026 holidays are in the calendar before the figures are counted on it.
        ("organization", "0008_state_council_2026"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
