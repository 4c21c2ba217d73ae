"""core.permissions.ModelPermissions: the Django permission of the view's model, read from the view's
class queryset without building the caller's scoped queryset."""

from types import SimpleNamespace

import pytest

from complaints.models import Complaint
from core.permissions import ModelPermissions
from organization import roles
from tests.factories import UserFactory


class ScopedView:
    queryset = Complaint.objects.all()

    def get_queryset(self):
        raise AssertionError("the scoped queryset was built for the permission check")


class OnlyScopedView:
    def get_queryset(self):
        return Complaint.objects.none()


@pytest.mark.parametrize("view", [ScopedView(), OnlyScopedView()])
def test_reads_the_model_of_the_view(company_a, view):
    request = SimpleNamespace(user=UserFactory(company=company_a, role=roles.FRONTLINE_STAFF), method="GET")
    assert ModelPermissions().has_permission(request, view) is True
    request.user = UserFactory(company=company_a)
    assert ModelPermissions().has_permission(request, view) is False
