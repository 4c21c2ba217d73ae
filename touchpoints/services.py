"""Generating and completing 6+2 work. The generators may run any number of times: a unique
constraint per (action, customer, unit, occasion) makes a second run add nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import outbox, webhooks
from core.exceptions import Conflict, DomainError
from customers import services as customer_services
from customers.models import CommunicationChannel, Customer, Purchase
from organization import access

from . import rules
from .customer_managers import route_to_customer_managers
from .models import ActionType, CheckAnswer, Holiday, PlanItem, ServiceTask
from .selectors import Quarter

DELIVERY_CALLBACK = "delivery_callback"
HOME_VISIT = "home_visit"
FOUR_YEAR_VISIT = "four_year_visit"
PERIODIC_CALLBACK = "periodic_callback"
# A unit is delivered once: its call-back and visit are keyed by the unit, not by the date (a
# corrected date would otherwise be a new occasion, and a second call-back).
DELIVERY_OCCASION = "delivery"
HOME_VISIT_OCCASION = "home-visit"
CHANNEL_FOR_ACTION = {HOME_VISIT: CommunicationChannel.VISIT, FOUR_YEAR_VISIT: CommunicationChannel.VISIT}
# How a call-back or visit reached the owner, as an entry of the communication log.
LOG_CHANNEL = {
    ServiceTask.Channel.PHONE: CommunicationChannel.PHONE,
    ServiceTask.Channel.VISIT: CommunicationChannel.VISIT,
    ServiceTask.Channel.MESSAGE: CommunicationChannel.SMS,
}
OUTCOME_REFUSALS = {
    "outcome_required": _(
        "Choose the outcome of the call-back or visit (satisfied, not satisfied or could not be reached) "
        "and how the owner was reached (phone, visit or message)."
    ),
    "outcome_not_expected": _("Only call-backs and visits record an outcome and a channel."),
}


def _check_outcome(action: ActionType, *, outcome: str, channel: str) -> None:
    problem = rules.outcome_problem(action.code, outcome=outcome, channel=channel)
    if problem:
        raise DomainError(OUTCOME_REFUSALS[problem], code=problem)


def _log_entry(action: ActionType, *, outcome: str, note: str, prefix: str = "") -> str:
    """The communication-log line of a completed action: what, what happened, what the owner said."""
    head = f"{action.name}{prefix}"
    if outcome:
        head = f"{head}［{ServiceTask.Outcome(outcome).label}］"
    return f"{head}：{note}" if note else head


def _delivered(since: date | None, today: date):
    purchases = Purchase.objects.filter(delivery_date__isnull=False, delivery_date__lte=today)
    if since is not None:
        purchases = purchases.filter(delivery_date__gte=since)
    # A purchase carries its company (customers.Purchase.company, the unit's and the buyer's).
    return purchases.annotate(project_id=F("unit__building__project_id")).values(
        "id", "customer_id", "unit_id", "delivery_date", "project_id", "company_id"
    )


def _task(action: ActionType, row: dict, occasion: str, due_on: date) -> ServiceTask:
    return ServiceTask(
        action=action,
        needs_outcome=rules.needs_outcome(action.code),
        company_id=row["company_id"],
        project_id=row["project_id"],
        unit_id=row["unit_id"],
        customer_id=row["customer_id"],
        occasion=occasion,
        due_on=due_on,
    )


def generate_delivery_work(today: date | None = None) -> int:
    """One satisfaction call-back for every unit delivered in the last six months (to its first
    buyer; co-owners share it), and each project's home-visit sample (10% of its delivered units, at
    most 60). A unit's call-back is keyed by the unit alone (occasion ``delivery``): a corrected
    delivery date moves it (``delivery_work_follow``), it never adds a second one."""
    today = today or timezone.localdate()
    callback = ActionType.objects.get(code=DELIVERY_CALLBACK)
    visit = ActionType.objects.get(code=HOME_VISIT)
    delivered = list(_delivered(rules.delivered_since(today), today))
    first_owner: dict[int, dict] = {}
    for row in sorted(delivered, key=lambda r: (r["delivery_date"], r["id"])):
        first_owner.setdefault(row["unit_id"], row)
    called = set()
    unit_ids = list(first_owner)
    for start in range(0, len(unit_ids), 1000):
        called.update(
            ServiceTask.objects.filter(
                action=callback, occasion=DELIVERY_OCCASION, unit_id__in=unit_ids[start : start + 1000]
            ).values_list("unit_id", flat=True)
        )
    tasks = [
        _task(callback, row, DELIVERY_OCCASION, row["delivery_date"] + rules.DELIVERY_CALLBACK_WITHIN)
        for unit_id, row in first_owner.items()
        if unit_id not in called
    ]

    by_project: dict[int, list[dict]] = {}
    for row in first_owner.values():
        by_project.setdefault(row["project_id"], []).append(row)
    sampled = set(
        ServiceTask.objects.filter(action=visit, project_id__in=by_project).values_list("unit_id", flat=True)
    )
    for rows in by_project.values():
        units = {row["unit_id"]: row for row in rows}
        for unit_id in rules.home_visit_sample(list(units), sampled & set(units)):
            row = units[unit_id]
            tasks.append(_task(visit, row, HOME_VISIT_OCCASION, rules.home_visit_due(row["delivery_date"])))
    return _insert(tasks)


@transaction.atomic
def delivery_work_follow(*, unit_id: int, customer_id: int | None = None) -> int:
    """A purchase of the unit was recorded or corrected: its open delivery call-back, home visit and
    four-year visits follow the unit's delivery date (the earliest of its purchases), and the buyer's
    open periodic call-backs follow their move-in date. A correction is not a new delivery: nothing
    is added here. Work whose delivery was withdrawn (no delivery date left) is removed while open.
    Done work stays as it was. Returns how many open tasks moved or went."""
    delivered_on = Purchase.objects.filter(unit_id=unit_id, delivery_date__isnull=False).aggregate(
        first=Min("delivery_date")
    )["first"]
    codes = (DELIVERY_CALLBACK, HOME_VISIT, FOUR_YEAR_VISIT)
    tasks = list(
        ServiceTask.objects.select_for_update()
        .filter(unit_id=unit_id, status=ServiceTask.Status.OPEN, action__code__in=codes)
        .select_related("action")
        .order_by("pk")
    )
    if customer_id is not None:
        moved_in_on = Customer.objects.filter(pk=customer_id).values_list("moved_in_on", flat=True).first()
        periodic = list(
            ServiceTask.objects.select_for_update()
            .filter(
                customer_id=customer_id,
                status=ServiceTask.Status.OPEN,
                action__code=PERIODIC_CALLBACK,
                occasion__startswith=rules.PERIODIC_PREFIX,
            )
            .order_by("pk")
        )
    else:
        moved_in_on, periodic = None, []
    gone, moved = [], []
    for task in tasks:
        if delivered_on is None:
            gone.append(task.pk)
            continue
        if task.action.code == DELIVERY_CALLBACK:
            due = delivered_on + rules.DELIVERY_CALLBACK_WITHIN
        elif task.action.code == HOME_VISIT:
            due = rules.home_visit_due(delivered_on)
        else:
            number = task.occasion.removeprefix("four-year-")
            if not number.isdigit():
                continue
            due = rules.add_years(delivered_on, rules.FOUR_YEAR_INTERVAL_YEARS * int(number))
        if due != task.due_on:
            task.due_on = due
            moved.append(task)
    for task in periodic:
        due = rules.periodic_due_on(moved_in_on, task.occasion) if moved_in_on else None
        if due is None:
            gone.append(task.pk)
        elif due != task.due_on:
            task.due_on = due
            moved.append(task)
    ServiceTask.objects.filter(pk__in=gone).delete()
    ServiceTask.objects.bulk_update(moved, ["due_on"])
    return len(gone) + len(moved)


PERIODIC_CHUNK = 2000


def generate_periodic_callbacks(today: date | None = None) -> int:
    """嘘寒问暖: a call-back each quarter for owners in 磨合期 and each year for the others, from
    two weeks before it is due (``rules.periodic_callbacks_due``). A sweep over the indexed move-in
    date (one range per possible period), in chunks of owners, each chunk one transaction; the
    occasion names the period and a unique constraint keeps one call-back per owner and period,
    so running it again adds nothing."""
    today = today or timezone.localdate()
    start, end = today - rules.PERIODIC_CATCH_UP, today + rules.PERIODIC_LEAD
    earliest = Customer.objects.filter(moved_in_on__isnull=False).aggregate(first=Min("moved_in_on"))["first"]
    if earliest is None:
        return 0
    action = ActionType.objects.get(code=PERIODIC_CALLBACK)
    in_ranges = Q()
    for low, high in rules.moved_in_ranges(start, end, earliest):
        in_ranges |= Q(moved_in_on__range=(low, high))
    owners = Customer.objects.filter(in_ranges).order_by("id").values("id", "moved_in_on")
    created, last_id = 0, 0
    while True:
        chunk = list(owners.filter(id__gt=last_id)[:PERIODIC_CHUNK])
        if not chunk:
            return created
        last_id = chunk[-1]["id"]
        due = {
            row["id"]: calls
            for row in chunk
            if (calls := rules.periodic_callbacks_due(row["moved_in_on"], start, end))
        }
        homes: dict[int, dict] = {}
        for row in (
            Purchase.objects.filter(customer_id__in=list(due), delivery_date__isnull=False)
            .order_by("customer_id", "delivery_date", "id")
            .annotate(project_id=F("unit__building__project_id"))
            .values("customer_id", "unit_id", "project_id", "company_id")
        ):
            homes.setdefault(row["customer_id"], row)
        tasks = [
            _task(action, homes[customer_id], occasion, due_on)
            for customer_id, calls in due.items()
            if customer_id in homes
            for occasion, due_on in calls
        ]
        with transaction.atomic():
            created += _insert(tasks)


def generate_four_year_visits(today: date | None = None) -> int:
    """四年之约: a visit to every owner every four years after delivery."""
    today = today or timezone.localdate()
    action = ActionType.objects.get(code=FOUR_YEAR_VISIT)
    cutoff = rules.add_years(today + rules.FOUR_YEAR_LEAD, -rules.FOUR_YEAR_INTERVAL_YEARS)
    tasks = [
        _task(action, row, f"four-year-{number}", due)
        for row in _delivered(None, cutoff)
        for number, due in rules.four_year_rounds_due(row["delivery_date"], today)
    ]
    return _insert(tasks)


def _insert(tasks: list[ServiceTask]) -> int:
    """Insert the tasks that do not exist yet; return how many were new. The existing ones are
    looked up per (action, occasion) among the candidates' customers, never by counting the table."""
    keys: dict[tuple[int, str], list[ServiceTask]] = {}
    for task in tasks:
        keys.setdefault((task.action_id, task.occasion), []).append(task)
    new = []
    for (action_id, occasion), candidates in keys.items():
        customer_ids = list({task.customer_id for task in candidates})
        existing = set()
        for start in range(0, len(customer_ids), 1000):
            existing.update(
                ServiceTask.objects.filter(
                    action_id=action_id, occasion=occasion, customer_id__in=customer_ids[start : start + 1000]
                ).values_list("customer_id", "unit_id")
            )
        new += [task for task in candidates if (task.customer_id, task.unit_id) not in existing]
    route_to_customer_managers(new)  # 客户经理制: open tasks without an assignee go to the unit's manager
    # ignore_conflicts: a concurrent run that inserted the same task first wins.
    ServiceTask.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def task_complete(*, task: ServiceTask, note: str, by, outcome: str = "", channel: str = "") -> ServiceTask:
    """Mark the action done; it is logged on the customer's timeline as a communication. A call-back
    or visit is done only with its outcome and the channel that reached the owner (never a default)."""
    task = ServiceTask.objects.select_for_update().select_related("action").get(pk=task.pk)
    if task.status == ServiceTask.Status.DONE:
        raise Conflict(
            _("This task was already completed by %(name)s.") % {"name": task.done_by}, code="already_done"
        )
    _check_outcome(task.action, outcome=outcome, channel=channel)
    task.status, task.done_at, task.done_by, task.note = (
        ServiceTask.Status.DONE,
        timezone.now(),
        by,
        note.strip(),
    )
    task.outcome, task.channel = outcome, channel
    task.save(update_fields=["status", "done_at", "done_by", "note", "outcome", "channel"])
    customer_services.communication_log(
        customer=task.customer,
        staff=by,
        channel=LOG_CHANNEL.get(channel)
        or CHANNEL_FOR_ACTION.get(task.action.code, CommunicationChannel.PHONE),
        content=_log_entry(task.action, outcome=outcome, note=task.note),
    )
    webhooks.emit("task.completed", task, company_id=task.company_id)
    return task


