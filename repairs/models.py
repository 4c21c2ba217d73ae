"""Warranty repairs (报修): a repair request of an owner's unit, dispatched to a contractor or
supplier, visited (fixed / not fixed / missed), confirmed by the owner or a follow-up call, closed;
or turned into a complaint. Each visit is a row, so first-time fixes are counted in SQL."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Contractor, DefectType
from complaints.rules import PREVIEWABLE_TYPES
from core.scoping import ScopedManager


class WarrantyPeriod(models.Model):
    """How long a part (a top-level defect type: 防水, 结构 …) is under warranty after handover."""

    defect_type = models.OneToOneField(
        DefectType,
        on_delete=models.CASCADE,
        related_name="warranty_period",
        verbose_name=_("part"),
        limit_choices_to={"parent__isnull": True},
    )
    years = models.PositiveSmallIntegerField(_("years"))

    class Meta:
        verbose_name = _("warranty period")
        verbose_name_plural = _("warranty periods")
        ordering = ["defect_type__order", "defect_type__code"]

    def __str__(self) -> str:
        return f"{self.defect_type.name} {self.years}"


class Channel(models.TextChoices):
    STAFF = "staff", _("Staff")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    OWNER_PAGE = "owner_page", _("Owner's page")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    REDO = "redo", _("To be visited again")
    FIXED = "fixed", _("Fixed, awaiting confirmation")
    CLOSED = "closed", _("Closed")
    CONVERTED = "converted", _("Became a complaint")


class Confirmation(models.TextChoices):
    OWNER = "owner", _("By the owner")
    CALL = "call", _("By the follow-up call")


class RepairRequest(models.Model):
    # BX<yyyymm>-<id>, set right after the insert (null only inside that transaction)
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True, editable=False)
    company = models.ForeignKey(
        "organization.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="repair_requests", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_requests",
        verbose_name=_("customer"),
    )
    defect_type = models.ForeignKey(
        DefectType, on_delete=models.PROTECT, related_name="repair_requests", verbose_name=_("defect type")
    )
    description = models.TextField(_("description"), max_length=5000)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=11, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    warranty = models.BooleanField(_("under warranty"))
    warranty_ends_on = models.DateField(_("warranty ends on"), null=True, blank=True)
    contractor = models.ForeignKey(
        Contractor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_requests",
        verbose_name=_("contractor or supplier"),
    )
    appointment_from = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_to = models.DateTimeField(_("appointment to"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    confirmed_via = models.CharField(_("confirmed"), max_length=10, choices=Confirmation.choices, blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_follow_ups",
        verbose_name=_("follow-up call by"),
    )
    follow_up_due_at = models.DateTimeField(_("follow-up call due"), null=True, blank=True)
    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_request",
        verbose_name=_("complaint"),
    )
    conversion_reason = models.CharField(max_length=20, blank=True)
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("repair request")
        verbose_name_plural = _("repair requests")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-reported_at", "-id"], name="repair_company_recent"),
            # The monthly contractor statistics read one month of every company's repairs.
            models.Index(fields=["reported_at"], name="repair_request_reported"),
            # The defect register (complaints.reports.defects, this app's source): the group's typed
            # repairs of a period from the index alone, and a project's through its units.
            models.Index(
                fields=["reported_at"], include=["defect_type", "unit"], name="repair_defect_register"
            ),
            models.Index(fields=["unit", "reported_at"], include=["defect_type"], name="repair_unit_defects"),
            models.Index(
                fields=["follow_up_by", "follow_up_due_at"],
                name="repair_follow_up_due",
                condition=models.Q(status="fixed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(appointment_to__isnull=True)
                | models.Q(appointment_to__gte=models.F("appointment_from")),
                name="repair_appointment_window",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RepairVisit(models.Model):
    """One dispatch and what came of it; ``outcome`` is blank until the visit is recorded."""

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NOT_FIXED = "not_fixed", _("Not fixed")
        MISSED = "missed", _("Appointment missed")

    repair = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="visits")
    contractor = models.ForeignKey(
        Contractor, on_delete=models.PROTECT, related_name="visits", verbose_name=_("contractor or supplier")
    )
    window_from = models.DateTimeField(_("appointment from"))
    window_to = models.DateTimeField(_("appointment to"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    dispatched_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("repair visit")
        verbose_name_plural = _("repair visits")
        ordering = ["dispatched_at", "id"]
        indexes = [models.Index(fields=["contractor", "repair"], name="repair_visit_contractor")]

    def __str__(self) -> str:
        return f"{self.repair_id} {self.contractor}"


class RepairEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Reported")
        DISPATCHED = "dispatched", _("Dispatched")
        VISITED = "visited", _("Visit recorded")
        CONFIRMED = "confirmed", _("Fix confirmed")
        REJECTED = "rejected", _("Owner says not fixed")
        CONVERTED = "converted", _("Became a complaint")

    repair = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("repair event")
        verbose_name_plural = _("repair events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.repair_id} {self.kind}"


class RepairPhoto(models.Model):
    """A photo or PDF of a repair, checked and served as complaint attachments are
    (``complaints.attachments.check_files`` and ``attachment_response``)."""

    repair = models.ForeignKey(RepairRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="repairs/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("repair photo")
        verbose_name_plural = _("repair photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEWABLE_TYPES
