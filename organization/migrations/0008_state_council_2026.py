"""The group's default working-day calendar: the State Council's holiday schedule for 2026
(国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号). Days off that fall on a weekend are
not listed (a weekend is off anyway); make-up working weekend days (调休) are. The 2027 schedule was
not published when this was written: the group centre adds it on the calendar page (docs/ARCHITECTURE.md)."""

from datetime import date

from django.db import migrations

OFF = {
    "元旦": ["2026-01-01", "2026-01-02"],
    "春节": ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23"],
    "清明节": ["2026-04-06"],
    "劳动节": ["2026-05-01", "2026-05-04", "2026-05-05"],
    "端午节": ["2026-06-19"],
    "中秋节": ["2026-09-25"],
    "国庆节": ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
}
MAKE_UP = {
    "元旦": ["2026-01-04"],
    "春节": ["2026-02-14", "2026-02-28"],
    "劳动节": ["2026-05-09"],
    "国庆节": ["2026-09-20", "2026-10-10"],
}


def rows():
    for working, days in ((False, OFF), (True, MAKE_UP)):
        for name, dates in days.items():
            for day in dates:
                yield date.fromisoformat(day), working, f"{name}调休" if working else name


def load(apps, schema_editor):
    CalendarDay = apps.get_model("organization", "CalendarDay")
    CalendarDay.objects.bulk_create(
        CalendarDay(company=None, day=day, working=working, name=name) for day, working, name in rows()
    )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("organization", "CalendarDay")
    CalendarDay.objects.filter(company=None, day__in=[day for day, _working, _name in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("organization", "0007_calendar_days")]

    operations = [migrations.RunPython(load, unload)]
