"""Risk words and risk signals (DOMAIN.md, "Risk wording"): the word lists the group centre edits, and
the signals read from a complaint's text that staff confirm or dismiss. Imported by
``complaints.models``; the rules that use them are in ``complaints.rules`` (pure) and the workflow in
``complaints.services.risk``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class SignalKind(models.TextChoices):
    LITIGATION_POSSIBLE = rules.LITIGATION_POSSIBLE, _("May go to court")
    LITIGATION_FILED = rules.LITIGATION_FILED, _("Lawsuit filed")
    MEDIA_POSSIBLE = rules.MEDIA_POSSIBLE, _("May go to the media")
    HOTLINE_12345 = rules.HOTLINE_12345, _("Government hotline or petition")
    COLLECTIVE = rules.COLLECTIVE, _("Collective complaint")


class RiskWord(models.Model):
    """A word that raises a signal when an owner or staff member writes it, or an exception: a longer
    phrase inside which the signal's words do not count (群租 for 群). Deactivate rather than delete,
    so that the words of past signals keep their meaning."""

    signal = models.CharField(_("risk signal"), max_length=30, choices=SignalKind.choices)
    word = models.CharField(_("word"), max_length=30)
    is_exception = models.BooleanField(
        _("exception"),
        default=False,
        help_text=_("A phrase inside which the signal's words do not count, e.g. 群租 for 群."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk word")
        verbose_name_plural = _("risk words")
        ordering = ["signal", "is_exception", "word"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "word"], name="one_risk_word_per_signal"),
            models.CheckConstraint(condition=~models.Q(word=""), name="risk_word_not_empty"),
        ]

    def __str__(self) -> str:
        return self.word


class RiskSignal(models.Model):
    """A risk the complaint's text suggests. One row per (complaint, signal): later mentions add
    their words to it while it is open; a dismissed one is raised again only by words it has not
    seen. ``notify_due_at`` is when the company's managers are told that nobody decided it; the
    sweep reads only rows that have one (a partial index)."""

    class Source(models.TextChoices):
        INTAKE = "intake", _("Complaint text")
        OWNER_MESSAGE = "owner_message", _("Message from the complainant")
        STAFF_NOTE = "staff_note", _("Staff note")

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting a decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="risk_signals"
    )
    signal = models.CharField(_("risk signal"), max_length=30, choices=SignalKind.choices)
    words = models.JSONField(_("words"), default=list)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    at = models.DateTimeField(_("raised at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    notify_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    manager_notified_at = models.DateTimeField(_("managers notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk signal")
        verbose_name_plural = _("risk signals")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "signal"], name="one_risk_signal_per_complaint"),
            models.CheckConstraint(
                condition=models.Q(state="open") | models.Q(decided_at__isnull=False),
                name="risk_signal_decided_has_a_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="dismissed") | ~models.Q(reason=""),
                name="risk_signal_dismissed_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(state="open") | models.Q(notify_due_at__isnull=True),
                name="risk_signal_only_open_is_due",
            ),
        ]
        indexes = [
            models.Index(
                fields=["notify_due_at"],
                name="risk_signal_notify_due",
                condition=models.Q(notify_due_at__isnull=False),
            ),
            # The home page lists the undecided ones, oldest first.
            models.Index(fields=["at", "id"], name="risk_signal_open", condition=models.Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.signal}"
