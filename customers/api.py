from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import ID_PATTERN
from core.exceptions import DomainError
from core.pagination import NewestFirstPagination
from core.permissions import requires
from organization import access
from organization.serializers import FeedAnswer, too_many_rows

from . import feed, privacy, services
from .filters import CommunicationFilter, CustomerFilter, PurchaseFilter
from .models import AccessAction, Communication, Customer, Purchase
from .serializers import (
    CommunicationSerializer,
    CustomerSerializer,
    CustomerUpdateInput,
    CustomerUpsertInput,
    PurchaseFeedInput,
    PurchaseSerializer,
    PurchaseUpdateInput,
    SegmentInput,
)

# The sales-system feed is an import of the company's customers and purchases.
IMPORT_CUSTOMERS = "customers.import_customers"

UNMASK = OpenApiParameter(
    "unmask",
    bool,
    description=str(_("Show full phone and ID numbers (needs the permission; every read is audited).")),
)


class CustomerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Customer files (客户档案) of the caller's company, newest first. POST is an upsert by phone
    within the company: the same person pushed twice is one file. Another company's file on the same
    person is never found, read or changed, so the answer (201 new file / 200 updated) says nothing
    about other companies."""

    queryset = Customer.objects.all()
    pagination_class = NewestFirstPagination
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user)

    def unmask_requested(self) -> bool:
        if self.request.query_params.get("unmask", "").lower() not in {"1", "true", "yes"}:
            return False
        if not privacy.can_see_personal_data(self.request.user):
            raise PermissionDenied(_("You may not see full personal data."))
        return True

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "unmasked": self.unmask_requested()}

    def answer(self, customer: Customer, *, detail: str, status_code: int = status.HTTP_200_OK) -> Response:
        """One customer in the answer of any call, written to the access log when it is unmasked."""
        unmasked = self.unmask_requested()
        if unmasked:
            privacy.record_access(
                self.request, [customer], AccessAction.API_READ, full_data=True, detail=detail
            )
        body = CustomerSerializer(customer, context=self.get_serializer_context()).data
        return Response(body, status=status_code)

    @extend_schema(parameters=[UNMASK])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # Every page is audited, masked too: a list is how a phone number would be fished for.
        ids = [row["id"] for row in response.data["results"]]
        privacy.record_access(
            request,
            [Customer(pk=pk) for pk in ids],
            AccessAction.LIST,
            full_data=self.unmask_requested(),
            detail="api",
        )
        return response

    @extend_schema(parameters=[UNMASK])
    def retrieve(self, request, *args, **kwargs):
        customer = self.get_object()
        privacy.record_access(request, [customer], AccessAction.API_READ, full_data=self.unmask_requested())
        return Response(self.get_serializer(customer).data)

    @extend_schema(
        request=CustomerUpsertInput,
        parameters=[UNMASK],
        responses={200: CustomerSerializer, 201: CustomerSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = CustomerUpsertInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        phone, source = values.pop("phone"), values.pop("source")
        try:
            company = access.write_company_for(request.user, values.pop("company", None))
        except DomainError as refused:
            raise ValidationError({"company": [refused.message]}) from None
        exists = Customer.objects.filter(company=company, phone=phone).exists()
        if exists and not request.user.has_perm("customers.change_customer"):
            raise PermissionDenied(
                _("Your company already has a file for this phone and you may not change customers.")
            )
        customer, created = services.customer_upsert(
            company=company,
            phone=phone,
            source=source,
            external_id=values.pop("external_id", None),
            profile=values,
        )
        return self.answer(
            customer,
            detail="create" if created else "upsert",
            status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=CustomerUpdateInput,
        parameters=[UNMASK],
        responses={
            200: CustomerSerializer,
            409: OpenApiResponse(
                description=str(_("Someone saved the customer after the version you sent."))
            ),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        data = CustomerUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "version" not in values:
            raise ValidationError(
                {"version": [_("Send the version you read, so that concurrent edits are caught.")]}
            )
        updated = services.customer_update(
            customer=customer,
            expected_version=values.pop("version"),
            phone=values.pop("phone", None),
            external_id=values.pop("external_id", None),
            profile=values,
        )
        return self.answer(updated, detail="update")

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(request=SegmentInput, parameters=[UNMASK], responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def segment(self, request, pk=None):
        """Choose the segment by hand (with a reason), or send an empty segment to return to the rules."""
        customer = self.get_object()
        if not request.user.has_perm("customers.change_customer"):
            raise PermissionDenied
        data = SegmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.customer_set_segment(customer=customer, **data.validated_data)
        return self.answer(updated, detail="segment")


class PurchaseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Purchases, with the contract date and the delivery (handover, 交付) date. POST with a
    (customer, unit) pair that exists corrects it (200) instead of adding one; PATCH corrects one
    with the version read; ``bulk`` is the sales system's feed."""

    queryset = Purchase.objects.select_related("unit__building")
    serializer_class = PurchaseSerializer
    filterset_class = PurchaseFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    @extend_schema(
        responses={
            200: PurchaseSerializer,
            201: PurchaseSerializer,
            409: OpenApiResponse(description=str(_("The external id is taken by another purchase."))),
        }
    )
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        purchase, created = services.purchase_record(**data.validated_data)
        return Response(self.get_serializer(purchase).data, status=201 if created else 200)

    @extend_schema(
        request=PurchaseUpdateInput,
        responses={
            200: PurchaseSerializer,
            409: OpenApiResponse(
                description=str(
                    _("Someone saved the purchase after the version you sent, or the external id is taken.")
                )
            ),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        purchase = self.get_object()
        data = PurchaseUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        updated = services.purchase_update(
            purchase=purchase, expected_version=values.pop("version"), changes=values
        )
        return Response(self.get_serializer(updated).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=PurchaseFeedInput,
        responses={
            200: FeedAnswer,
            409: OpenApiResponse(
                description=str(
                    _("Another call wrote some of these records at the same time; send it again.")
                )
            ),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[requires(IMPORT_CUSTOMERS)])
    def bulk(self, request):
        """The sales system's purchase feed: up to 1,000 purchases with their buyers per call,
        idempotent by external id. Every row is checked first; rows with errors are reported and
        skipped, the valid ones are written in one transaction. Each row's answer says created,
        updated, unchanged or error (with the reasons). New buyers become club members."""
        refused = too_many_rows(request.data)
        if refused:
            raise ValidationError(refused)
        data = PurchaseFeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            company = access.write_company_for(request.user, values.get("company"))
        except DomainError as refused:
            raise ValidationError({"company": [refused.message]}) from None
        rows = [{**row, "customer": dict(row["customer"])} for row in values["rows"]]
        return Response(feed.purchases_feed(company=company, rows=rows))


class CommunicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The communication log (沟通记录): append-only, so there is no update or delete."""

    queryset = Communication.objects.select_related("staff")
    serializer_class = CommunicationSerializer
    filterset_class = CommunicationFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def perform_create(self, serializer):
        customer = serializer.validated_data["customer"]
        serializer.instance = services.communication_log(
            customer=customer,
            channel=serializer.validated_data["channel"],
            content=serializer.validated_data["content"],
            occurred_at=serializer.validated_data.get("occurred_at"),
            staff=self.request.user,
        )
