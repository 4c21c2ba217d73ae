"""Intake that someone owns, and the reminders that keep it owned.

A complaint that arrives without a person (the public form, the API) goes to its project's duty
handler at intake, and the company's staff hear of it; without a usable duty handler the company's
managers are told and assign it by hand. Three clocks then run on every open complaint, each a
column the sweep reads through a partial index (``assign_due_at``, ``plan_due_at``,
``owner_update_due_at``): not assigned within two working hours (the managers are told), the plan's
deadline passed (the handler and the managers), and no update the owner could see for three working
days (the handler). Working time follows the company's working-day calendar
(``organization.selectors.working_calendars``, read once per sweep batch), and the response clocks
stand still while paused (``services.pause``). ``refresh_due`` recomputes the columns after every
change that moves a clock; ``remind_due`` (beat, every minute) fires what is due, once per
occurrence: the reminder is a ``ComplaintEvent`` whose unique key (complaint, clock, due moment)
makes a second one impossible.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from organization import access
from organization.rules import WorkingCalendar
from organization.selectors import working_calendar, working_calendars

from .. import rules
from ..models import Complaint, ComplaintEvent, Status
from .escalation import _record_once
from .notifications import _notify_people

# What the owner did themselves (their rating, their own files) is not an update they were given.
OWNER_OWN_EVENTS = (ComplaintEvent.Kind.FEEDBACK, ComplaintEvent.Kind.ATTACHMENT)
DUE_COLUMNS = {
    rules.ASSIGN: "assign_due_at",
    rules.PLAN: "plan_due_at",
    rules.OWNER_UPDATE: "owner_update_due_at",
}
REMINDER_MESSAGES = {
    rules.ASSIGN: _("Complaint %(number)s was not assigned within 2 working hours: %(title)s"),
    rules.PLAN: _("The plan deadline of complaint %(number)s has passed: %(title)s"),
    rules.OWNER_UPDATE: _(
        "Complaint %(number)s: the complainant has had no update for 3 working days; please tell them "
        "where it stands: %(title)s"
    ),
}


def working_hours() -> rules.WorkingHours:
    """The working hours of the first-response clock, from ``settings.COMPLAINT_WORKING_HOURS``."""
    config = settings.COMPLAINT_WORKING_HOURS
    return rules.WorkingHours(
        start=time.fromisoformat(config["start"]),
        end=time.fromisoformat(config["end"]),
        tz=ZoneInfo(config["timezone"]),
    )


def _clock_events(complaint: Complaint) -> tuple[set[tuple[str, datetime | None]], datetime | None]:
    """In one read of the complaint's events: the reminders already fired (clock, due moment), and
    when the owner was last told something (an event they see that they did not make themselves)."""
    fired, last_update = set(), None
    for kind, to_value, deadline, at, visible in complaint.events.filter(
        Q(kind=ComplaintEvent.Kind.REMINDER) | Q(visible_to_complainant=True)
    ).values_list("kind", "to_value", "deadline", "at", "visible_to_complainant"):
        if kind == ComplaintEvent.Kind.REMINDER:
            fired.add((to_value, deadline))
        if visible and kind not in OWNER_OWN_EVENTS:
            last_update = at if last_update is None else max(last_update, at)
    return fired, last_update


def last_update_at(complaint: Complaint) -> datetime | None:
    """When the owner was last told something."""
    return _clock_events(complaint)[1]


def pauses_of(complaint: Complaint) -> list[rules.Pause]:
    """The complaint's pauses of the response clock, (paused at, resumed at or None)."""
    return list(complaint.pauses.values_list("paused_at", "resumed_at"))


def _due_times(
    complaint: Complaint, calendar: WorkingCalendar | None = None, pauses: list[rules.Pause] | None = None
) -> dict[str, datetime | None]:
    fired, last_update = _clock_events(complaint)
    calendar = calendar or working_calendar(complaint.company_id)
    return rules.reminder_due_times(
        status=complaint.status,
        received_at=complaint.received_at,
        deadline=complaint.deadline,
        last_update_at=last_update,
        fired=fired,
        hours=working_hours(),
        working_day=calendar.is_working_day,
        pauses=pauses_of(complaint) if pauses is None else pauses,
    )