@transaction.atomic
def tasks_assign(*, task_ids: list[int], assignee, by) -> int:
    """Give open tasks to a member of staff who may work on them (``assignee=None`` releases them).
    Nothing changes if any task is done or the person cannot work for a task's company."""
    tasks = list(ServiceTask.objects.select_for_update().filter(pk__in=task_ids).order_by("pk"))
    if not tasks or len(tasks) != len(set(task_ids)):
        raise DomainError(_("Choose open tasks to assign."), code="no_tasks")
    if any(task.status == ServiceTask.Status.DONE for task in tasks):
        raise Conflict(_("Done tasks cannot be reassigned."), code="already_done")
    if assignee is not None:
        outside = {
            company_id
            for company_id in {task.company_id for task in tasks}
            if not access.may_be_assigned(assignee, company_id, perm=access.WORK_ON_SERVICE_TASKS)
        }
        if outside:
            raise DomainError(
                _("%(name)s cannot work on tasks of this company.") % {"name": assignee},
                code="assignee_outside",
            )
    ServiceTask.objects.filter(pk__in=[task.pk for task in tasks]).update(assignee=assignee)
    return len(tasks)


@transaction.atomic
def task_take(*, task: ServiceTask, by) -> ServiceTask:
    """The member of staff takes an open, unassigned task (or one already theirs)."""
    task = ServiceTask.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task.pk)
    if task.status == ServiceTask.Status.DONE:
        raise Conflict(_("This task is already done."), code="already_done")
    if task.assignee_id not in (None, by.pk):
        raise Conflict(
            _("This task is already assigned to %(name)s.") % {"name": task.assignee}, code="already_assigned"
        )
    task.assignee = by
    task.save(update_fields=["assignee"])
    return task


