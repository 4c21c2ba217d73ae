"""The customer manager (客户经理) of a project or a building, under ``/api/v1/projects/{id}/`` and
``/api/v1/buildings/{id}/``:

- ``GET customer-manager/``: the manager the target has, who looks after its customers (a building
  without one of its own: the project's) and its latest changes;
- ``POST customer-manager/`` ``{"user": id | null, "note": ""}``: choose the manager (``null``:
  nobody). Choosing the one it already has changes nothing (``changed: false``), so a retried POST is
  harmless. A change moves the open service tasks of its customers to the new manager.

Reading needs the view permission of the project or building; choosing needs
``organization.assign_customer_manager`` (company managers, the group centre): without it 403,
another company's project or building 404, a user who is not on the company's staff working on
service tasks 400 ``customer_manager_outside``. Registered on the same router prefixes as the
read-only viewsets of ``organization.api``; ``organization.customer_managers`` does the work.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from core.api import ID_PATTERN
from core.exceptions import DomainError

from . import access, customer_managers
from .models import Building, CustomerManagerChange, Project, User

ASSIGN = "organization.assign_customer_manager"


class ManagerSerializer(serializers.ModelSerializer):
    """Who a person is to a colleague: no phone, no e-mail."""

    class Meta:
        model = User
        fields = ["id", "username", "name", "company"]


class CustomerManagerChangeSerializer(serializers.ModelSerializer):
    from_manager = ManagerSerializer(read_only=True, allow_null=True)
    to_manager = ManagerSerializer(read_only=True, allow_null=True)
    by = ManagerSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CustomerManagerChange
        fields = [
            "id",
            "project",
            "building",
            "from_manager",
            "to_manager",
            "by",
            "note",
            "tasks_moved",
            "at",
        ]


class CustomerManagerInput(serializers.Serializer):
    user = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The new customer manager, one of the company's staff working on service tasks; "
        "null: nobody.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class CustomerManagerOutput(serializers.Serializer):
    project = serializers.IntegerField()
    building = serializers.IntegerField(allow_null=True, help_text="Null for a project's own manager.")
    customer_manager = ManagerSerializer(allow_null=True, help_text="The target's own manager.")
    effective_customer_manager = ManagerSerializer(
        allow_null=True,
        help_text="Who looks after its customers: a building without one of its own, the project's.",
    )
    changed = serializers.BooleanField(help_text="Whether this request changed the manager (POST).")
    tasks_moved = serializers.IntegerField(help_text="Open service tasks moved to the new manager (POST).")
    changes = CustomerManagerChangeSerializer(many=True, help_text="The latest changes, newest first.")


def _render(project: Project, building: Building | None, *, changed=False, tasks_moved=0) -> dict:
    own = building.customer_manager if building is not None else project.customer_manager
    effective = own or (project.customer_manager if building is not None else None)
    changes = CustomerManagerChange.objects.filter(project=project, building=building).select_related(
        "from_manager", "to_manager", "by"
    )[:20]
    return CustomerManagerOutput(
        {
            "project": project.pk,
            "building": building.pk if building is not None else None,
            "customer_manager": own,
            "effective_customer_manager": effective,
            "changed": changed,
            "tasks_moved": tasks_moved,
            "changes": changes,
        }
    ).data


class _CustomerManagerMixin:
    queryset = None  # set by each viewset
    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    serializer_class = CustomerManagerOutput
    pagination_class = None
    filter_backends = []

    def _target(self, request, pk, permission):
        raise NotImplementedError

    def _handle(self, request, pk):
        permission = None if request.method in SAFE_METHODS else ASSIGN
        project, building = self._target(request, pk, permission)
        if request.method in SAFE_METHODS:
            return Response(_render(project, building))
        data = CustomerManagerInput(data=request.data)
        data.is_valid(raise_exception=True)
        user_id = data.validated_data["user"]
        manager = None
        if user_id is not None:
            manager = User.objects.filter(pk=user_id).first()
            if manager is None:
                raise DomainError(
                    customer_managers.OUTSIDE_MESSAGE % {"name": user_id}, code="customer_manager_outside"
                )
        done = customer_managers.customer_manager_set(
            project=project,
            building=building,
            manager=manager,
            by=request.user,
            note=data.validated_data["note"],
        )
        return Response(
            _render(done.project, done.building, changed=done.changed, tasks_moved=done.tasks_moved)
        )


class ProjectCustomerManagerViewSet(_CustomerManagerMixin, viewsets.GenericViewSet):
    """The customer manager of a project of the caller's companies."""

    queryset = Project.objects.all()

    def _target(self, request, pk, permission):
        project = access.access(
            Project.objects.select_related("customer_manager"),
            request.user,
            pk,
            "view",
            permission=permission,
        )
        return project, None

    @extend_schema(methods=["GET"], responses={200: CustomerManagerOutput})
    @extend_schema(methods=["POST"], request=CustomerManagerInput, responses={200: CustomerManagerOutput})
    @action(detail=True, methods=["get", "post"], url_path="customer-manager", url_name="customer-manager")
    def customer_manager(self, request, pk=None):
        """The project's customer manager (GET), or choose it (POST): it looks after the customers of
        the project's buildings without a manager of their own."""
        return self._handle(request, pk)


class BuildingCustomerManagerViewSet(_CustomerManagerMixin, viewsets.GenericViewSet):
    """The customer manager of a building of the caller's companies."""

    queryset = Building.objects.all()

    def _target(self, request, pk, permission):
        building = access.access(
            Building.objects.select_related("customer_manager", "project__customer_manager"),
            request.user,
            pk,
            "view",
            permission=permission,
        )
        return building.project, building

    @extend_schema(methods=["GET"], responses={200: CustomerManagerOutput})
    @extend_schema(methods=["POST"], request=CustomerManagerInput, responses={200: CustomerManagerOutput})
    @action(detail=True, methods=["get", "post"], url_path="customer-manager", url_name="customer-manager")
    def customer_manager(self, request, pk=None):
        """The building's customer manager (GET), or choose it (POST; null: the project's manager
        looks after it again)."""
        return self._handle(request, pk)
