"""The cost ledger of a complaint (issue 19 §5): goodwill compensation (money or in kind), repair
cost, and back-charges to the liable contractor. Entries are append-only: a mistake is corrected by a
reversal entry (the negative of the original, pointing at it), never by an edit or a delete. The one
column that moves is a back-charge's ``state`` (proposed → agreed → deducted), through
``services.costs.back_charge_advance``, which writes each step as a timeline event (who, when)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict
from core.scoping import ScopedManager
from organization.models import Company

from . import rules


class ComplaintCost(models.Model):
    class Kind(models.TextChoices):
        COMPENSATION = rules.COMPENSATION, _("Goodwill compensation (money)")
        IN_KIND = rules.IN_KIND, _("Goodwill compensation (in kind)")
        REPAIR = rules.REPAIR_COST, _("Repair cost")
        BACK_CHARGE = rules.BACK_CHARGE, _("Back-charge to the contractor")

    class State(models.TextChoices):
        PROPOSED = rules.PROPOSED, _("Proposed")
        AGREED = rules.AGREED, _("Agreed")
        DEDUCTED = rules.DEDUCTED, _("Deducted")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="costs", verbose_name=_("complaint")
    )
    # Repeats complaint.company: scoping and the reports filter one column.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # In kind: the value of what was given. Reversals are negative.
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=200, blank=True)
    contractor = models.ForeignKey(
        "complaints.Contractor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="back_charges",
        verbose_name=_("contractor or supplier"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("complaint cost")
        verbose_name_plural = _("complaint costs")
        ordering = ["recorded_at", "id"]
        indexes = [
            # The reports sum a period's entries of the caller's companies.
            models.Index(fields=["company", "recorded_at"], name="complaint_cost_period"),
        ]
        constraints = [
            # An original is positive, its reversal (one at most: reverses is unique) negative.
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True, amount__gt=0)
                | models.Q(reverses__isnull=False, amount__lt=0),
                name="complaint_cost_sign",
            ),
            # A back-charge names the contractor and has a state; nothing else has either.
            models.CheckConstraint(
                condition=models.Q(
                    kind=rules.BACK_CHARGE,
                    contractor__isnull=False,
                    state__in=[rules.PROPOSED, rules.AGREED, rules.DEDUCTED],
                )
                | (~models.Q(kind=rules.BACK_CHARGE) & models.Q(contractor__isnull=True, state="")),
                name="complaint_cost_back_charge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        # Append-only: an entry once written changes only in its back-charge state.
        if self.pk is not None and set(kwargs.get("update_fields") or ()) != {"state"}:
            raise Conflict(_("Cost entries are never edited: record a reversal."), code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict(_("Cost entries are never edited: record a reversal."), code="append_only")
