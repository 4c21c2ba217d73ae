"""organization.access.CachedPermissionsBackend: a person's permissions come from the cache between
requests, and every change to roles, role permissions or a person's own grants is seen at the next
request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organization import roles
from organization.models import User
from tests.factories import UserFactory

VIEW = "complaints.view_complaint"
LOWER = "complaints.lower_tier"


def fresh(user) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def staff(company_a):
    return UserFactory(company=company_a, role=roles.FRONTLINE_STAFF)


def test_a_second_request_reads_no_permissions(staff):
    assert fresh(staff).has_perm(VIEW)
    with CaptureQueriesContext(connection) as queries:
        assert fresh(staff).has_perm(VIEW)
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_a_new_role_counts_at_the_next_request(staff):
    assert not fresh(staff).has_perm(LOWER)
    staff.groups.add(Group.objects.get(name=roles.COMPANY_MANAGER))
    assert fresh(staff).has_perm(LOWER)
    staff.groups.clear()
    assert not fresh(staff).has_perm(VIEW)


def test_a_role_losing_a_permission_counts_at_the_next_request(staff):
    assert fresh(staff).has_perm(VIEW)
    Group.objects.get(name=roles.FRONTLINE_STAFF).permissions.remove(permission(VIEW))
    assert not fresh(staff).has_perm(VIEW)


def test_a_direct_grant_counts_at_the_next_request(staff):
    assert not fresh(staff).has_perm(LOWER)
    staff.user_permissions.add(permission(LOWER))
    assert fresh(staff).has_perm(LOWER)
    staff.user_permissions.remove(permission(LOWER))
    assert not fresh(staff).has_perm(LOWER)


def test_an_inactive_person_holds_nothing_whatever_is_cached(staff):
    assert fresh(staff).has_perm(VIEW)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert not fresh(staff).has_perm(VIEW)


def test_the_admin_account_holds_every_permission(db):
    admin = UserFactory(company=None, is_superuser=True)
    assert fresh(admin).has_perm(LOWER) and fresh(admin).has_perm("membership.earn_points")
