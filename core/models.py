from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager


class Heartbeat(models.Model):
    """The last time a background component proved it was running."""

    component = models.CharField(_("component"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("last beat at"))
    hostname = models.CharField(_("host name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.component


class Job(models.Model):
    """Long work run by a Celery task (an import, an export) whose progress the user watches."""

    class Kind(models.TextChoices):
        CUSTOMER_IMPORT = "customer_import", _("Customer import")
        CUSTOMER_EXPORT = "customer_export", _("Customer export")
        COMPLAINT_REPORT = "complaint_report", _("Complaint report for a period")
        CLUB_CAMPAIGN = "club_campaign", _("Club campaign")
        DEFECT_HANDBOOK = "defect_handbook", _("Customer defect handbook")
        GOVERNMENT_IMPORT = "government_import", _("Government referral import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        "organization.User", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("created by")
    )
    company = models.ForeignKey(
        "organization.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/in/%Y/%m/", blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/out/%Y/%m/", blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the task was last handed to the broker, and how often the sweep re-sent it since.
    enqueued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    enqueue_attempts = models.PositiveSmallIntegerField(_("re-sent"), default=0)
    # Beaten by every chunk of work; a running job whose heartbeat is old has lost its worker.
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    # How often the sweep took the job back from a dead worker (also a fencing token).
    reclaims = models.PositiveSmallIntegerField(_("reclaimed"), default=0)
    # Input and result files hold personal data: deleted after FILE_RETENTION_DAYS.
    files_deleted_at = models.DateTimeField(_("files deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["created_by", "-id"], name="job_by_user"),
            models.Index(fields=["enqueued_at"], name="job_queued", condition=models.Q(status="queued")),
            models.Index(fields=["heartbeat_at"], name="job_running", condition=models.Q(status="running")),
            models.Index(
                fields=["finished_at"],
                name="job_files_kept",
                condition=models.Q(files_deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, 100 * self.processed // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def files_expired(self) -> bool:
        return self.files_deleted_at is not None


# What each outbox topic is, in words, for the unsubscribe and failed-messages pages. The apps that
# send name their topics (core imports none of them); a topic missing here shows as its code.
TOPIC_LABELS = {
    "greetings": _("birthday and holiday greetings"),
    "member_news": _("club news, offers and events"),
    "survey": _("satisfaction surveys"),
    "club_event": _("Community events"),
    "complaint": _("Complaints"),
    "staff_notification": _("Notifications"),
}


class OutboundMessage(models.Model):
    """An SMS or e-mail to a customer, written in the same transaction as its cause and sent by a
    task (an outbox: a broker outage delays it, never loses it). ``dedupe_key`` names the business
    event (a birthday greeting for one person in one year, a reminder for one survey link); the
    unique constraint makes a second enqueue of the same event impossible."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNSUBSCRIBED = "unsubscribed", _("Not sent: unsubscribed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The company on whose behalf it is sent (its managers see and re-send failures); empty for
    # group-wide messages.
    company = models.ForeignKey(
        "organization.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    topic = models.CharField(_("topic"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        permissions = [("resend_outboundmessage", _("Can see and re-send failed messages"))]
        indexes = [
            models.Index(fields=["id"], name="outbound_pending", condition=models.Q(status="pending")),
            models.Index(fields=["topic", "-created_at"], name="outbound_by_topic"),
            models.Index(
                fields=["company", "-id"], name="outbound_failed", condition=models.Q(status="failed")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.topic} #{self.pk}"

    @property
    def topic_label(self) -> str:
        return str(TOPIC_LABELS.get(self.topic, self.topic))


class MessageOptOut(models.Model):
    """A recipient who asked to receive no more messages of one topic (退订). The recipient is kept
    as a one-way key (``core.outbox.recipient_key``), so neither this table nor the unsubscribe link
    carries the phone number or e-mail address."""

    recipient_key = models.CharField(_("recipient key"), max_length=64)
    topic = models.CharField(_("topic"), max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [models.UniqueConstraint(fields=["recipient_key", "topic"], name="opt_out_once")]

    def __str__(self) -> str:
        return f"{self.recipient_key[:12]}… {self.topic}"


class SavedView(models.Model):
    """A list page's filters and sort, saved by one user under a name (「我的热点」): the query string
    of the page, replayed as a link. Only its owner ever sees it (``core.saved_views``)."""

    user = models.ForeignKey(
        "organization.User", on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("user")
    )
    page = models.CharField(_("page"), max_length=30)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=2000, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BenchRow(models.Model):
    """A tiny table for the HTTP bench's reference endpoints (core.bench_api, mounted only with
    BENCH_ENDPOINTS=1): one INSERT and one SELECT by primary key through the full API stack."""

    label = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.label} {self.pk}"


from .webhook_models import WebhookDelivery, WebhookSubscription  # noqa: E402, F401  (webhooks)
