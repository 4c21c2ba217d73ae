from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ScopedAdmin
from customers.rules import mask_phone

from .models import CannedReply, Complaint, ComplaintCost, Contractor, DefectType, RiskWord
from .pause_models import ComplaintPause


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """A read-only window: status, tier and every other workflow field change only through the
    services (staff pages and API), so that each change is a timeline event. No add, delete or bulk
    actions for the same reason; the contact phone is masked like on every other page."""

    list_display = ["number", "title", "project", "category", "tier", "status", "received_at"]
    list_filter = ["tier", "status", "category", "channel"]
    list_select_related = ["project"]
    search_fields = ["=number"]
    show_full_result_count = False
    actions = None
    exclude = ["contact_phone"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Complaint._meta.fields if field.name != "contact_phone"] + [
            "masked_contact_phone"
        ]

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, complaint):
        return mask_phone(complaint.contact_phone) if complaint.contact_phone else ""


@admin.register(ComplaintCost)
class ComplaintCostAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """The cost ledger, read-only: entries are recorded and reversed on the complaint page or through
    the API (``services.costs``), never edited or deleted."""

    list_display = ["complaint", "kind", "amount", "state", "contractor", "recorded_by", "recorded_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["complaint", "contractor", "recorded_by"]
    search_fields = ["=complaint__number"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ComplaintCost._meta.fields]


@admin.register(ComplaintPause)
class ComplaintPauseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The pauses of the response clock, read-only: a pause and its resume are audited events,
    recorded on the complaint page or through the API (``services.complaint_pause`` / ``_resume``),
    never edited or deleted. Whoever reads complaints reads them, within their companies."""

    list_display = [
        "complaint",
        "reason",
        "handler",
        "paused_by",
        "paused_at",
        "until",
        "approved_by",
        "resumed_at",
    ]
    list_filter = ["reason"]
    list_select_related = ["complaint", "handler", "paused_by", "approved_by"]
    search_fields = ["=complaint__number"]
    date_hierarchy = "paused_at"
    actions = None

    def get_queryset(self, request):
        visible = Complaint.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(complaint__in=visible)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ComplaintPause._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("complaints.view_complaint")


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "specialty", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


@admin.register(DefectType)
class DefectTypeAdmin(admin.ModelAdmin):
    """The defect catalogue (缺陷分类, DOMAIN.md "Defect feedback"): the group centre holds its add and
    change permissions (``organization.roles``). Two levels: a leaf's parent is a top-level type.
    Deactivate a type rather than delete it: past complaints keep it and the register counts them."""

    list_display = ["code", "name", "parent", "active", "order"]
    list_filter = ["active", "parent"]
    list_editable = ["active", "order"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    ordering = ["parent__order", "parent__code", "order", "code"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskWord)
class RiskWordAdmin(admin.ModelAdmin):
    """The word lists risk signals are read with (DOMAIN.md, "Risk wording"): the group centre holds
    the model's change permission (``organization.roles``). Deactivate a word rather than delete it:
    the words of past signals keep their meaning. A change applies to the next text read (in other
    processes within a minute without the shared Redis cache: ``services.risk.risk_vocabulary``)."""

    list_display = ["word", "signal", "is_exception", "active"]
    list_filter = ["signal", "is_exception", "active"]
    list_editable = ["active"]
    search_fields = ["word"]
    ordering = ["signal", "is_exception", "word"]


@admin.register(CannedReply)
class CannedReplyAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only here: managers keep their company's canned replies on the staff page
    (``/complaints/replies/``), where the services check the title and who may change them."""

    list_display = ["title", "company", "active", "created_by", "updated_at"]
    list_filter = ["active"]
    list_select_related = ["company", "created_by"]
    search_fields = ["title"]
    readonly_fields = ["company", "title", "body", "active", "created_by", "created_at", "updated_at"]
