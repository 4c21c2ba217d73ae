"""Defect types on complaints: the default catalogue (installed after every migrate), the check that
a complaint may carry a type (a leaf, active, of a construction or design complaint) and changing a
complaint's type with an event. Intake (``intake.complaint_create``) checks with the same function."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

from .. import rules
from ..models import Complaint, ComplaintEvent, DefectType


def install_default_defect_types() -> int:
    """The default catalogue (``rules.DEFAULT_DEFECT_TYPES``), added after every migrate and flush by
    code: types the group centre renamed, reordered or deactivated stay as they are. Returns how many
    were added."""
    existing = set(DefectType.objects.values_list("code", flat=True))
    added = 0
    for parent_order, (parent_code, parent_name, leaves) in enumerate(rules.DEFAULT_DEFECT_TYPES, 1):
        parent = DefectType.objects.filter(code=parent_code).first()
        if parent is None:
            parent = DefectType.objects.create(code=parent_code, name=parent_name, order=parent_order * 10)
            added += 1
        missing = [
            DefectType(code=code, name=name, parent=parent, order=order)
            for order, (code, name) in enumerate(leaves, 1)
            if code not in existing
        ]
        added += len(DefectType.objects.bulk_create(missing, ignore_conflicts=True))
    return added


def check_defect_type(defect_type: DefectType | None, *, category: str) -> None:
    """Refuse a type a complaint of ``category`` may not carry: a top-level type (400
    ``defect_type_not_leaf``), a deactivated one (``defect_type_inactive``), or any type on a complaint
    that is not about construction or design (``defect_type_category``)."""
    if defect_type is None:
        return
    if category not in rules.DEFECT_CATEGORIES:
        raise DomainError(
            _("Only construction and design complaints carry a defect type."), code="defect_type_category"
        )
    if defect_type.parent_id is None:
        raise DomainError(
            _("Choose a defect type, not a group of types (%(name)s).") % {"name": defect_type.name},
            code="defect_type_not_leaf",
        )
    if not defect_type.active:
        raise DomainError(
            _("The defect type %(name)s is no longer in use.") % {"name": defect_type.name},
            code="defect_type_inactive",
        )


@transaction.atomic
def complaint_set_defect_type(*, complaint: Complaint, defect_type: DefectType | None, by) -> Complaint:
    """Set, change or clear the complaint's defect type, with an event naming the old and new codes
    (a closed complaint may still be classified: the register reads closed ones too). Holds the
    complaint's row lock; the same type again is 400 ``nothing_changed``."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    check_defect_type(defect_type, category=complaint.category)
    new_id = defect_type.pk if defect_type is not None else None
    if new_id == complaint.defect_type_id:
        raise DomainError(_("Nothing changed: the defect type is already as given."), code="nothing_changed")
    old = complaint.defect_type
    complaint.defect_type = defect_type
    complaint.save(update_fields=["defect_type"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.DEFECT_TYPE,
        by=by,
        from_value=old.code if old is not None else "",
        to_value=defect_type.code if defect_type is not None else "",
    )
    return complaint
