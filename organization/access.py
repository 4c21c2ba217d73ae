"""The one place that decides who may do what, next to ``scoping`` (who sees what).

In the spirit of Zulip's ``access_*`` helpers and NetBox's ``restrict(user, action)``:

- ``CachedPermissionsBackend``: what a person holds, read once and kept between requests;
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
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.scoping import VIEW_ALL_COMPANIES, scope_for
from core.staff import STAFF_UI

from .models import Company

HANDLE_COMPLAINTS = "complaints.change_complaint"
WORK_ON_SERVICE_TASKS = "touchpoints.change_servicetask"
OWN_IMPROVEMENT_PLANS = "surveys.change_improvementplan"


# --- What a person holds: the permissions of the authentication backend ------------------------
#
# Every request asks for them (the model permission, then ``scoping.scope_for``), and Django's
# ModelBackend reads them from the database on each request: the ones granted directly and the ones
# through roles, two queries with their planning and round trips, which on a list page cost about as
# much as the page's own query. Here they are read in one query and kept in the shared cache under a
# generation number; any change to roles, role permissions or a person's grants moves the generation
# on (``forget_permissions``, wired by ``forget_permissions_on_change`` at start), so everyone's next
# request reads afresh. Whether a person is active is not kept: it comes with each request's user row.
# The admin account's checks never read them (it holds every permission by definition); only whether
# it may be handed work asks what it was granted (``may_be_assigned``).
#
# On the embedded default cache (one per process) a change made in one process reaches the others
# when their copy expires, after ``PERMISSIONS_TTL`` at most; with Redis (production) at once.

PERMISSIONS_TTL = 60  # seconds
GENERATION_KEY = "permissions:generation"


def _key(user_id: int) -> str:
    return f"permissions:user:{user_id}"


def forget_permissions(**_signal) -> None:
    """Every cached permission set is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or it expired from a full cache)
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            cache.incr(GENERATION_KEY)


def forget_permissions_on_change() -> None:
    """Wire ``forget_permissions`` to whatever changes who holds which permission."""
    user_model = get_user_model()
    for link in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            forget_permissions, sender=link, dispatch_uid=f"forget_permissions_{link.__name__}"
        )
    for model in (Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_permissions, sender=model, dispatch_uid=f"forget_permissions_{model.__name__}"
            )


def _read(user_obj) -> set[str]:
    user_model = get_user_model()
    direct = user_model.user_permissions.through.objects.filter(user_id=user_obj.pk)
    roles = user_model.groups.through.objects.filter(user_id=user_obj.pk)
    via_roles = Permission.group_set.through.objects.filter(group_id__in=roles.values("group_id"))
    held = (
        Permission.objects.filter(
            Q(pk__in=direct.values("permission_id")) | Q(pk__in=via_roles.values("permission_id"))
        )
        .values_list("content_type__app_label", "codename")
        .order_by()
    )
    return {f"{app_label}.{codename}" for app_label, codename in held}


def _granted(user_obj) -> set[str]:
    """What ``user_obj`` holds through a role or directly (no superuser shortcut), kept as the comment
    above says."""
    if not hasattr(user_obj, "_granted_cache"):
        found = cache.get_many([GENERATION_KEY, _key(user_obj.pk)])
        generation = found.get(GENERATION_KEY, 0)
        kept = found.get(_key(user_obj.pk))
        if kept is not None and kept[0] == generation:
            user_obj._granted_cache = set(kept[1])
        else:
            user_obj._granted_cache = _read(user_obj)
            cache.set(_key(user_obj.pk), (generation, sorted(user_obj._granted_cache)), PERMISSIONS_TTL)
    return user_obj._granted_cache


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, with the permission sets kept as the comment above says."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return _granted(user_obj)


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
    # Only table names from the models' metadata are written in; the permission is a parameter.
    granted = (
        f"SELECT p.id FROM {table(Permission._meta.db_table)} p "  # noqa: S608
        f"JOIN {table(ContentType._meta.db_table)} t ON t.id = p.content_type_id "
        "WHERE t.app_label = %s AND p.codename = %s"
    )
    return (
        f"SELECT r.user_id FROM {table(user_model.groups.through._meta.db_table)} r "  # noqa: S608
        f"JOIN {table(Permission.group_set.through._meta.db_table)} g ON g.group_id = r.group_id "
        f"WHERE g.permission_id IN ({granted}) "
        f"UNION ALL SELECT d.user_id FROM {table(user_model.user_permissions.through._meta.db_table)} d "
        f"WHERE d.permission_id IN ({granted})"
    )


def _holders(perm: str) -> Q:
    """The users granted ``perm`` through a role or directly (the has_perm of ModelBackend, without
    the superuser shortcut: the admin account is not a case worker)."""
    app_label, codename = perm.split(".")
    return Q(pk__in=RawSQL(_holders_sql(), (app_label, codename, app_label, codename)))  # noqa: S611


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
    """Whether ``person`` may be handed work of the company: the rule of ``assignable_staff`` (``_staff``
    and ``_working_for``) for one person, as a service checks it, read from what they hold (cached)
    rather than asked of the database; tests/organization/test_access.py holds the two equal."""
    held = _granted(person)
    return (
        person.is_active
        and STAFF_UI in held
        and perm in held
        and (person.company_id == company_id or VIEW_ALL_COMPANIES in held)
    )


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