def _set_due(complaint: Complaint, due: dict[str, datetime | None]) -> None:
    for clock, column in DUE_COLUMNS.items():
        setattr(complaint, column, due[clock])


def _save_due(complaint: Complaint, due: dict[str, datetime | None], *also: str) -> None:
    _set_due(complaint, due)
    complaint.save(update_fields=[*DUE_COLUMNS.values(), *also])


def refresh_due(complaint: Complaint, *, pauses: list[rules.Pause] | None = None) -> None:
    """Recompute the three reminder clocks after a change that moves one (intake, a status change, a
    plan deadline, an update the owner sees). Call it in the transaction holding the complaint's row;
    ``pauses`` when the caller knows them (none at intake), else they are read."""
    _save_due(complaint, _due_times(complaint, pauses=pauses))


# --- The report's response figures ---------------------------------------------------------------

# Kept on each complaint so that the report aggregates them in SQL (``reports/response.py``).
RESPONSE_FIGURES = ("reply_due_at", "first_response_working_seconds")


def set_response_figures(
    complaint: Complaint, *, pauses: list[rules.Pause], calendar: WorkingCalendar | None = None
) -> None:
    """Set (not save) when the 24-hour reply on working days falls due, its pauses added, and the
    working time to the first response with the pauses left out (None until then). Set at intake,
    at the first response and at each pause or resume, with the company's calendar in force then: a
    calendar edited later does not rewrite them (docs/ARCHITECTURE.md, "The pause")."""
    calendar = calendar or working_calendar(complaint.company_id)
    hours = working_hours()
    complaint.reply_due_at = rules.reply_due(
        received_at=complaint.received_at, pauses=pauses, tz=hours.tz, working_day=calendar.is_working_day
    )
    complaint.first_response_working_seconds = rules.first_response_working_seconds(
        received_at=complaint.received_at,
        first_response_at=complaint.first_response_at,
        pauses=pauses,
        hours=hours,
        working_day=calendar.is_working_day,
    )


def refresh_after_pause(complaint: Complaint, *also: str) -> None:
    """After a pause or a resume, holding the complaint's row: the reminder clocks and the response
    figures move, saved with the fields named in ``also`` in one UPDATE."""
    pauses = pauses_of(complaint)
    calendar = working_calendar(complaint.company_id)
    set_response_figures(complaint, pauses=pauses, calendar=calendar)
    _save_due(complaint, _due_times(complaint, calendar, pauses), *RESPONSE_FIGURES, *also)


# --- Intake -------------------------------------------------------------------------------------


# What ``intake_route`` sets on the complaint, for intake to save with the number.
ROUTED_FIELDS = ("handler", "status", "first_responder", *DUE_COLUMNS.values(), *RESPONSE_FIGURES)


def intake_route(complaint: Complaint, *, to_duty_handler: bool) -> None:
    """Give a new complaint an owner: with ``to_duty_handler`` (public form, API) and no handler yet,
    the project's duty handler if they may still handle the company's complaints, else the
    managers are told. Runs inside the intake's transaction, before its tier is judged, so that the
    handler is among those told of a rise. It sets ``ROUTED_FIELDS`` (the owner, the reminder clocks,
    the response figures) on ``complaint`` without saving them: intake writes the row once, with its
    number."""
    if to_duty_handler and complaint.handler_id is None:
        duty = complaint.project.duty_handler
        if duty is not None and access.may_be_assigned(
            duty, complaint.company_id, perm=access.HANDLE_COMPLAINTS
        ):
            _assign_to_duty_handler(complaint, duty)
        else:
            _leave_to_managers(complaint, duty)
    # A complaint at intake has never been paused.
    calendar = working_calendar(complaint.company_id)
    _set_due(complaint, _due_times(complaint, calendar, pauses=[]))
    set_response_figures(complaint, pauses=[], calendar=calendar)


def _facts(complaint: Complaint, **more) -> dict:
    return {
        "number": complaint.number,
        "title": complaint.title[:100],
        "project": complaint.project.name,
        **more,
    }


