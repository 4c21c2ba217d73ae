import dataclasses

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.exceptions import DomainError
from core.filters import IdFilter
from core.pagination import NewestFirstPagination
from core.permissions import requires

from . import services
from .models import Campaign, Event, EventSignup, Gift, Level, Member, Merchant, Offer, PointEntry
from .serializers import (
    CallOffInput,
    CampaignInput,
    CampaignSerializer,
    CodeInput,
    CorrectionInput,
    EventChangeInput,
    EventCreateInput,
    EventSerializer,
    FeeOffsetInput,
    GiftChangeInput,
    GiftCreateInput,
    GiftInput,
    GiftSerializer,
    GiftStockInput,
    MemberInput,
    MemberSerializer,
    MemberStatusInput,
    MerchantChangeInput,
    MerchantCreateInput,
    MerchantSerializer,
    OfferChangeInput,
    OfferCodeSerializer,
    OfferCreateInput,
    OfferInput,
    OfferSerializer,
    PartnerEarnInput,
    PointEntrySerializer,
    RedemptionSerializer,
    ReferralInput,
    ReferralSerializer,
    SignupSerializer,
)

VIEW = "membership.view_member"
SERVE = "membership.serve_members"
MANAGE = "membership.manage_club"
EARN = "membership.earn_points"
REFUSED = {400: OpenApiResponse(description="refused (e.g. not enough points)"), 409: OpenApiResponse()}
INVALID = {400: OpenApiResponse(description="invalid, or refused by a rule of the club (with a code)")}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The partner's name for this earn (1 to 64 printable ASCII characters), instead of "
    "idempotency_key in the body.",
)


def _changes(serializer_class, request, current: dict) -> dict:
    """The fields a PATCH sent, validated, over the record's current values."""
    data = serializer_class(data=request.data, partial=True, context={"request": request})
    data.is_valid(raise_exception=True)
    return {**current, **data.validated_data}


