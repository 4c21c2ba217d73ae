from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from customers import rules as customer_rules
from organization import access
from organization.models import Company, Project, Unit
from organization.selectors import HomeNotFound, find_home

from . import attachments, rules
from .models import (
    CallbackOutcome,
    Category,
    Channel,
    Complaint,
    ComplaintCost,
    Contractor,
    DefectType,
    Department,
    ExternalSource,
    ExternalVerdict,
    Litigation,
    Media,
    PauseReason,
    Status,
    Tier,
)

# The earliest received time staff or the API may give: older dates are typing errors (and years
# before 1900 are not stored by every database).
EARLIEST_RECEIVED = date(2000, 1, 1)  # local time (Asia/Shanghai)


def validate_received_at(value: datetime) -> None:
    if value is not None and timezone.localdate(value) < EARLIEST_RECEIVED:
        raise forms.ValidationError(
            _("The received time must be on or after %(date)s.") % {"date": EARLIEST_RECEIVED.isoformat()},
            code="received_too_early",
        )


class ContactPhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return customer_rules.normalise_phone(value)
        except customer_rules.InvalidPhone:
            raise forms.ValidationError(
                _("Enter a mainland mobile number: 11 digits starting with 1, optionally with +86.")
            ) from None


class UnitByNumberMixin:
    """Owners and staff name the unit as building + unit number within the chosen project, as people
    write them (「3号楼」 finds 「3栋」; ``organization.selectors.find_home``)."""

    def resolve_unit(self, project: Project | None) -> Unit | None:
        if project is None:
            return None
        try:
            return find_home(
                project, self.cleaned_data.get("building", ""), self.cleaned_data.get("unit_number", "")
            )
        except HomeNotFound as error:
            self.add_error(error.field, error.message)
            return None


class DefectTypeField(forms.ModelChoiceField):
    """A leaf type of the active catalogue, shown as "防水 › 外墙渗水 (WP-01)"; the service checks that
    the complaint's category may carry it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("defect type"))
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=DefectType.objects.filter(active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__order", "parent__code", "order", "code"),
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} › {obj.name} ({obj.code})"


class DefectTypeForm(forms.Form):
    defect_type = DefectTypeField(help_text=_("Construction and design complaints only; empty clears it."))


class IntakeForm(UnitByNumberMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    building = forms.CharField(label=_("building"), max_length=50, required=False)
    unit_number = forms.CharField(label=_("unit number"), max_length=20, required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    sub_category = forms.CharField(label=_("sub-category"), max_length=30, required=False)
    defect_type = DefectTypeField(help_text=_("For construction and design complaints."))
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    contact_name = forms.CharField(label=_("contact name"), max_length=50, required=False)
    contact_phone = ContactPhoneField(label=_("contact phone"), max_length=20, required=False)
    received_at = forms.DateTimeField(
        label=_("received at"),
        required=False,
        validators=[validate_received_at],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("For letters and phone notes taken earlier; empty means now."),
    )
    complainant_count = forms.IntegerField(
        label=_("number of complainants"), min_value=1, max_value=100000, initial=1
    )
    litigation = forms.ChoiceField(label=_("litigation"), choices=Litigation.choices, initial=Litigation.NONE)
    media = forms.ChoiceField(label=_("media exposure"), choices=Media.choices, initial=Media.NONE)
    needs_outside_support = forms.BooleanField(label=_("needs outside support"), required=False)
    follows = forms.CharField(label=_("second complaint of (number)"), max_length=20, required=False)
    external_source = forms.ChoiceField(
        label=_("referring authority"),
        choices=[("", "---------"), *ExternalSource.choices],
        required=False,
        help_text=_("Government referrals only (12345, housing bureau, city platform)."),
    )
    external_ref = forms.CharField(label=_("authority's case number"), max_length=60, required=False)
    external_deadline = forms.DateTimeField(
        label=_("authority's deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("company", "name")

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The received time is in the future."))
        return value

    def clean(self):
        data = super().clean()
        data["unit"] = self.resolve_unit(data.get("project"))
        number = data.get("follows", "").strip().upper()
        data["follows"] = None
        if number:
            data["follows"] = Complaint.objects.visible_to(self.user).filter(number=number).first()
            if data["follows"] is None:
                self.add_error("follows", _("No complaint with this number."))
        return data


class IntakeDuplicatesQuery(UnitByNumberMixin, forms.Form):
    """What the new-complaint page has typed so far, for the duplicate check before filing
    (``views.complaint_create_duplicates``); an incomplete or invalid query finds nothing."""

    project = forms.ModelChoiceField(queryset=Project.objects.none())
    building = forms.CharField(max_length=50, required=False)
    unit_number = forms.CharField(max_length=20, required=False)
    contact_phone = ContactPhoneField(max_length=20, required=False)
    category = forms.ChoiceField(choices=Category.choices)
    defect_type = DefectTypeField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        data["unit"] = self.resolve_unit(data.get("project"))
        return data


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("handler"), queryset=get_user_model().objects.none())
    department = forms.ChoiceField(label=_("responsible department"), choices=Department.choices)
    deadline = forms.DateTimeField(
        label=_("deadline"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, complaint, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = access.assignable_staff(user, complaint.company)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(
        label=_("note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(TransitionForm):
    """Resolving: the summary is the resolve event's note, which the complainant reads. Whether it may
    be blank is the service's rule (``summary_required``), so the page and the API answer alike."""

    status = forms.ChoiceField(choices=Status.choices, initial=Status.RESOLVED, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("resolution summary (the complainant sees it)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done and what the result is."),
    )


