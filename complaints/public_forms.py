"""The owners' forms (no login): the public complaint form, the reply on the tracking page, the
rating, and 「没有解决」. Staff forms are in ``forms.py``.

An owner names their home the way they write it: 「4」「4栋」「4号楼」「４栋」 are one building
(``organization.rules.building_key``), 「1502室」 is unit 1502, and 「3栋1502」 typed in one field is
both. With JavaScript the two fields are pickers filled from the project (``public_views.
public_project_homes``); without it they are these text fields, matched the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organization.models import Project
from organization.selectors import HomeNotFound, find_home

from . import rules
from .forms import ContactPhoneField, MultipleFileField
from .models import Category

OWNER_REPLY_MAX_LENGTH = 2000
FILE_LIMITS = _("JPEG, PNG, HEIC or PDF, up to 3 files of 10 MB each.")
FILES_NOT_KEPT = _("Photos and documents cannot be kept: choose them again when you send.")

# The 1–5 rating, each step with its words (the same ends as the satisfaction survey's scale).
RATING_CHOICES = [
    (1, _("very dissatisfied")),
    (2, _("dissatisfied")),
    (3, _("neutral")),
    (4, _("satisfied")),
    (5, _("very satisfied")),
]


# --- Projects by city -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectChoices:
    """The project picker's groups (one per city) and the projects by id, from one query."""

    groups: list[tuple[str, list[tuple[str, str]]]]
    by_id: dict[str, Project]


def project_choices() -> ProjectChoices:
    """Every project, grouped by its company's city. A name that two projects share says its city
    (「四季花城（深圳）」), and the company too when they are in the same city, so that the closed
    picker on a phone, which shows one option, never leaves the owner unsure."""
    projects = list(Project.objects.select_related("company").order_by("company__city", "name", "pk"))
    names = Counter(project.name for project in projects)
    names_in_city = Counter((project.name, project.company.city) for project in projects)
    groups: dict[str, list[tuple[str, str]]] = {}
    for project in projects:
        city = project.company.city
        label = project.name
        if names_in_city[(project.name, city)] > 1:
            label = _("%(project)s (%(place)s)") % {"project": project.name, "place": project.company.name}
        elif names[project.name] > 1:
            label = _("%(project)s (%(place)s)") % {"project": project.name, "place": city}
        groups.setdefault(city, []).append((str(project.pk), label))
    return ProjectChoices(
        groups=list(groups.items()), by_id={str(project.pk): project for project in projects}
    )


# --- The forms ------------------------------------------------------------------------------------


class PublicComplaintForm(forms.Form):
    project = forms.ChoiceField(label=_("project"))
    building = forms.CharField(
        label=_("building"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For example 3栋 or 3号楼."),
    )
    unit_number = forms.CharField(
        label=_("unit number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For example 1201."),
    )
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    title = forms.CharField(label=_("subject"), max_length=200)
    description = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    files = MultipleFileField(
        label=_("photos or documents"),
        required=False,
        at_most=rules.MAX_INTAKE_ATTACHMENTS,
        help_text=FILE_LIMITS,
    )
    contact_name = forms.CharField(
        label=_("your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    # A phone keyboard on phones: digits, +, spaces.
    contact_phone = ContactPhoneField(
        label=_("mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = project_choices()
        self.fields["project"].choices = [("", _("Choose your project")), *self.projects.groups]

    def clean_project(self):
        return self.projects.by_id[self.cleaned_data["project"]]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("The form could not be accepted."))
        return ""

    def clean(self):
        data = super().clean()
        data["unit"] = None
        project = data.get("project")
        if project is None or "building" not in data or "unit_number" not in data:
            return data
        try:
            data["unit"] = find_home(project, data["building"], data["unit_number"])
        except HomeNotFound as error:
            self.add_error(error.field, error.message)
        return data

    def prepare_for_resend(self) -> None:
        """The form comes back (an error, the hourly limit) with everything the owner typed and
        chose. Files cannot be put back into a file input: the field says so. The building and unit
        come back as the project names them (「4号楼」 as 「4栋」), so that the pickers select them."""
        # The bound field copied its help text when it was made (by the validation): set both.
        self.fields["files"].help_text = self["files"].help_text = format_lazy(
            "{} {}", FILES_NOT_KEPT, FILE_LIMITS
        )
        unit = getattr(self, "cleaned_data", {}).get("unit")
        if unit is None:
            return
        self.data = self.data.copy()
        self.data["building"], self.data["unit_number"] = unit.building.name, unit.number


class OwnerReplyForm(forms.Form):
    """The complainant adds information and/or photos on the tracking page."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=OWNER_REPLY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Add photos or documents"),
        required=False,
        at_most=rules.MAX_INTAKE_ATTACHMENTS,
        help_text=FILE_LIMITS,
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("text", "").strip() and not data.get("files"):
            raise forms.ValidationError(_("Write a message or choose a photo."), code="empty_reply")
        return data


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"),
        coerce=int,
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NotSolvedForm(forms.Form):
    """The owner's 「没有解决」 on the tracking page; what is still wrong is optional."""

    text = forms.CharField(
        label=_("What is still not solved? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