class ManagerWrites:
    """Creating and changing need the club manager's permission, as on the pages; the rest needs
    ``read_permission`` (None: the model's view permission, or an action's own permission)."""

    write_actions = ("create", "partial_update")
    read_permission: str | None = None
    # Actions that name their own permission (e.g. using a member's code needs serve_members).
    own_permission_actions: tuple[str, ...] = ()

    def get_permissions(self):
        if self.action in self.write_actions:
            return [requires(MANAGE)()]
        if self.read_permission and self.action not in self.own_permission_actions:
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

    @extend_schema(
        request=PartnerEarnInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: PointEntrySerializer,
            **INVALID,
            409: OpenApiResponse(description="the idempotency key was used for a different request"),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[requires(EARN)])
    def earn(self, request, pk=None):
        """A partner system credits points the member earned with it. The idempotency key (the
        ``Idempotency-Key`` header or ``idempotency_key``) names the partner's business event: the
        same key again with the same body answers with the first entry (201, header
        ``Idempotent-Replayed: true``) and writes nothing; with another body it is a 409."""
        member = self.get_object()
        data = PartnerEarnInput(data=request.data)
        data.is_valid(raise_exception=True)
        header = request.headers.get("Idempotency-Key", "")
        body = data.validated_data.get("idempotency_key", "")
        if header and body and header != body:
            raise DomainError(
                _("The Idempotency-Key header and idempotency_key differ; send one of them."),
                code="idempotency_key_mismatch",
            )
        if not (header or body):
            raise DomainError(
                _("Send an Idempotency-Key header or idempotency_key naming this earn."),
                code="idempotency_key_required",
            )
        entry, created = services.points_earn_from_partner(
            member=member,
            points=data.validated_data["points"],
            reason=data.validated_data["reason"],
            idempotency_key=header or body,
            by=request.user,
        )
        response = Response(PointEntrySerializer(entry).data, status=201)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=CorrectionInput, responses={201: PointEntrySerializer, **REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires(MANAGE)])
    def correct(self, request, pk=None):
        """A club manager's correction of the balance, with a reason (a negative one cannot take the
        balance below zero: 400 ``not_enough_points``)."""
        member = self.get_object()
        data = CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.points_correct(member=member, by=request.user, **data.validated_data)
        return Response(PointEntrySerializer(entry).data, status=201)

    @extend_schema(
        request=MemberStatusInput,
        responses={200: MemberSerializer, 409: OpenApiResponse(description="already in this state")},
    )
    @action(detail=True, methods=["post"], url_path="status", permission_classes=[requires(MANAGE)])
    def set_status(self, request, pk=None):
        """Suspend a membership (no spending, sign-ups or codes; earning continues) or reactivate it."""
        member = self.get_object()
        data = MemberStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_set_status(member=member, status=data.validated_data["status"])
        return Response(MemberSerializer(member).data)

    @extend_schema(request=ReferralInput, responses={201: ReferralSerializer, **REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[requires(SERVE)])
    def referrals(self, request, pk=None):
        """The member referred a new customer; the points are earned when that customer signs."""
        member = self.get_object()
        data = ReferralInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        referral = services.referral_create(referrer=member, customer=data.validated_data["customer"])
        return Response(ReferralSerializer(referral).data, status=201)

    @extend_schema(request=OfferInput, responses={201: OfferCodeSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="claim-offer", permission_classes=[requires(SERVE)])
    def claim_offer(self, request, pk=None):
        """Claim a partner merchant's offer for the member: a one-time code (spending the offer's
        points, if any); one code per offer and member."""
        member = self.get_object()
        data = OfferInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        code = services.offer_claim(member=member, offer=data.validated_data["offer"], by=request.user)
        return Response(OfferCodeSerializer(code).data, status=201)


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
    write_actions = ("create", "partial_update", "stock")

    @extend_schema(request=GiftCreateInput, responses={201: GiftSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = GiftCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        gift = services.gift_create(by=request.user, **data.validated_data)
        return Response(GiftSerializer(gift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GiftChangeInput, responses={200: GiftSerializer, **INVALID})
    def partial_update(self, request, *args, **kwargs):
        """Rename a gift, change its price in points or stop (``active`` false) or resume offering
        it; the stock changes through …/stock/."""
        gift = self.get_object()
        values = _changes(
            GiftChangeInput, request, {"name": gift.name, "points": gift.points, "active": gift.active}
        )
        gift = services.gift_update(gift=gift, by=request.user, **values)
        return Response(GiftSerializer(gift).data)

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

    @extend_schema(request=MerchantChangeInput, responses={200: MerchantSerializer, **INVALID})
    def partial_update(self, request, *args, **kwargs):
        """Rename a merchant, change its category, or end (``active`` false) or resume the
        partnership."""
        merchant = self.get_object()
        current = {"name": merchant.name, "category": merchant.category, "active": merchant.active}
        values = _changes(MerchantChangeInput, request, current)
        merchant = services.merchant_update(merchant=merchant, by=request.user, **values)
        return Response(MerchantSerializer(merchant).data)


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
    own_permission_actions = ("use_code",)

    @extend_schema(request=OfferCreateInput, responses={201: OfferSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = OfferCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        offer = services.offer_create(by=request.user, **data.validated_data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferChangeInput, responses={200: OfferSerializer, **INVALID})
    def partial_update(self, request, *args, **kwargs):
        """Change an active merchant's offer: its title, points or validity (today or later)."""
        offer = self.get_object()
        current = {"title": offer.title, "points": offer.points, "valid_until": offer.valid_until}
        values = _changes(OfferChangeInput, request, current)
        offer = services.offer_update(offer=offer, by=request.user, **values)
        return Response(OfferSerializer(offer).data)

    @extend_schema(
        request=CodeInput,
        responses={200: OfferCodeSerializer, **INVALID, 409: OpenApiResponse(description="already used")},
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="use-code",
        filterset_class=None,
        pagination_class=None,
        permission_classes=[requires(SERVE)],
    )
    def use_code(self, request):
        """The merchant presents a member's redemption code: it works once, while its offer is valid
        (an unknown code, or one of another company, is a 400 ``unknown_code``)."""
        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        code = services.code_use(code=data.validated_data["code"], user=request.user)
        return Response(OfferCodeSerializer(code).data)


class CampaignViewSet(ScopedReadOnlyViewSet):
    """Messages pushed to members (news, offers, events) by SMS or e-mail, newest first; club
    managers send them. ``queued`` is filled in once the worker has written the messages."""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    pagination_class = NewestFirstPagination

    def get_permissions(self):
        return [requires(MANAGE if self.action == "create" else VIEW)()]

    @extend_schema(request=CampaignInput, responses={201: CampaignSerializer, **INVALID})
    def create(self, request, *args, **kwargs):
        data = CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(by=request.user, **data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)
