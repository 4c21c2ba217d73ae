from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .logging import mask_private_links, redact
from .models import Heartbeat, MessageOptOut, OutboundMessage


def mask_recipient(recipient: str) -> str:
    if "@" in recipient:
        name, _at, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    from customers.rules import mask_phone

    return mask_phone(recipient)


class ScopedAdmin(admin.ModelAdmin):
    """Admin pages go through the same scoping as every other surface."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["component", "beat_at", "hostname"]
    readonly_fields = ["component", "beat_at", "hostname"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The outbox, read-only and masked like every other page: the recipient and any phone number in
    the text are masked; a user with the personal-data permission reveals them with ``?unmask=1``,
    which is written to the access log. Private-link tokens stay masked for everyone."""

    list_display = [
        "id",
        "channel",
        "topic",
        "shown_recipient",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["channel", "topic", "status"]
    fields = [
        "channel",
        "shown_recipient",
        "topic",
        "subject",
        "shown_body",
        "dedupe_key",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the delivery task owns the status; the admin only reads

    def _revealed(self, obj) -> bool:
        return getattr(obj, "_revealed", False)

    @admin.display(description=_("recipient"))
    def shown_recipient(self, obj):
        return obj.recipient if self._revealed(obj) else mask_recipient(obj.recipient)

    @admin.display(description=_("text"))
    def shown_body(self, obj):
        # A private link's token is a key to an owner's page: nobody reads it here, whatever their rights.
        body = mask_private_links(obj.body)
        return body if self._revealed(obj) else redact(body)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.GET.get("unmask") == "1" and request.method == "GET":
            from customers import privacy
            from customers.models import AccessAction, Customer

            if privacy.can_see_personal_data(request.user):
                obj._revealed = True
                customers = list(Customer.objects.visible_to(request.user).filter(phone=obj.recipient)[:10])
                privacy.record_access(
                    request,
                    customers or [Customer(pk=None)],
                    AccessAction.UNMASK,
                    full_data=True,
                    detail=f"admin: outgoing message {obj.pk}",
                )
        return obj


@admin.register(MessageOptOut)
class MessageOptOutAdmin(admin.ModelAdmin):
    list_display = ["recipient_key", "topic", "created_at"]
    list_filter = ["topic"]