def _assign_to_duty_handler(complaint: Complaint, duty) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.STATUS,
        from_value=complaint.status,
        to_value=Status.ASSIGNED,
        note=str(
            _("Assigned at intake to %(name)s, the complaint duty handler of %(project)s.")
            % _facts(complaint, name=duty)
        ),
        visible_to_complainant=True,
    )
    complaint.handler, complaint.status = duty, Status.ASSIGNED
    # 首问责任制: nobody took this complaint in person, so the duty handler answers for it.
    complaint.first_responder = complaint.first_responder or duty
    webhooks.emit("complaint.status_changed", complaint, company_id=complaint.company_id)
    _notify_people(
        complaint,
        [duty],
        str(
            _("New complaint %(number)s is yours as duty handler of %(project)s: %(title)s")
            % _facts(complaint)
        ),
    )
    _notify_people(
        complaint,
        access.company_staff(complaint.company_id).exclude(pk=duty.pk),
        str(
            _("New complaint %(number)s (%(project)s) was assigned to %(name)s: %(title)s")
            % _facts(complaint, name=duty)
        ),
        email=False,  # the whole team is told in the app; only the people who must act get e-mail
    )


def _leave_to_managers(complaint: Complaint, duty) -> None:
    if duty is None:
        why = _("%(project)s has no complaint duty handler: left unassigned; the managers were told.")
    else:
        why = _(
            "The duty handler of %(project)s, %(name)s, can no longer handle this company's complaints: "
            "left unassigned; the managers were told."
        )
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.ROUTED, note=str(why % _facts(complaint, name=duty))
    )
    _notify_people(
        complaint,
        access.company_managers(complaint.company_id),
        str(
            _("New complaint %(number)s (%(project)s) has nobody yet; please assign it: %(title)s")
            % _facts(complaint)
        ),
    )


# --- Reminders ----------------------------------------------------------------------------------


def _reminded(complaint: Complaint, clock: str) -> list:
    managers = list(access.company_managers(complaint.company_id))
    owner = complaint.handler or complaint.first_responder
    if clock == rules.ASSIGN:
        return managers
    if clock == rules.PLAN:
        return [owner, *managers] if owner else managers
    return [owner] if owner else managers


def remind(complaint: Complaint, *, now: datetime, calendar: WorkingCalendar | None = None) -> int:
    """Fire the complaint's reminders that are due at ``now`` (each occurrence once, even if another
    sweep got there first) and reschedule the rest. Call it holding the complaint's row; a sweep
    hands in the company's calendar it read once for the batch."""
    due = _due_times(complaint, calendar)
    sent = 0
    for clock, at in due.items():
        if at is None or at > now:
            continue
        message = str(REMINDER_MESSAGES[clock] % {"number": complaint.number, "title": complaint.title[:100]})
        if _record_once(
            complaint, kind=ComplaintEvent.Kind.REMINDER, to_value=clock, deadline=at, note=message
        ):
            _notify_people(complaint, _reminded(complaint, clock), message)
            sent += 1
        due[clock] = None
    _save_due(complaint, due)
    return sent


def remind_due(*, as_of: datetime | None = None, batch_size: int = 500) -> int:
    """The reminder sweep: one pass per clock over its partial index, in batches, skipping rows another
    worker holds. Every processed row leaves the clock's column empty or later than ``as_of``, so each
    pass ends. Returns the number of reminders sent."""
    as_of = as_of or timezone.now()
    sent = 0
    for column in DUE_COLUMNS.values():
        while True:
            with transaction.atomic():
                batch = list(
                    # of=("self",): PostgreSQL cannot lock the nullable side of the joins to the people.
                    Complaint.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("handler", "first_responder")
                    .filter(**{f"{column}__lte": as_of})
                    .order_by(column)[:batch_size]
                )
                if not batch:
                    break
                calendars = working_calendars(complaint.company_id for complaint in batch)
                for complaint in batch:
                    sent += remind(complaint, now=as_of, calendar=calendars.for_company(complaint.company_id))
    return sent
