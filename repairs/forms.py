from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import rules as complaint_rules
from complaints.forms import ContactPhoneField, MultipleFileField
from complaints.models import Contractor, DefectType
from complaints.public_forms import FILE_LIMITS, project_choices
from organization.models import Project
from organization.selectors import HomeNotFound, find_home

from .models import Channel, RepairVisit


def leaf_defect_types():
    return DefectType.objects.filter(parent__isnull=False, active=True).select_related("parent")


class DefectTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}"


class _HomeForm(forms.Form):
    """The project, building and unit as owners and staff write them (the complaint form's rules)."""

    building = forms.CharField(label=_("building"), max_length=50, help_text=_("For example 3栋 or 3号楼."))
    unit_number = forms.CharField(label=_("unit number"), max_length=20, help_text=_("For example 1201."))
    defect_type = DefectTypeChoiceField(label=_("what needs repairing"), queryset=DefectType.objects.none())
    description = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = MultipleFileField(
        label=_("photos or documents"),
        required=False,
        at_most=complaint_rules.MAX_INTAKE_ATTACHMENTS,
        help_text=FILE_LIMITS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defect_type"].queryset = leaf_defect_types()

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is not None and data.get("building") and data.get("unit_number"):
            try:
                data["unit"] = find_home(project, data["building"], data["unit_number"])
            except HomeNotFound as error:
                self.add_error(error.field, error.message)
        return data


class RepairForm(_HomeForm):
    """Staff record a repair an owner called or came in about."""

    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.STAFF, Channel.STAFF.label)],
    )
    contact_name = forms.CharField(label=_("contact name"), max_length=50, required=False)
    contact_phone = ContactPhoneField(label=_("contact phone"), max_length=20, required=False)
    field_order = ["project", "building", "unit_number", "defect_type", "description", "channel"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")


class PublicRepairForm(_HomeForm):
    """The owner's own report (no login)."""

    project = forms.ChoiceField(label=_("project"))
    contact_name = forms.CharField(
        label=_("your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_phone = ContactPhoneField(
        label=_("mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    field_order = ["project", "building", "unit_number", "defect_type", "description"]

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


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DispatchForm(_Versioned):
    contractor = forms.ModelChoiceField(
        label=_("contractor or supplier"), queryset=Contractor.objects.filter(active=True)
    )
    window_from = forms.DateTimeField(
        label=_("appointment from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    window_to = forms.DateTimeField(
        label=_("appointment to"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class VisitForm(_Versioned):
    outcome = forms.ChoiceField(label=_("outcome"), choices=RepairVisit.Outcome.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class FollowUpForm(_Versioned):
    fixed = forms.TypedChoiceField(
        label=_("what the owner says"),
        choices=[("yes", _("Fixed")), ("no", _("Not fixed"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("note"), max_length=2000, required=False)


class ConvertForm(_Versioned):
    note = forms.CharField(label=_("note"), max_length=2000, required=False)
