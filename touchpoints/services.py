"""Generating and completing 6+2 work. The generators may run any number of times: a unique
constraint per (action, customer, unit, occasion) makes a second run add nothing."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import services as customer_services
from customers.models import CommunicationChannel, Purchase
from vanke_crm.exceptions import Conflict, DomainError

from . import rules
from .models import ActionType, ServiceTask

DELIVERY_CALLBACK = "delivery_callback"
HOME_VISIT = "home_visit"
FOUR_YEAR_VISIT = "four_year_visit"
CHANNEL_FOR_ACTION = {HOME_VISIT: CommunicationChannel.VISIT, FOUR_YEAR_VISIT: CommunicationChannel.VISIT}


def _delivered(since: date | None, today: date):
    purchases = Purchase.objects.filter(delivery_date__isnull=False, delivery_date__lte=today)
    if since is not None:
        purchases = purchases.filter(delivery_date__gte=since)
    return purchases.annotate(
        project_id=F("unit__building__project_id"), company_id=F("unit__building__project__company_id")
    ).values("id", "customer_id", "unit_id", "delivery_date", "project_id", "company_id")


def _task(action: ActionType, row: dict, occasion: str, due_on: date) -> ServiceTask:
    return ServiceTask(
        action=action,
        company_id=row["company_id"],
        project_id=row["project_id"],
        unit_id=row["unit_id"],
        customer_id=row["customer_id"],
        occasion=occasion,
        due_on=due_on,
    )


def generate_delivery_work(today: date | None = None) -> int:
    """A satisfaction call-back for every unit delivered in the last six months, and each project's
    home-visit sample (10% of its delivered units, at most 60)."""
    today = today or timezone.localdate()
    callback = ActionType.objects.get(code=DELIVERY_CALLBACK)
    visit = ActionType.objects.get(code=HOME_VISIT)
    delivered = list(_delivered(today - rules.HOME_VISIT_WITHIN, today))
    tasks = [
        _task(
            callback,
            row,
            f"delivery-{row['delivery_date']}",
            row["delivery_date"] + rules.DELIVERY_CALLBACK_WITHIN,
        )
        for row in delivered
    ]

    by_project: dict[int, list[dict]] = {}
    for row in delivered:
        by_project.setdefault(row["project_id"], []).append(row)
    sampled = set(
        ServiceTask.objects.filter(action=visit, project_id__in=by_project).values_list("unit_id", flat=True)
    )
    for rows in by_project.values():
        first_owner = {}
        for row in sorted(rows, key=lambda r: r["id"]):
            first_owner.setdefault(row["unit_id"], row)
        for unit_id in rules.home_visit_sample(list(first_owner), sampled & set(first_owner)):
            row = first_owner[unit_id]
            tasks.append(_task(visit, row, "home-visit", row["delivery_date"] + rules.HOME_VISIT_WITHIN))
    return _insert(tasks)


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
    before = ServiceTask.objects.count()
    ServiceTask.objects.bulk_create(tasks, batch_size=1000, ignore_conflicts=True)
    return ServiceTask.objects.count() - before


@transaction.atomic
def task_complete(*, task: ServiceTask, note: str, by) -> ServiceTask:
    """Mark the action done; it is logged on the customer's timeline as a communication."""
    task = ServiceTask.objects.select_for_update().select_related("action").get(pk=task.pk)
    if task.status == ServiceTask.Status.DONE:
        raise Conflict(
            _("This task was already completed by %(name)s.") % {"name": task.done_by}, code="already_done"
        )
    task.status, task.done_at, task.done_by, task.note = (
        ServiceTask.Status.DONE,
        timezone.now(),
        by,
        note.strip(),
    )
    task.save(update_fields=["status", "done_at", "done_by", "note"])
    customer_services.communication_log(
        customer=task.customer,
        company=task.company,
        staff=by,
        channel=CHANNEL_FOR_ACTION.get(task.action.code, CommunicationChannel.PHONE),
        content=f"{task.action.name}：{task.note}" if task.note else task.action.name,
    )
    return task


@transaction.atomic
def plan_item_mark_attendees(*, item, customers, by) -> int:
    """Record that these customers took part in a planned event (bulk marking); each is logged on
    their timeline. Someone already marked for this event is refused, nothing is written."""
    today = timezone.localdate()
    if item.planned_on > today:
        raise DomainError(
            _("The event on %(day)s has not happened yet.") % {"day": item.planned_on}, code="event_in_future"
        )
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
    now = timezone.now()
    company = item.project.company
    ServiceTask.objects.bulk_create(
        ServiceTask(
            action=item.action,
            company=company,
            project=item.project,
            customer=customer,
            occasion=occasion,
            due_on=item.planned_on,
            status=ServiceTask.Status.DONE,
            done_at=now,
            done_by=by,
        )
        for customer in customers
    )
    for customer in customers:
        customer_services.communication_log(
            customer=customer,
            company=company,
            staff=by,
            channel=CommunicationChannel.EVENT,
            content=f"{item.action.name}（{item.planned_on}）",
        )
    return len(customers)


def check_answer_record(*, question, project, customer, quarter: str, answer: bool, by):
    """An owner's yes/no answer to a quarterly check question; answering twice is refused."""
    from .models import CheckAnswer

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
