import dataclasses

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.exceptions import DomainError
from core.filters import IdFilter
from core.pagination import NewestFirstPagination
from core.permissions import requires

from . import services
from .models import Event, EventSignup, Gift, Level, Member, Merchant, Offer, PointEntry
from .serializers import (
    CallOffInput,
    EventChangeInput,
    EventCreateInput,
    EventSerializer,
    FeeOffsetInput,
    GiftCreateInput,
    GiftInput,
    GiftSerializer,
    GiftStockInput,
    MemberInput,
    MemberSerializer,
    MerchantCreateInput,
    MerchantSerializer,
    OfferCreateInput,
    OfferSerializer,
    PointEntrySerializer,
    RedemptionSerializer,
    SignupSerializer,
)

VIEW = "membership.view_member"
SERVE = "membership.serve_members"
MANAGE = "membership.manage_club"
REFUSED = {400: OpenApiResponse(description="refused (e.g. not enough points)"), 409: OpenApiResponse()}
INVALID = {400: OpenApiResponse(description="invalid, or refused by a rule of the club (with a code)")}


class ManagerWrites:
    """Creating and changing need the club manager's permission, as on the pages; the rest needs
    ``read_permission`` (None: the model's view permission, or an action's own permission)."""

    write_actions = ("create", "partial_update")
    read_permission: str | None = None

    def get_permissions(self):
        if self.action in self.write_actions:
            return [requires(MANAGE)()]
        if self.read_permission:
            return [requires(self.read_permission)()]
        return super().get_permissions()


class MemberFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(max_length=20)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    status = django_filters.ChoiceFilter(choices=Member.Status.choices)
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = Member
        fields = ["number", "level", "status", "customer"]


