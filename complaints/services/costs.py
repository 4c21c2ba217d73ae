"""The cost ledger of a complaint (issue 19 §5, ``cost_models``): entries are recorded and reversed,
never edited; a back-charge moves proposed → agreed → deducted one step at a time. Who may: anyone
who may change the complaint (handlers, company managers) records an entry; a company manager
(``organization.access.MANAGE_COMPLAINTS``, the views check it) reverses one and moves a back-charge
on. Every step is a ``cost`` timeline event (who, when, what)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Complaint, ComplaintCost, ComplaintEvent, Contractor


def _event(cost: ComplaintCost, *, by, to_value: str, note: str) -> None:
    ComplaintEvent.objects.create(
        complaint_id=cost.complaint_id,
        kind=ComplaintEvent.Kind.COST,
        by=by,
        from_value=cost.kind,
        to_value=to_value,
        note=f"{note} ¥{cost.amount}" + (f" {cost.description}" if cost.description else ""),
    )


@transaction.atomic
def cost_record(
    *,
    complaint: Complaint,
    kind: str,
    amount: Decimal,
    by,
    description: str = "",
    contractor: Contractor | None = None,
) -> ComplaintCost:
    """One more entry: goodwill money, goodwill in kind (what was given, and its value), a repair's
    cost, or a back-charge proposed to the liable contractor."""
    description = description.strip()
    if kind not in rules.COST_KINDS:
        raise DomainError(_("Choose the kind of cost."), code="bad_kind")
    if not Decimal("0") < amount <= rules.COST_AMOUNT_MAX:
        raise DomainError(_("The amount must be more than zero."), code="bad_amount")
    if kind == rules.IN_KIND and not description:
        raise DomainError(_("Say what was given in kind."), code="description_required")
    if (kind == rules.BACK_CHARGE) != (contractor is not None):
        raise DomainError(
            _("A back-charge, and only a back-charge, names the contractor."), code="bad_contractor"
        )
    cost = ComplaintCost.objects.create(
        complaint=complaint,
        company_id=complaint.company_id,
        kind=kind,
        amount=amount,
        description=description,
        contractor=contractor,
        state=rules.PROPOSED if kind == rules.BACK_CHARGE else "",
        recorded_by=by,
    )
    _event(cost, by=by, to_value=cost.state or "recorded", note=str(cost.get_kind_display()))
    return cost


@transaction.atomic
def cost_reverse(*, cost: ComplaintCost, by, reason: str) -> ComplaintCost:
    """Correct an entry: its negative, pointing at it, with the reason. Once only; a reversal is
    never reversed (record the entry again instead)."""
    cost = ComplaintCost.objects.select_for_update().get(pk=cost.pk)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the reversal."), code="reason_required")
    if cost.reverses_id is not None or ComplaintCost.objects.filter(reverses=cost).exists():
        raise Conflict(_("This entry is already reversed or is itself a reversal."), code="already_reversed")
    reversal = ComplaintCost.objects.create(
        complaint_id=cost.complaint_id,
        company_id=cost.company_id,
        kind=cost.kind,
        amount=-cost.amount,
        description=reason[:200],
        contractor=cost.contractor,
        state=cost.state,
        reverses=cost,
        recorded_by=by,
    )
    _event(reversal, by=by, to_value="reversed", note=str(_("Reversal")))
    return reversal


@transaction.atomic
def back_charge_advance(*, cost: ComplaintCost, by) -> ComplaintCost:
    """A back-charge one step on: the contractor agreed, or the amount was deducted from what they
    are paid. A reversed back-charge no longer moves."""
    cost = ComplaintCost.objects.select_for_update().get(pk=cost.pk)
    if cost.kind != rules.BACK_CHARGE or cost.reverses_id is not None:
        raise Conflict(_("Only a back-charge moves on."), code="not_back_charge")
    if ComplaintCost.objects.filter(reverses=cost).exists():
        raise Conflict(_("This entry is already reversed or is itself a reversal."), code="already_reversed")
    following = rules.back_charge_next(cost.state)
    if following is None:
        raise Conflict(_("This back-charge is already deducted."), code="already_deducted")
    cost.state = following
    cost.save(update_fields=["state"])
    _event(cost, by=by, to_value=following, note=str(ComplaintCost.State(following).label))
    return cost


@dataclass(frozen=True)
class Ledger:
    entries: list[ComplaintCost]
    reversed_ids: set[int]
    totals: dict[str, Decimal]


def cost_ledger(complaint: Complaint) -> Ledger:
    """The complaint's entries, oldest first, which of them are reversed, and what they add up to
    (``rules.cost_totals``): one query."""
    entries = list(complaint.costs.select_related("contractor", "recorded_by"))
    return Ledger(
        entries=entries,
        reversed_ids={entry.reverses_id for entry in entries if entry.reverses_id},
        totals=rules.cost_totals((entry.kind, entry.state, entry.amount) for entry in entries),
    )