def plan_item_add(*, project, action: ActionType, planned_on: date, note: str = ""):
    """Put an action on the project's plan for a day (a site open day, a delivery batch)."""
    try:
        with transaction.atomic():
            return PlanItem.objects.create(
                project=project, action=action, planned_on=planned_on, note=note.strip()
            )
    except IntegrityError:
        raise Conflict(_("This action is already planned on that day."), code="already_planned") from None


def plan_item_update(*, item, planned_on: date, note: str, by=None):
    """Move a planned action to another day or change its note, until something is recorded
    against it (attendees or actions carry its day); another item of the action on that day is a
    conflict. Locks the item row, as marking attendees does."""
    try:
        with transaction.atomic():
            item = PlanItem.objects.select_for_update().select_related("action").get(pk=item.pk)
            if ServiceTask.objects.filter(action=item.action, occasion=f"plan-{item.pk}").exists():
                raise Conflict(
                    _("Attendance is already recorded for this plan item; it can no longer be changed."),
                    code="plan_item_recorded",
                )
            item.planned_on, item.note = planned_on, note.strip()
            item.save(update_fields=["planned_on", "note"])
            return item
    except IntegrityError:
        raise Conflict(_("This action is already planned on that day."), code="already_planned") from None


@transaction.atomic
def plan_item_mark_attendees(*, item, customers, by) -> int:
    """Record that these customers took part in a planned event (bulk marking); each is logged on
    their timeline. Someone already marked for this event is refused, nothing is written."""
    # The plan item's lock serialises two markings of the same event (the tasks carry no unit, so
    # the unique constraint alone would not stop a duplicate).
    item = PlanItem.objects.select_for_update().select_related("action", "project__company").get(pk=item.pk)
    if rules.needs_outcome(item.action.code):  # each owner's call-back has its own outcome
        raise DomainError(OUTCOME_REFUSALS["outcome_required"], code="outcome_required")
    if item.planned_on > timezone.localdate():
        raise DomainError(
            _("The event on %(day)s has not happened yet.") % {"day": item.planned_on}, code="event_in_future"
        )
    _refuse_outsiders(customers, item.project.company_id)
    occasion = f"plan-{item.pk}"
    already = set(
        ServiceTask.objects.filter(action=item.action, occasion=occasion, customer__in=customers).values_list(
            "customer__name", flat=True
        )
    )
    if already:
        raise Conflict(
            _("Already marked for this event: %(names)s.") % {"names": "、".join(sorted(already))},
            code="already_marked",
        )
    _record_done(
        action=item.action,
        project=item.project,
        customers=customers,
        occasion=occasion,
        day=item.planned_on,
        note=item.note,
        by=by,
        channel=CommunicationChannel.EVENT,
    )
    return len(customers)