class PlanForm(forms.Form):
    measures = forms.CharField(label=_("measures"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateTimeField(
        label=_("deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    # Internal unless the handler chooses to tell the complainant (the API's default is the same).
    visible_to_complainant = forms.BooleanField(
        label=_("Tell the complainant"),
        required=False,
        initial=False,
        help_text=_("Shown on the complainant's tracking page; otherwise an internal note."),
    )


class HandoverForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("hand over to"), queryset=get_user_model().objects.none())
    note = forms.CharField(label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, complaint, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = access.assignable_staff(user, complaint.company).exclude(
            pk=complaint.first_responder_id
        )


class RepairForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label=_("contractor or supplier"), queryset=Contractor.objects.filter(active=True)
    )
    work = forms.CharField(label=_("work"), max_length=500)
    started_on = forms.DateField(label=_("started on"), widget=forms.DateInput(attrs={"type": "date"}))
    finished_on = forms.DateField(
        label=_("finished on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fixed_first_time = forms.NullBooleanField(label=_("fixed the first time"), required=False)


class CallbackForm(forms.Form):
    # Nothing is pre-selected: what the call-back found is always chosen by the person who called.
    outcome = forms.ChoiceField(label=_("outcome"), choices=CallbackOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("what the complainant said"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExternalVerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("authority's verdict"), choices=ExternalVerdict.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("what the authority said"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    at = forms.DateTimeField(
        label=_("judged at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty means now."),
    )


class LowerTierForm(forms.Form):
    tier = forms.ChoiceField(label=_("tier"), choices=Tier.choices)
    reason = forms.CharField(label=_("reason"), max_length=500)


# --- The pause of the response clock (services.pause) -------------------------------------------


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=PauseReason.choices)
    note = forms.CharField(label=_("note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateTimeField(
        label=_("resume on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Optional. More than 15 working days ahead needs a manager's approval."),
    )


class ResumeForm(forms.Form):
    note = forms.CharField(label=_("note on resuming"), max_length=2000)


class PauseApprovalForm(forms.Form):
    until = forms.DateTimeField(
        label=_("resume on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: until someone resumes it."),
    )
    note = forms.CharField(label=_("note"), max_length=2000)


# --- Files (staff pages, the API and the owners' forms in public_forms.py) ------------------------

ACCEPTED_FILES = "image/jpeg,image/png,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.heic,.heif,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by ``attachments.check_files`` (content and name)."""

    def __init__(self, *args, at_most: int = rules.MAX_ATTACHMENTS_PER_COMPLAINT, **kwargs):
        self.at_most = at_most
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [upload for upload in uploads if upload]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]
        try:
            attachments.check_files(cleaned, at_most=self.at_most)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return cleaned


class AttachmentForm(forms.Form):
    """More photos or PDFs for a complaint, from staff or from the complainant's tracking page."""

    files = MultipleFileField(
        label=_("photos or PDF documents (JPEG, PNG, HEIC or PDF, up to 10 MB each)"),
        at_most=rules.MAX_INTAKE_ATTACHMENTS,
    )


class CustomReportForm(forms.Form):
    first_day = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    company_id = forms.TypedChoiceField(label=_("company"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company_id"].choices = [("", _("All I can see"))] + [
            (company.pk, company.name) for company in Company.objects.visible_to(user)
        ]


class CannedReplyForm(forms.Form):
    """A canned reply on the management page; a group-level manager names the company."""

    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none(), required=False)
    title = forms.CharField(label=_("title"), max_length=60)
    body = forms.CharField(label=_("text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing or user.company_id:
            del self.fields["company"]  # a company user writes for their own; a reply keeps its company
        else:
            self.fields["company"].queryset = Company.objects.visible_to(user).order_by("name")
            self.fields["company"].required = True


class UnlinkFollowsForm(forms.Form):
    reason = forms.CharField(
        label=_("why it is not a second complaint"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DuplicateDecisionForm(forms.Form):
    earlier = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[(code, code) for code in rules.DUPLICATE_DECISIONS])


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ComplaintCost.Kind.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    description = forms.CharField(
        label=_("description (in kind: what was given)"), max_length=200, required=False
    )
    contractor = forms.ModelChoiceField(
        label=_("liable contractor (back-charges)"),
        queryset=Contractor.objects.filter(active=True),
        required=False,
    )


class CostReverseForm(forms.Form):
    reason = forms.CharField(label=_("reason for the reversal"), max_length=200)
