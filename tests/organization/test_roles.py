from django.contrib.auth.models import Group

from organization import roles
from tests.factories import UserFactory


def test_every_role_exists_with_exactly_its_permissions(db):
    roles.sync_roles()
    for role, codes in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(codes), role


def test_sync_is_idempotent_and_resets_drift(db):
    group = Group.objects.get(name=roles.AUDITOR)
    group.permissions.clear()
    roles.sync_roles()
    roles.sync_roles()
    assert Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() == len(roles.ROLE_PERMISSIONS)
    assert group.permissions.count() == len(roles.ROLE_PERMISSIONS[roles.AUDITOR])


def test_only_integrators_lack_the_staff_ui(db):
    for role in roles.ROLE_PERMISSIONS:
        user = UserFactory(role=role)
        assert user.has_perm("organization.use_staff_ui") == (role != roles.INTEGRATOR), role


def test_auditor_reads_but_cannot_change(db):
    auditor = UserFactory(company=None, role=roles.AUDITOR)
    assert auditor.has_perm("organization.view_unit")
    assert not auditor.has_perm("organization.change_unit")
