from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager
from organization.models import Company, Project, Unit

# The choices live in choices.py (this module stays under 500 lines); callers import them from here.
from .choices import (
    CLOSING_BASIS_LABELS,
    TIER_ORDER,  # noqa: F401 - re-exported
    TIER_REASON_LABELS,  # noqa: F401 - re-exported
    CallbackOutcome,
    Category,
    Channel,
    Department,
    ExternalSource,
    ExternalVerdict,
    FollowsReason,
    Litigation,
    Media,
    Status,
    Tier,
)
from .rules import PREVIEWABLE_TYPES


class Complaint(models.Model):
    """A complaint (客户投诉). ``company`` repeats ``project.company`` so that scoping
    and reports filter one indexed column instead of joining through projects."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("unit"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    sub_category = models.CharField(_("sub-category"), max_length=30, blank=True)
    # Construction and design complaints: a leaf of the defect catalogue (services.defects checks it).
    defect_type = models.ForeignKey(
        "complaints.DefectType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("defect type"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.NORMAL)
    tier_reasons = models.JSONField(_("tier reasons"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    received_at = models.DateTimeField(_("received at"))
    complainant_count = models.PositiveIntegerField(
        _("number of complainants"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    litigation = models.CharField(
        _("litigation"), max_length=10, choices=Litigation.choices, default=Litigation.NONE
    )
    media = models.CharField(_("media exposure"), max_length=10, choices=Media.choices, default=Media.NONE)
    needs_outside_support = models.BooleanField(_("needs outside support"), default=False)
    # The first complaint of the issue group this one belongs to (same issue, 同一问题); itself if first.
    issue_root = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issue_members",
        verbose_name=_("same issue as"),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="second_complaints",
        verbose_name=_("second complaint of"),
    )
    follows_reason = models.CharField(
        _("why it follows"), max_length=20, choices=FollowsReason.choices, blank=True, editable=False
    )
    # Reopened after it was handled (not solved after all, an unhappy call-back): a second complaint.
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0, editable=False)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first responder"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    department = models.CharField(
        _("responsible department"), max_length=30, choices=Department.choices, blank=True
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=11, blank=True)
    # The government channel (12345, the housing bureau, a city platform): the authority's case
    # number and deadline, and its latest judgement of our handling (blank until it gave one).
    external_source = models.CharField(
        _("referring authority"), max_length=20, choices=ExternalSource.choices, blank=True
    )
    external_ref = models.CharField(_("authority's case number"), max_length=60, blank=True)
    external_deadline = models.DateTimeField(_("authority's deadline"), null=True, blank=True)
    external_verdict = models.CharField(
        _("authority's verdict"), max_length=20, choices=ExternalVerdict.choices, blank=True, editable=False
    )
    # The clock: time waiting on the complainant does not count toward one week / one month.
    paused_seconds = models.PositiveBigIntegerField(default=0, editable=False)
    paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The response clock's pause (``ComplaintPause``, issue 19): since when, while paused. It never
    # stops the escalation clock above.
    response_paused_since = models.DateTimeField(
        _("response clock paused since"), null=True, blank=True, editable=False
    )
    # When the sweep must look at this complaint next (clock thresholds); NULL when nothing is due.
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Overdue and at risk (``rules.urgency``, ``selectors.overdue_q``): when the clock next lifts the
    # tier (NULL while stopped, handled or at the top) and the month to resolve it (kept once handled,
    # so that a report can tell what was overdue at a month's end).
    escalates_at = models.DateTimeField(_("next escalation"), null=True, blank=True, editable=False)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True, editable=False)
    # The reminder sweep's clocks (services.ownership): not assigned in working time, plan deadline
    # passed, no update the owner could see for a while. NULL when nothing is due or it already fired.
    assign_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    plan_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    owner_update_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The call-back (回访) a resolved complaint is owed; NULL once one settled it or it left "resolved".
    callback_due_at = models.DateTimeField(_("call-back due"), null=True, blank=True, editable=False)
    # The time of the latest event (the work queue's "last update" column and sort). Kept by a
    # database trigger on every event insert (migration 0019), so no service can forget it.
    last_event_at = models.DateTimeField(_("last update"), null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    # The report's response figures in working time (issue 19), kept by the services so that the
    # report aggregates them in SQL (``services.ownership.set_response_figures``, at intake, the first
    # response and each pause or resume): when the 24-hour reply on working days falls due, paused
    # time added (``rules.reply_due``; NULL while a running pause stops it), and the first response's
    # working time, paused time left out (NULL until then). Fixed with the calendar in force then.
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True, editable=False)
    first_response_working_seconds = models.PositiveIntegerField(
        _("first response in working seconds"), null=True, blank=True, editable=False
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    tracking_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [("lower_tier", _("Can lower a complaint's tier"))]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="complaint_recent"),
            models.Index(fields=["company", "-received_at", "-id"], name="complaint_company_recent"),
            models.Index(fields=["project", "-received_at"], name="complaint_project_recent"),
            # Major and hot complaints are few: without these a tier filter walks the whole recency
            # index before it finds a page (2.6 s at 1M complaints with no major one).
            models.Index(fields=["tier", "-received_at", "-id"], name="complaint_tier_recent"),
            models.Index(fields=["company", "tier", "-received_at", "-id"], name="complaint_company_tier"),
            # The sweep reads only what is due; complaints with nothing due are not in this index.
            models.Index(
                fields=["next_due_at"], name="complaint_due", condition=models.Q(next_due_at__isnull=False)
            ),
            models.Index(fields=["issue_root", "received_at"], name="complaint_issue_group"),
            # Overdue / at risk read only unresolved complaints (a handled one leaves these indexes).
            models.Index(
                fields=["resolve_by"],
                name="complaint_unresolved_limit",
                condition=models.Q(resolved_at__isnull=True),
            ),
            models.Index(
                fields=["deadline"],
                name="complaint_unresolved_deadline",
                condition=models.Q(resolved_at__isnull=True, deadline__isnull=False),
            ),
            models.Index(
                fields=["escalates_at"],
                name="complaint_escalates",
                condition=models.Q(escalates_at__isnull=False),
            ),
            # The reminder sweep reads only what is due, one partial index per clock.
            models.Index(
                fields=["assign_due_at"],
                name="complaint_assign_due",
                condition=models.Q(assign_due_at__isnull=False),
            ),
            models.Index(
                fields=["plan_due_at"],
                name="complaint_plan_due",
                condition=models.Q(plan_due_at__isnull=False),
            ),
            models.Index(
                fields=["owner_update_due_at"],
                name="complaint_owner_update_due",
                condition=models.Q(owner_update_due_at__isnull=False),
            ),
            # Call-backs owed (the workbench's list): only resolved complaints waiting for one, in the
            # list's order, so that its first page stops after ten.
            models.Index(
                fields=["callback_due_at", "id"],
                name="complaint_callback_due",
                condition=models.Q(callback_due_at__isnull=False),
            ),
            # The work queue's sorts (complaints/selectors.py QUEUE_SORTS): next escalation, soonest
            # first, for everyone, a company and one handler; the handler's newest first ("mine").
            # The "last update" and tier sorts have vendor-specific indexes in migration 0019.
            models.Index(fields=["escalates_at", "id"], name="complaint_escalation_order"),
            models.Index(fields=["company", "escalates_at", "id"], name="complaint_company_escalation"),
            models.Index(fields=["handler", "escalates_at", "id"], name="complaint_handler_escalation"),
            models.Index(fields=["handler", "-received_at", "-id"], name="complaint_handler_recent"),
            # The home page's "my open complaints" and their risk signals: a handler's open ones only,
            # however many they resolved over the years.
            models.Index(
                fields=["handler", "escalates_at", "id"],
                name="complaint_handler_open",
                condition=models.Q(resolved_at__isnull=True, handler__isnull=False),
            ),
            # ... a company's open complaints (counted by tier, and overdue), whatever it resolved before,
            models.Index(
                fields=["company", "tier"],
                name="complaint_company_open",
                condition=models.Q(resolved_at__isnull=True),
            ),
            # ... and the open complaints nobody handles yet, the longest waiting first.
            models.Index(
                fields=["assign_due_at", "received_at", "id"],
                name="complaint_unassigned",
                condition=models.Q(resolved_at__isnull=True, handler__isnull=True),
            ),
            # Reports count what was resolved or closed in a period.
            models.Index(fields=["resolved_at"], name="complaint_resolved"),
            # The defect register (reports.defects): a project's typed complaints of a period, read
            # from the index alone (type and unit ride along; the building is the unit's).
            models.Index(
                fields=["project", "received_at"],
                include=["defect_type", "unit"],
                condition=models.Q(defect_type__isnull=False),
                name="complaint_defect_register",
            ),
            models.Index(fields=["closed_at"], name="complaint_closed"),
            # Possible duplicates at intake (services.duplicates): the unit's, and the phone's,
            # complaints of one category, newest first; a handful of rows each.
            models.Index(fields=["unit", "category", "-received_at"], name="complaint_unit_category"),
            models.Index(
                fields=["contact_phone", "category", "-received_at"],
                name="complaint_phone_category",
                condition=~models.Q(contact_phone=""),
            ),
            # The authority's deadline of open government complaints (the queue's at-risk filter).
            models.Index(
                fields=["external_deadline"],
                name="complaint_external_deadline",
                condition=models.Q(resolved_at__isnull=True, external_deadline__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(complainant_count__gte=1), name="complaint_complainants_positive"
            ),
            models.UniqueConstraint(
                fields=["company", "external_source", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="complaint_one_external_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ComplaintEvent(models.Model):
    """The complaint's timeline: status changes, tier changes, plans, progress, handovers, notes."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS = "status", _("Status changed")
        TIER_RAISED = "tier_raised", _("Tier raised")
        TIER_LOWERED = "tier_lowered", _("Tier lowered")
        PLAN = "plan", _("Handling plan")
        PROGRESS = "progress", _("Progress update")
        HANDOVER = "handover", _("Handed over")
        FEEDBACK = "feedback", _("Complainant feedback")
        LINKED = "linked", _("Linked as the same issue")
        CLOCK_WARNING = "clock_warning", _("Clock warning")
        CALLBACK = "callback", _("Call-back")
        ATTACHMENT = "attachment", _("Files added")
        FOLLOWS_LINKED = "follows_linked", _("Linked as a second complaint")
        FOLLOWS_UNLINKED = "follows_unlinked", _("Unlinked from the earlier complaint")
        ROUTED = "routed", _("Routed at intake")
        REMINDER = "reminder", _("Reminder")
        FACTS = "facts", _("Risk facts changed")
        RISK_SIGNAL = "risk_signal", _("Risk signal decided")
        CONFIRMED = "confirmed", _("Complainant confirmed the solution")
        DEFECT_TYPE = "defect_type", _("Defect type changed")
        PAUSED = "paused", _("Response clock paused")
        RESUMED = "resumed", _("Response clock resumed")
        PAUSE_APPROVED = "pause_approved", _("Longer pause approved")
        DUPLICATE = "duplicate", _("Possible duplicate decided")
        COST = "cost", _("Cost recorded")
        EXTERNAL_VERDICT = "external_verdict", _("Authority's verdict")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_value = models.CharField(max_length=30, blank=True)
    to_value = models.CharField(max_length=30, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), max_length=5000, blank=True)
    # Plans: what will be done, by when and by whom (told to the complainant).
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    visible_to_complainant = models.BooleanField(_("visible to the complainant"), default=False)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        indexes = [
            # Reports count resolves, call-backs and reopenings of a period by kind and time …
            models.Index(fields=["kind", "at"], name="complaint_event_kind_at"),
            # … and look for a call-back or a reopening after each resolve of one complaint. Without
            # it SQLite without statistics walks (kind, at) for every resolve: 30 s at 50,000.
            models.Index(fields=["complaint", "kind", "at"], name="complaint_event_history"),
        ]
        constraints = [
            # Exactly one automatic rise (and one warning) per (complaint, tier), however many sweeps run.
            models.UniqueConstraint(
                fields=["complaint", "kind", "to_value"],
                condition=models.Q(kind__in=["tier_raised", "clock_warning"], by__isnull=True),
                name="one_automatic_event_per_tier",
            ),
            # Each reminder occurrence (clock, due moment) once, however many sweeps run.
            models.UniqueConstraint(
                fields=["complaint", "to_value", "deadline"],
                condition=models.Q(kind="reminder"),
                name="one_reminder_per_occurrence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    # A call-back's outcome (``complaint_callback`` stores it in ``to_value``).
    CALLBACK_OUTCOMES = {"satisfied": _("Satisfied"), "not_satisfied": _("Not satisfied")}
    COST_OUTCOMES = {"recorded": _("Cost recorded"), "reversed": _("Reversal")}

    def _label(self, value: str) -> str:
        for choices in (Status, Tier, CallbackOutcome, PauseReason):
            if value in choices.values:
                return str(choices(value).label)
        if self.kind == self.Kind.CALLBACK and value in self.CALLBACK_OUTCOMES:
            return str(self.CALLBACK_OUTCOMES[value])
        if self.kind == self.Kind.COST:
            # A cost event goes from the entry's kind to its state (or recorded / reversed).
            for choices in (ComplaintCost.Kind, ComplaintCost.State):
                if value in choices.values:
                    return str(choices(value).label)
            if value in self.COST_OUTCOMES:
                return str(self.COST_OUTCOMES[value])
        return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    @property
    def closing_basis_labels(self) -> list[str]:
        """Why a close event's complaint could close (empty for other events, whose reasons may be
        tier codes or, for risk facts, objects)."""
        if self.kind != self.Kind.STATUS:
            return []
        return [str(CLOSING_BASIS_LABELS[code]) for code in self.reasons if code in CLOSING_BASIS_LABELS]


class NumberSequence(models.Model):
    """The last complaint number handed out in a month (TSyyyymm-nnnnnn), taken under a row lock."""

    month = models.CharField(max_length=6, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.month}: {self.last}"


class Notification(models.Model):
    """An in-app notification; its e-mail copy is a ``core.OutboundMessage`` (dedupe key
    ``notification:<id>``), with the outbox's retries and attempt limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.message


class Attachment(models.Model):
    """A photo or PDF of a complaint. Its type was checked from its content and its name together
    (``rules.attachment_content_type``); the stored name is random, the sender's name is kept only
    to show and to name the download."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # None: sent by the complainant (public form, tracking page); they see only these.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def from_complainant(self) -> bool:
        return self.added_by_id is None

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEWABLE_TYPES


class Contractor(models.Model):
    """A contractor or supplier that repairs are attributed to (for the monthly quality statistics)."""

    class Kind(models.TextChoices):
        CONTRACTOR = "contractor", _("Contractor")
        SUPPLIER = "supplier", _("Supplier")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONTRACTOR)
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contractor or supplier")
        verbose_name_plural = _("contractors and suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Repair(models.Model):
    """A repair (返修) done for a complaint, attributed to the contractor or supplier responsible."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="repairs")
    contractor = models.ForeignKey(
        Contractor, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("contractor or supplier")
    )
    work = models.CharField(_("work"), max_length=500)
    started_on = models.DateField(_("started on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    fixed_first_time = models.BooleanField(_("fixed the first time"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["contractor", "started_on"], name="repair_contractor_month")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_on__isnull=True)
                | models.Q(finished_on__gte=models.F("started_on")),
                name="repair_finishes_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.contractor}"


class ReportSnapshot(models.Model):
    """A stored monthly or weekly complaint report for one scope; regenerating replaces it."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly report")
        WEEKLY = "weekly", _("Weekly report")

    class Scope(models.TextChoices):
        GROUP = "group", _("Group")
        REGION = "region", _("Region")
        COMPANY = "company", _("Company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=10)  # 2026-11 or 2026-W47
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    scope_id = models.PositiveBigIntegerField(default=0)  # 0 for the group
    scope_name = models.CharField(max_length=100)
    data = models.JSONField()
    generated_at = models.DateTimeField(_("generated at"))
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-period", "scope", "scope_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "scope", "scope_id"], name="one_snapshot_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.scope_name}"


# Risk words and signals, and canned replies, live in their own modules; importing them here registers
# them with the app.
from .canned_models import CannedReply  # noqa: E402, F401
from .cost_models import ComplaintCost  # noqa: E402
from .defect_models import DefectType  # noqa: E402, F401
from .pause_models import ComplaintPause, PauseReason  # noqa: E402, F401
from .risk_models import RiskSignal, RiskWord, SignalKind  # noqa: E402, F401