@transaction.atomic
def action_record(
    *,
    action: ActionType,
    project,
    customer,
    done_on: date,
    note: str,
    by,
    plan_item=None,
    outcome: str = "",
    channel: str = "",
):
    """Record that a 6+2 action reached a customer (a contract explanation, an inspection, an open
    day through its plan item), logged on the timeline. Once per action, customer and day. A
    call-back or visit is recorded with its outcome and channel, like a completed task."""
    _check_outcome(action, outcome=outcome, channel=channel)
    if plan_item is not None:
        if plan_item.project_id != project.pk or plan_item.action_id != action.pk:
            raise DomainError(_("The plan item belongs to another project or action."), code="plan_mismatch")
        if done_on != plan_item.planned_on:
            raise DomainError(
                _("%(action)s is planned on %(planned)s, not on %(day)s.")
                % {"action": action.name, "planned": plan_item.planned_on, "day": done_on},
                code="outside_plan",
            )
    if done_on > timezone.localdate():
        raise DomainError(_("An action cannot be recorded before it happens."), code="action_in_future")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # serialises two recordings
    _refuse_outsiders([customer], project.company_id)
    occasion = f"plan-{plan_item.pk}" if plan_item is not None else f"record-{done_on}"
    if ServiceTask.objects.filter(action=action, customer=customer, occasion=occasion).exists():
        raise Conflict(
            _("%(action)s was already recorded for %(name)s on %(day)s.")
            % {"action": action.name, "name": customer.name, "day": done_on},
            code="already_recorded",
        )
    return _record_done(
        action=action,
        project=project,
        customers=[customer],
        occasion=occasion,
        day=done_on,
        note=note.strip(),
        by=by,
        channel=LOG_CHANNEL.get(channel) or CHANNEL_FOR_ACTION.get(action.code, CommunicationChannel.PHONE),
        outcome=outcome,
        task_channel=channel,
    )[0]