class MemberViewSet(ScopedReadOnlyViewSet):
    """Club members (万客会) of the caller's companies, newest first; phones masked.
    ``GET …/{id}/ledger/`` pages through the member's points history, newest first."""

    queryset = Member.objects.select_related("customer")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    pagination_class = NewestFirstPagination

    @extend_schema(responses=PointEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, serializer_class=PointEntrySerializer)
    def ledger(self, request, pk=None):
        member = self.get_object()
        # Only the entries of the caller's companies: another company's purchases and gifts are its own.
        entries = PointEntry.objects.filter(member=member).visible_to(request.user).order_by("-id")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(PointEntrySerializer(page, many=True).data)

    @extend_schema(request=GiftInput, responses={201: RedemptionSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="redeem-gift", permission_classes=[requires(SERVE)])
    def redeem_gift(self, request, pk=None):
        member = self.get_object()
        data = GiftInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        redemption = services.gift_redeem(member=member, gift=data.validated_data["gift"], by=request.user)
        return Response(RedemptionSerializer(redemption).data, status=201)

    @extend_schema(request=FeeOffsetInput, responses={201: RedemptionSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="fee-offset", permission_classes=[requires(SERVE)])
    def fee_offset(self, request, pk=None):
        member = self.get_object()
        data = FeeOffsetInput(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = services.fee_offset_redeem(
            member=member, amount=data.validated_data["amount"], by=request.user
        )
        return Response(RedemptionSerializer(redemption).data, status=201)


class PointEntryFilter(django_filters.FilterSet):
    member = IdFilter(field_name="member_id")
    kind = django_filters.ChoiceFilter(choices=PointEntry.Kind.choices)

    class Meta:
        model = PointEntry
        fields = ["member", "kind"]


class PointEntryViewSet(ScopedReadOnlyViewSet):
    """The append-only points ledger of the caller's companies, newest first (no writes: points
    change only through business events, redemptions and managers' corrections)."""

    queryset = PointEntry.objects.all()
    serializer_class = PointEntrySerializer
    filterset_class = PointEntryFilter
    pagination_class = NewestFirstPagination


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    project = IdFilter(field_name="project_id")

    class Meta:
        model = Event
        fields = ["kind", "project"]


class EventViewSet(ManagerWrites, ScopedReadOnlyViewSet):
    """Community events (社区活动): plan them and change them until they start (club managers); sign
    members up, cancel, and record attendance."""

    queryset = Event.objects.all()
    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = NewestFirstPagination

    @extend_schema(request=EventCreateInput, responses={201: EventSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = EventCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        company = values.pop("company")
        event = services.event_create(plan=services.EventPlan(**values), company=company, by=request.user)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EventChangeInput,
        responses={
            200: EventSerializer,
            **INVALID,
            409: OpenApiResponse(description="someone changed the event after the version you sent"),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Change an event that has not started; send the ``version`` you read with the fields that
        change."""
        event = self.get_object()
        data = EventChangeInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        plan = dataclasses.replace(services.event_plan_of(event), **values)
        event = services.event_update(event=event, plan=plan, version=version, by=request.user)
        return Response(EventSerializer(event).data)

    def _member(self, request) -> Member:
        data = MemberInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return data.validated_data["member"]

    @extend_schema(request=MemberInput, responses={201: SignupSerializer, **REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires(SERVE)])
    def signup(self, request, pk=None):
        event = self.get_object()
        signup = services.event_signup(
            event=event, member=self._member(request), channel=EventSignup.Channel.STAFF, by=request.user
        )
        return Response(SignupSerializer(signup).data, status=201)

    @extend_schema(request=MemberInput, responses={200: SignupSerializer, **REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires(SERVE)])
    def cancel(self, request, pk=None):
        event = self.get_object()
        signup = EventSignup.objects.filter(event=event, member=self._member(request)).first()
        if signup is None:
            raise DomainError(code="not_signed_up")
        services.event_cancel_signup(signup=signup, by=request.user)
        signup.refresh_from_db()
        return Response(SignupSerializer(signup).data)

    @extend_schema(request=CallOffInput, responses={200: EventSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="call-off", permission_classes=[requires(MANAGE)])
    def call_off(self, request, pk=None):
        """Call the event off: every sign-up is cancelled and the members are told by SMS."""
        event = self.get_object()
        data = CallOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.event_call_off(event=event, reason=data.validated_data["reason"], by=request.user)
        event.refresh_from_db()
        return Response(EventSerializer(event).data)

    @extend_schema(request=MemberInput, responses={200: SignupSerializer, **REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires(SERVE)])
    def attendance(self, request, pk=None):
        event = self.get_object()
        signup = services.event_mark_attendance(event=event, member=self._member(request), by=request.user)
        return Response(SignupSerializer(signup).data)


class GiftFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = Gift
        fields = ["active"]


class GiftViewSet(ManagerWrites, ScopedReadOnlyViewSet):
    """Gifts members redeem points for; club managers add them and change their stock."""

    queryset = Gift.objects.all()
    serializer_class = GiftSerializer
    filterset_class = GiftFilter
    read_permission = VIEW
    write_actions = ("create", "stock")

    @extend_schema(request=GiftCreateInput, responses={201: GiftSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = GiftCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        gift = services.gift_create(by=request.user, **data.validated_data)
        return Response(GiftSerializer(gift).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GiftStockInput,
        responses={
            200: GiftSerializer,
            **INVALID,
            409: OpenApiResponse(description="fewer in stock than the write-off"),
        },
        filters=False,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def stock(self, request, pk=None):
        """Add a delivery (+) to the stock or write some off (−); the change, not a new total, so that
        redemptions in between are kept."""
        gift = self.get_object()
        data = GiftStockInput(data=request.data)
        data.is_valid(raise_exception=True)
        gift = services.gift_stock_change(gift=gift, delta=data.validated_data["delta"], by=request.user)
        return Response(GiftSerializer(gift).data)


class MerchantFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = Merchant
        fields = ["active"]


class MerchantViewSet(ManagerWrites, ScopedReadOnlyViewSet):
    """Partner merchants (合作商家) giving member offers; club managers add them."""

    queryset = Merchant.objects.all()
    serializer_class = MerchantSerializer
    filterset_class = MerchantFilter
    read_permission = VIEW

    @extend_schema(request=MerchantCreateInput, responses={201: MerchantSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = MerchantCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = services.merchant_create(by=request.user, **data.validated_data)
        return Response(MerchantSerializer(merchant).data, status=status.HTTP_201_CREATED)


class OfferFilter(django_filters.FilterSet):
    merchant = IdFilter(field_name="merchant_id")

    class Meta:
        model = Offer
        fields = ["merchant"]


class OfferViewSet(ManagerWrites, ScopedReadOnlyViewSet):
    """Partner merchants' offers to members; club managers add them to an active merchant."""

    queryset = Offer.objects.all()
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    read_permission = VIEW

    @extend_schema(request=OfferCreateInput, responses={201: OfferSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = OfferCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        offer = services.offer_create(by=request.user, **data.validated_data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)
