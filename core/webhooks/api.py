"""The webhook API: ``/api/v1/webhooks/`` (subscriptions) and ``/api/v1/webhook-deliveries/`` (the
delivery log, with ``POST …/{id}/resend/``). Integrators manage their company's subscriptions, the
group centre any; both hold ``core.add_webhooksubscription``, which no other role has."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ID_PATTERN
from core.filters import IdFilter
from core.pagination import NewestFirstPagination
from core.permissions import ModelPermissions, requires
from core.webhook_models import WebhookDelivery, WebhookSubscription

from . import registry, services

MANAGE = "core.add_webhooksubscription"


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=registry.EVENT_TYPES),
        min_length=1,
        max_length=len(registry.EVENT_TYPES),
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            "Signs every delivery. Left out, one is made; it is shown once, in the answer to the creation."
        ),
    )
    company = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        source="company_id",
        help_text=_("Group-level callers: the company whose events are sent; empty for every company."),
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "company",
            "url",
            "event_types",
            "description",
            "is_active",
            "secret",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "created_at"]


class WebhookSubscriptionCreated(WebhookSubscriptionSerializer):
    """The answer to a creation: the only time the secret is shown."""

    secret = serializers.CharField(read_only=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "uuid",
            "subscription",
            "event_id",
            "event_type",
            "resource",
            "status",
            "attempts",
            "next_attempt_at",
            "response_code",
            "last_error",
            "created_at",
            "delivered_at",
            "body",
        ]
        read_only_fields = fields


class WebhookDeliveryFilter(django_filters.FilterSet):
    subscription = IdFilter(field_name="subscription_id")
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    event_type = django_filters.ChoiceFilter(choices=[(name, name) for name in registry.EVENT_TYPES])

    class Meta:
        model = WebhookDelivery
        fields = ["subscription", "status", "event_type"]


@extend_schema_view(create=extend_schema(responses={201: WebhookSubscriptionCreated}))
class WebhookSubscriptionViewSet(viewsets.ModelViewSet):
    """Webhook subscriptions of the caller's company (the group centre: of every company)."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [requires(MANAGE), ModelPermissions]
    pagination_class = NewestFirstPagination
    lookup_value_regex = ID_PATTERN
    filter_backends: list = []

    def get_queryset(self):
        return WebhookSubscription.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        subscription = services.subscription_create(
            user=request.user,
            url=values["url"],
            event_types=values["event_types"],
            secret=values.get("secret", ""),
            description=values.get("description", ""),
            company_id=values.get("company_id"),
        )
        return Response(WebhookSubscriptionCreated(subscription).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        subscription = self.get_object()
        data = self.get_serializer(subscription, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        changes = {key: value for key, value in data.validated_data.items() if key != "company_id"}
        subscription = services.subscription_update(subscription=subscription, changes=changes)
        return Response(self.get_serializer(subscription).data)

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance)


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The delivery log: status, attempts, last error and response code, newest first."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliverySerializer
    permission_classes = [requires(MANAGE), requires(services.RESEND)]
    pagination_class = NewestFirstPagination
    filterset_class = WebhookDeliveryFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return WebhookDelivery.objects.visible_to(self.request.user)

    @extend_schema(request=None, responses={201: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send this (finished) delivery again, as a new delivery of the same event and body."""
        original = self.get_object()
        copy = services.delivery_resend(user=request.user, delivery_id=original.pk)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)