def _refuse_outsiders(customers, company_id: int) -> None:
    outsiders = [customer.name for customer in customers if customer.company_id != company_id]
    if outsiders:
        raise DomainError(
            _("Not customers of this project's company: %(names)s.") % {"names": "、".join(outsiders)},
            code="customer_outside_company",
        )


def _record_done(
    *, action, project, customers, occasion, day, note, by, channel, outcome="", task_channel=""
) -> list[ServiceTask]:
    now = timezone.now()
    tasks = ServiceTask.objects.bulk_create(
        ServiceTask(
            action=action,
            company_id=project.company_id,
            project=project,
            customer=customer,
            occasion=occasion,
            due_on=day,
            status=ServiceTask.Status.DONE,
            done_at=now,
            done_by=by,
            note=note,
            needs_outcome=rules.needs_outcome(action.code),
            outcome=outcome,
            channel=task_channel,
        )
        for customer in customers
    )
    for customer in customers:
        customer_services.communication_log(
            customer=customer,
            staff=by,
            channel=channel,
            content=_log_entry(action, outcome=outcome, note=note, prefix=f"（{day}）"),
        )
    return tasks


def check_answer_record(*, question, project, customer, quarter: str, answer: bool, by):
    """An owner's yes/no answer to a quarterly check question; answering twice is refused."""

    if Quarter.parse(quarter).first_day > timezone.localdate():
        raise DomainError(
            _("The quarter %(quarter)s has not begun.") % {"quarter": quarter}, code="future_quarter"
        )
    _refuse_outsiders([customer], project.company_id)
    try:
        with transaction.atomic():
            return CheckAnswer.objects.create(
                question=question,
                project=project,
                customer=customer,
                quarter=quarter,
                answer=answer,
                recorded_by=by,
            )
    except IntegrityError:
        raise Conflict(
            _("This owner already answered this question for %(quarter)s.") % {"quarter": quarter},
            code="already_answered",
        ) from None


