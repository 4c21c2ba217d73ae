"""Defect types (缺陷分类): a coded two-level catalogue (防水 → 外墙渗水 …) that complaints of the
construction and design categories carry, and that the defect register counts. Imported by
``complaints.models``; the default catalogue is installed after every migrate
(``services.defects.install_default_defect_types``); the group centre edits it in the admin."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DefectType(models.Model):
    """A parent (no ``parent``) groups leaf types; complaints carry leaf types only. Deactivate rather
    than delete: past complaints keep their type and the register still counts them."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent type"),
        limit_choices_to={"parent__isnull": True},
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("defect type")
        verbose_name_plural = _("defect types")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="defect_type_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None

    def clean(self) -> None:
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("A defect type's parent must be a top-level type.")})
            if self.pk is not None and DefectType.objects.filter(parent_id=self.pk).exists():
                raise ValidationError({"parent": _("A type with sub-types cannot have a parent.")})
