from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Complaint


class PauseReason(models.TextChoices):
    OWNER_UNAVAILABLE = rules.PAUSE_OWNER_UNAVAILABLE, _("The owner is unavailable")
    THIRD_PARTY = rules.PAUSE_THIRD_PARTY, _("Waiting for a third party")
    OWNER_MATERIALS = rules.PAUSE_OWNER_MATERIALS, _("Waiting for the owner's materials")


class ComplaintPause(models.Model):
    """One pause of a complaint's response clock, from the pause to the resume: who, when, why, the
    resume date, a manager's approval past the limit, and who resumed it (nobody: the sweep). The
    timeline has a ``paused`` / ``resumed`` event for each; this row is what the clocks and the
    reports read."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    # The complaint's handler when it was paused: the reports' "time paused per handler".
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    note = models.TextField(_("note"), max_length=2000)
    paused_at = models.DateTimeField(_("paused at"))
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    until = models.DateTimeField(_("resume on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the sweep resumes it by itself (the resume date or the limit); NULL once resumed.
    resume_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resume_note = models.TextField(_("note on resuming"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("pause of the response clock")
        verbose_name_plural = _("pauses of the response clock")
        ordering = ["paused_at", "id"]
        indexes = [
            models.Index(
                fields=["resume_due_at"],
                name="complaint_pause_resume_due",
                condition=models.Q(resume_due_at__isnull=False),
            ),
            models.Index(fields=["paused_at"], name="complaint_pause_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(resumed_at__isnull=True), name="one_running_pause"
            ),
            models.CheckConstraint(
                condition=models.Q(resumed_at__isnull=True) | models.Q(resumed_at__gte=models.F("paused_at")),
                name="pause_resumes_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason} {self.paused_at}"
