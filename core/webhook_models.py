"""Webhook subscriptions and their deliveries (an outbox of HTTP calls; see ``core.webhooks``)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager


class WebhookSubscription(models.Model):
    """An integrator's (or the group centre's) URL that is told of events of a company's records.

    ``company`` empty: a group-level subscription, told of every company's events. The body of each
    delivery is rendered with the rights of ``owner`` (who registered it): personal data stays masked
    unless the owner may see it. ``secret`` signs every delivery; it is shown once, on creation."""

    company = models.ForeignKey(
        "organization.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    owner = models.ForeignKey(
        "organization.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(_("secret"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Failed attempts since the last success; at WEBHOOK_DISABLE_AFTER_FAILURES the subscription stops.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        permissions = [("resend_webhookdelivery", _("Can see webhook deliveries and send them again"))]
        indexes = [models.Index(fields=["company"], name="webhook_sub_active", condition=Q(is_active=True))]

    def __str__(self) -> str:
        return f"{self.url} #{self.pk}"


class WebhookDelivery(models.Model):
    """One event for one subscription, written in the transaction that caused the event and sent
    by the sweep (``core.webhooks.delivery``). ``body`` is the exact JSON that is signed and sent,
    rendered when the event happened. While pending, ``next_attempt_at`` is when the sweep may take
    it; a claim moves it one lease ahead, so a worker that died mid-delivery leaves a row that is
    taken again once the lease ends (at least once; receivers dedupe by the delivery id)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event"), max_length=40)
    # "complaint:12": deliveries of one resource to one subscription are sent in id order.
    resource = models.CharField(_("resource"), max_length=60)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retried until"))
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    company_lookup = "subscription__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The sweep: pending rows whose time has come.
            models.Index(fields=["next_attempt_at"], name="webhook_due", condition=Q(status="pending")),
            # Ordering: is an earlier delivery of this (subscription, resource) still pending?
            models.Index(
                fields=["subscription", "resource", "id"],
                name="webhook_pending_resource",
                condition=Q(status="pending"),
            ),
            # The delivery log, newest first.
            models.Index(fields=["subscription", "-id"], name="webhook_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.uuid})"