@transaction.atomic
def check_answers_record(*, project, customer, quarter: str, answers: dict, by) -> int:
    """The answers of one call-back, all or none: a question already answered refuses the lot."""
    if not answers:
        raise DomainError(_("Answer at least one question."), code="no_answers")
    for question, answer in answers.items():
        check_answer_record(
            question=question, project=project, customer=customer, quarter=quarter, answer=answer, by=by
        )
    return len(answers)


BIRTHDAY_GREETING = "birthday_greeting"
HOLIDAY_GREETING = "holiday_greeting"
GREETING_TOPIC = "greetings"
GREETING_CHUNK = 2000
BIRTHDAY_TEXT = _("%(company)s wishes you, %(name)s, a happy birthday!")
HOLIDAY_TEXT = _("%(company)s wishes you, %(name)s, a happy %(holiday)s!")
UNSUBSCRIBE_TEXT = _("Unsubscribe: %(link)s")


def generate_greetings(today: date | None = None) -> int:
    """Birthday and holiday greetings of ``today`` to every buyer and owner, each one an SMS through
    the outbox and a done care task (生日祝福 / 节日问候) on the 6+2 board. Both are keyed by the
    occasion, so running the schedule again sends nothing twice."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        created = _greet(
            ActionType.objects.get(code=BIRTHDAY_GREETING),
            Purchase.objects.filter(customer__birth_date__in=rules.birth_dates_celebrated_on(today)),
            occasion=f"birthday-{today.year}",
            text=_birthday_text,
        )
        holiday_action = ActionType.objects.get(code=HOLIDAY_GREETING)
        for holiday in Holiday.objects.filter(day=today):
            created += _greet(
                holiday_action,
                Purchase.objects.all(),
                occasion=f"holiday-{holiday.pk}",
                text=_holiday_text(holiday),
            )
    return created


def _birthday_text(row: dict) -> str:
    return str(BIRTHDAY_TEXT % {"company": row["company_name"], "name": row["name"]})


def _holiday_text(holiday) -> Callable[[dict], str]:
    def text(row: dict) -> str:
        if holiday.greeting:  # the group centre's own words, signed with the company's name
            return "【%s】%s" % (row["company_name"], holiday.greeting)  # noqa: UP031
        return str(
            HOLIDAY_TEXT % {"company": row["company_name"], "name": row["name"], "holiday": holiday.name}
        )

    return text


def _greet(action: ActionType, purchases, *, occasion: str, text: Callable[[dict], str]) -> int:
    """One greeting per customer (from the company of their first purchase), in chunks of
    ``GREETING_CHUNK`` purchases, each chunk one transaction."""
    rows = (
        purchases.order_by("id")
        .annotate(
            project_id=F("unit__building__project_id"),
            company_name=F("unit__building__project__company__name"),
            name=F("customer__name"),
            phone=F("customer__phone"),
        )
        .values("id", "customer_id", "unit_id", "project_id", "company_id", "company_name", "name", "phone")
    )
    created, greeted, last_id = 0, set(), 0
    while True:
        chunk = list(rows.filter(id__gt=last_id)[:GREETING_CHUNK])
        if not chunk:
            return created
        last_id = chunk[-1]["id"]
        now = timezone.now()
        tasks, messages = [], []
        for row in chunk:
            if row["customer_id"] in greeted:
                continue
            greeted.add(row["customer_id"])
            task = _task(action, row, occasion, timezone.localdate(now))
            task.status, task.done_at, task.note = ServiceTask.Status.DONE, now, occasion
            tasks.append(task)
            link = outbox.unsubscribe_link(recipient=row["phone"], topic=GREETING_TOPIC)
            messages.append(
                outbox.Message(
                    channel="sms",
                    recipient=row["phone"],
                    topic=GREETING_TOPIC,
                    body="%s %s" % (text(row), UNSUBSCRIBE_TEXT % {"link": link}),  # noqa: UP031
                    dedupe_key=f"greeting:{occasion}:{row['customer_id']}",
                    company_id=row["company_id"],
                )
            )
        with transaction.atomic():
            created += _insert(tasks)
            outbox.message_queue_many(messages)
