from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.models import Company, Project

from . import imports, rules
from .models import AccessAction, CommunicationChannel, Customer, OwnerPhase, Segment, SourceChannel, Stage
from .privacy import can_see_personal_data
from .services import PROFILE_FIELDS


class CustomerForm(forms.ModelForm):
    """A customer file's form. On an existing file the phone and ID number are shown masked unless
    the user revealed them (and the reveal was audited); a masked value sent back unchanged keeps
    the stored one, so staff edit everything else without ever seeing the numbers."""

    phone = forms.CharField(label=_("mobile phone"), max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = ["phone", *PROFILE_FIELDS]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, unmasked: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not unmasked:
            self.initial["phone"] = rules.mask_phone(self.instance.phone)
            if self.instance.id_number:
                self.initial["id_number"] = rules.mask_id_number(self.instance.id_number)

    def _kept(self, name: str, value: str, mask) -> bool:
        stored = getattr(self.instance, name) if self.instance.pk else ""
        return bool(stored) and value == mask(stored)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if self._kept("phone", value, rules.mask_phone):
            return self.instance.phone
        try:
            return rules.normalise_phone(value)
        except rules.InvalidPhone:
            raise forms.ValidationError(
                _("Enter a mainland mobile number: 11 digits starting with 1, optionally with +86.")
            ) from None

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip()
        if not value:
            return ""
        if self._kept("id_number", value, rules.mask_id_number):
            return self.instance.id_number
        try:
            return rules.normalise_id_number(value)
        except rules.InvalidIdNumber:
            raise forms.ValidationError(_("Enter a valid 18-character resident ID number.")) from None

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value:
            problem = rules.birth_date_problem(value, timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return value

    def validate_unique(self):
        # Phone uniqueness is the upsert key, decided by the service, not a form error.
        exclude = self._get_validation_exclusions() | {"phone", "id_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS if name in self.cleaned_data}


class NewCustomerForm(CustomerForm):
    source = forms.ChoiceField(label=_("source"), choices=SourceChannel.choices, initial=SourceChannel.SALES)
    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.company_id:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = Company.objects.visible_to(user)
            self.fields["company"].required = True


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or phone tail"), required=False, max_length=50)
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False)
    segment = forms.ChoiceField(
        label=_("segment"), choices=[("", _("All")), *Segment.choices], required=False
    )
    stage = forms.ChoiceField(label=_("stage"), choices=[("", _("All")), *Stage.choices], required=False)
    owner_phase = forms.ChoiceField(
        label=_("owner phase"), choices=[("", _("All")), *OwnerPhase.choices], required=False
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("company", "name")

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        problem = rules.phone_search_problem(query, full_numbers_allowed=can_see_personal_data(self.user))
        if problem:
            raise forms.ValidationError(problem)
        return query


class CommunicationForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=CommunicationChannel.choices)
    content = forms.CharField(label=_("content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class SegmentForm(forms.Form):
    segment = forms.ChoiceField(
        label=_("segment"), choices=[("", _("Use the rules")), *Segment.choices], required=False
    )
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class MergeForm(forms.Form):
    keep = forms.IntegerField(label=_("Keep customer number"), min_value=1)
    duplicate = forms.IntegerField(label=_("Duplicate customer number"), min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("keep") == data.get("duplicate"):
            raise forms.ValidationError(_("Choose two different customers to merge."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.company_id:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = Company.objects.visible_to(user)
            self.fields["company"].required = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(8)
        upload.seek(0)
        try:
            imports.check_upload(upload.name, upload.size, head)
        except imports.UploadRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return upload


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("user name"), required=False, max_length=150)
    customer = forms.IntegerField(label=_("customer number"), required=False, min_value=1)
    action = forms.ChoiceField(
        label=_("action"), choices=[("", _("All")), *AccessAction.choices], required=False
    )
    since = forms.DateField(label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
