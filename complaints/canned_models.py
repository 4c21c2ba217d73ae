"""Canned replies (短语): a company's standard wording for progress notes, plans and resolution
summaries, kept by its managers and inserted by staff on the complaint page. Imported by
``complaints.models``; the workflow is in ``complaints.services.canned``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager
from organization.models import Company

MANAGE_CANNED_REPLIES = "complaints.manage_cannedreply"


class CannedReply(models.Model):
    """One reply of one company. Deactivate rather than delete: a retired wording leaves the picker
    and stays on the management page, where it can be brought back."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    title = models.CharField(_("title"), max_length=60)
    body = models.TextField(_("text"), max_length=2000)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["company", "title", "id"]
        permissions = [("manage_cannedreply", _("Can manage the company's canned replies"))]
        constraints = [
            # The picker lists replies by title: two of one company with the same title are a mistake.
            models.UniqueConstraint(fields=["company", "title"], name="one_canned_reply_title_per_company"),
        ]

    def __str__(self) -> str:
        return self.title
