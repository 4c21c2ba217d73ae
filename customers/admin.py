from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ScopedAdmin
from core.logging import mask_private_links, redact
from core.models import OutboundMessage
from core.outbox import mask_recipient

from . import privacy, rules
from .models import AccessAction, AccessLog, Communication, Customer


@admin.register(Customer)
class CustomerAdmin(ScopedAdmin):
    list_display = ["name", "company", "masked_phone", "stage", "segment"]
    list_filter = ["stage", "segment"]
    list_select_related = ["company"]
    # The tail only: a search by whole number would confirm numbers that are shown masked here.
    search_fields = ["name", "=phone_tail"]
    show_full_result_count = False
    # Personal data stays masked here; the staff UI reveals it on request and audits the reveal.
    readonly_fields = ["company", "masked_phone", "masked_id_number", "stage", "moved_in_on", "version"]
    exclude = ["phone", "id_number"]

    def has_add_permission(self, request):
        return False  # files are created by the upsert service (pages, API, import), one per phone

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            privacy.record_access(
                request, list(changelist.result_list), AccessAction.LIST, full_data=False, detail="admin"
            )
        return response

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, customer):
        return rules.mask_phone(customer.phone)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, customer):
        return rules.mask_id_number(customer.id_number) if customer.id_number else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        customer = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and customer is not None:
            privacy.record_access(request, [customer], AccessAction.VIEW, full_data=False, detail="admin")
        return response


@admin.register(Communication)
class CommunicationAdmin(ScopedAdmin):
    list_display = ["customer", "channel", "occurred_at", "staff"]
    list_select_related = ["customer", "staff"]
    raw_id_fields = ["customer"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False  # the communication log is append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "customer", "action", "full_data", "ip_address"]
    list_filter = ["action", "full_data"]
    list_select_related = ["user", "customer"]
    show_full_result_count = False


# The outbox lives in core, but every message goes to a customer: revealing a recipient is reading
# a customer's personal data, audited against the customer files like every other reveal.
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
        if (
            obj is not None
            and request.GET.get("unmask") == "1"
            and request.method == "GET"
            and privacy.can_see_personal_data(request.user)
        ):
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
