"""The one place that decides who may do what, next to ``scoping`` (who sees what).

In the spirit of Zulip's ``access_*`` helpers and NetBox's ``restrict(user, action)``:

- ``write_company_for(user, requested)``: the company a write is recorded under;
- ``assignable_staff(user, company, perm=...)``: who may be assigned or handed work of a company;
- ``company_staff(company_id)``: a company's own people who may do a kind of work (told of new work);
- ``access_complaint`` / ``access_customer`` / ``access_service_task`` / ``access_plan_item`` /
  ``access_project(user, id, action)``: the record a view or API acts on, scoped and checked.

Everything is decided by permissions (the role groups' permissions from ``roles``, or ones granted to
a single user), never by group names. A record outside the caller's scope is "not found" (404), never
"forbidden", so that a 403 cannot reveal that it exists.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.scoping import VIEW_ALL_COMPANIES, scope_for
from core.staff import STAFF_UI

from .models import Company

HANDLE_COMPLAINTS = "complaints.change_complaint"
WORK_ON_SERVICE_TASKS = "touchpoints.change_servicetask"
OWN_IMPROVEMENT_PLANS = "surveys.change_improvementplan"


# --- Which company a write belongs to -----------------------------------------------------------


def write_company_for(user, requested: Company | None) -> Company:
    """The company a new record is written under: a company user's own (naming another is refused);
    for a group-level user the company they name, which must be visible to them."""
    if user.company_id:
        if requested is not None and requested.pk != user.company_id:
            raise DomainError(_("You can only record for your own company."), code="own_company_only")
        return user.company
    if requested is not None and Company.objects.visible_to(user).filter(pk=requested.pk).exists():
        return requested
    raise DomainError(_("Group-level callers must say which company this is for."), code="company_required")


# --- Who may be assigned or handed work ---------------------------------------------------------


@functools.cache
def _holders_sql() -> str:
    """Who holds a permission (app label, codename) through a role or directly, as SQL over the link
    tables. Written out once because every list of people starts from it: the same semi-joins built
    with the ORM cost more to put together on each call than the database takes to run them."""
    user_model = get_user_model()
    table = connection.ops.quote_name
    granted = (
        f"SELECT p.id FROM {table(Permission._meta.db_table)} p "
        f"JOIN {table(ContentType._meta.db_table)} t ON t.id = p.content_type_id "
        "WHERE t.app_label = %s AND p.codename = %s"
    )
    return (
        f"SELECT r.user_id FROM {table(user_model.groups.through._meta.db_table)} r "
        f"JOIN {table(Permission.group_set.through._meta.db_table)} g ON g.group_id = r.group_id "
        f"WHERE g.permission_id IN ({granted}) "
        f"UNION ALL SELECT d.user_id FROM {table(user_model.user_permissions.through._meta.db_table)} d "
        f"WHERE d.permission_id IN ({granted})"
    )


def _holders(perm: str) -> Q:
    """The users granted ``perm`` through a role or directly (the has_perm of ModelBackend, without
    the superuser shortcut: the admin account is not a case worker)."""
    app_label, codename = perm.split(".")
    return Q(pk__in=RawSQL(_holders_sql(), (app_label, codename, app_label, codename)))


def _staff(perm: str) -> models.QuerySet:
    # Staff UI excludes API-only integrators; the work permission excludes auditors.
    return get_user_model().objects.filter(_holders(STAFF_UI), is_active=True).filter(_holders(perm))


def _working_for(company_id: int) -> Q:
    return Q(company_id=company_id) | _holders(VIEW_ALL_COMPANIES)


def assignable_staff(user, company: Company | None, *, perm: str = HANDLE_COMPLAINTS) -> models.QuerySet:
    """Active people who may be assigned or handed work of ``company`` needing ``perm``: staff-UI users
    of that company plus group-level ones, never API-only integrators or auditors. ``company=None``
    means any company ``user`` sees (a page assigning work of several companies at once)."""
    scope = scope_for(user)
    if company is not None:
        if not Company.objects.visible_to(user).filter(pk=company.pk).exists():
            return get_user_model().objects.none()
        where = _working_for(company.pk)
    elif scope.all_companies:
        where = Q(company__isnull=False) | _holders(VIEW_ALL_COMPANIES)
    elif scope.company_id is not None:
        where = _working_for(scope.company_id)
    else:
        return get_user_model().objects.none()
    return _staff(perm).filter(where).order_by("username")


# Company managers and the group centre hold it; frontline staff, auditors and integrators do not.
MANAGE_COMPLAINTS = "complaints.lower_tier"


def company_managers(company_id: int) -> models.QuerySet:
    """Active people who manage a company's customer relations: told of its hot complaints and sent
    its report snapshots."""
    return (
        get_user_model()
        .objects.filter(is_active=True, company_id=company_id)
        .filter(_holders(MANAGE_COMPLAINTS))
    )


def group_centre() -> models.QuerySet:
    """Active group-level people who manage complaints (the group customer-relations centre): told of
    major complaints and sent the group's report snapshots. Auditors see every company but manage
    nothing, so they are not among them."""
    return (
        get_user_model()
        .objects.filter(_holders(VIEW_ALL_COMPANIES), is_active=True)
        .filter(_holders(MANAGE_COMPLAINTS))
    )


def company_staff(company_id: int, *, perm: str = HANDLE_COMPLAINTS) -> models.QuerySet:
    """The company's own active staff-UI people who may do work needing ``perm`` (for complaints:
    who is told of a new complaint at intake). Group-level people work for every company and are not
    among them; neither are API-only integrators nor auditors."""
    return _staff(perm).filter(company_id=company_id).order_by("username")


def may_be_assigned(person, company_id: int, *, perm: str) -> bool:
    """Whether ``person`` may be handed work of the company (the rule of ``assignable_staff``, for one
    person, as a service checks it)."""
    return _staff(perm).filter(_working_for(company_id), pk=person.pk).exists()


def own_staff_among(person_ids, *, perm: str) -> dict[int, int]:
    """Of ``person_ids``, those who are active staff-UI people of a company who may do work needing
    ``perm`` (``company_staff``'s rule, for many people at once), with their company's id."""
    return dict(
        _staff(perm).filter(pk__in=list(person_ids), company__isnull=False).values_list("pk", "company_id")
    )


# --- The record a view or API acts on -----------------------------------------------------------


def access(queryset: models.QuerySet, user, pk, action: str, *, permission: str | None = None):
    """``queryset``'s record ``pk`` as ``user`` may ``action`` ("view", "change", ...) it: out of scope
    or missing is Http404 (DRF answers 404), lacking the permission is PermissionDenied (403). The
    permission is checked first: it does not depend on the record, so it reveals nothing. It is the
    model's ``<app>.<action>_<model>`` unless ``permission`` names another."""
    meta = queryset.model._meta
    if not user.has_perm(permission or f"{meta.app_label}.{action}_{meta.model_name}"):
        raise PermissionDenied
    try:
        return queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Models of higher apps are looked up by name: organization sits below them and never imports them.


# Complaint actions whose permission is not the model's ``complaints.<action>_complaint``.
COMPLAINT_ACTION_PERMISSIONS = {"lower_tier": MANAGE_COMPLAINTS}


def access_complaint(user, complaint_id, action: str = "view"):
    """A complaint to ``action``: "view", "change", or "lower_tier" (a manager's decision)."""
    return access(
        apps.get_model("complaints", "Complaint").objects.all(),
        user,
        complaint_id,
        action,
        permission=COMPLAINT_ACTION_PERMISSIONS.get(action),
    )


def access_customer(user, customer_id, action: str = "view"):
    return access(apps.get_model("customers", "Customer").objects.all(), user, customer_id, action)


def access_service_task(user, task_id, action: str = "view"):
    return access(apps.get_model("touchpoints", "ServiceTask").objects.all(), user, task_id, action)


def access_service_tasks(user, task_ids, action: str = "view") -> list[int]:
    """The ids among ``task_ids`` of the tasks ``user`` may ``action`` (a page acting on the rows it
    ticked): lacking the permission is PermissionDenied; ids outside the scope are left out, as the
    page never offered them."""
    if not user.has_perm(f"touchpoints.{action}_servicetask"):
        raise PermissionDenied
    tasks = apps.get_model("touchpoints", "ServiceTask").objects.visible_to(user)
    return list(tasks.filter(pk__in=task_ids).values_list("pk", flat=True))


def access_plan_item(user, item_id, action: str = "view"):
    """A project's planned 6+2 event. Planning and marking attendees is service work: the service-task
    permission of ``action`` decides, as on the board that shows the plan."""
    return access(
        apps.get_model("touchpoints", "PlanItem").objects.all(),
        user,
        item_id,
        action,
        permission=f"touchpoints.{action}_servicetask",
    )


def access_project(user, project_id, action: str = "view"):
    """A project; action ``assign_duty`` (choosing its complaint duty handler) needs
    ``organization.assign_duty_project``, which company managers and the group centre hold."""
    return access(apps.get_model("organization", "Project").objects.all(), user, project_id, action)
