from django.db import models
from django.utils.translation import gettext_lazy as _

from organization.models import Company, Project, Unit
from organization.scoping import ScopedManager


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Customer-service hotline")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("Email")
    ONLINE_FORM = "online_form", _("Online form")
    FORUM = "forum", _("Complaint forum")
    LETTER = "letter", _("Letter")
    MEDIA = "media", _("Media")
    CHAIRMAN = "chairman", _("Chairman's complaint column")


class Category(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction quality")
    DESIGN = "design", _("Planning and design")
    SALES = "sales", _("Sales management")
    PROPERTY = "property", _("Property management")
    SERVICE = "service", _("Customer service")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_CUSTOMER = "awaiting_customer", _("Waiting on the complainant")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Tier(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    HOT = "hot", _("Hot")
    MAJOR = "major", _("Major")


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
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    received_at = models.DateTimeField(_("received at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="complaint_recent"),
            models.Index(fields=["company", "-received_at", "-id"], name="complaint_company_recent"),
            models.Index(fields=["project", "-received_at"], name="complaint_project_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
