from django import forms
from django.utils.translation import gettext_lazy as _

from customers import rules as customer_rules
from customers.models import Customer
from organization import access
from organization.models import User

from .models import CHANNEL_CHOICES, OUTCOME_CHOICES, ActionType


class TaskCompleteForm(forms.Form):
    """Done on a task: what the owner said and, for a call-back or visit, its outcome and channel
    (both start empty: the service refuses a call-back without them, nothing is pre-selected)."""

    note = forms.CharField(label=_("note"), max_length=2000, required=False)
    outcome = forms.ChoiceField(
        label=_("outcome"),
        required=False,
        choices=[("", _("— outcome —")), *OUTCOME_CHOICES],
    )
    channel = forms.ChoiceField(
        label=_("reached by"),
        required=False,
        choices=[("", _("— reached by —")), *CHANNEL_CHOICES],
    )


class PlanItemForm(forms.Form):
    action = forms.ModelChoiceField(
        label=_("service action"), queryset=ActionType.objects.select_related("step")
    )
    planned_on = forms.DateField(label=_("planned on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class AttendeesForm(forms.Form):
    phones = forms.CharField(
        label=_("attendees' mobile phones, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )

    def __init__(self, *args, user, **kwargs):
        # One small form on each row of the plan, hence no ids; the label is the field's own.
        super().__init__(*args, auto_id=False, **kwargs)
        self.user = user
        self.fields["phones"].widget.attrs["aria-label"] = self.fields["phones"].label

    def clean_phones(self):
        lines = [line.strip() for line in self.cleaned_data["phones"].splitlines() if line.strip()]
        phones, bad = [], []
        for line in lines:
            try:
                phones.append(customer_rules.normalise_phone(line))
            except customer_rules.InvalidPhone:
                bad.append(line[:20])
        if bad:
            raise forms.ValidationError(_("Not mobile numbers: %(lines)s") % {"lines": "、".join(bad)})
        customers = list(Customer.objects.visible_to(self.user).filter(phone__in=phones))
        unknown = sorted(set(phones) - {customer.phone for customer in customers})
        if unknown:
            raise forms.ValidationError(
                _("No customer of yours has these numbers: %(phones)s")
                % {"phones": "、".join(customer_rules.mask_phone(p) for p in unknown)}
            )
        if not customers:
            raise forms.ValidationError(_("Enter at least one mobile phone."))
        return customers


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("assign to"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Tasks of several companies may be ticked at once: everyone who works for a company the user
        # sees; the service checks each task's company.
        self.fields["assignee"].queryset = access.assignable_staff(
            user, None, perm=access.WORK_ON_SERVICE_TASKS
        )


ANSWER_CHOICES = [("", _("not asked")), ("yes", _("Yes")), ("no", _("No"))]


class CheckAnswersForm(forms.Form):
    """One owner's answers to the quarterly check questions, entered by staff after a call-back."""

    phone = forms.CharField(label=_("owner's mobile phone"), max_length=20)
    quarter = forms.RegexField(
        label=_("quarter"),
        regex=r"^20\d{2}Q[1-4]$",
        max_length=6,
        error_messages={"invalid": _("Give the quarter as YYYYQn, e.g. 2026Q4.")},
    )

    def __init__(self, *args, user, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text, choices=ANSWER_CHOICES, required=False, widget=forms.RadioSelect
            )

    def clean_phone(self):
        try:
            phone = customer_rules.normalise_phone(self.cleaned_data["phone"])
        except customer_rules.InvalidPhone:
            raise forms.ValidationError(_("Enter a mainland mobile number.")) from None
        customer = Customer.objects.visible_to(self.user).filter(phone=phone).first()
        if customer is None:
            raise forms.ValidationError(_("No customer of yours has this number."))
        return customer

    def answers(self) -> dict:
        return {
            question: self.cleaned_data[f"q_{question.code}"] == "yes"
            for question in self.questions
            if self.cleaned_data.get(f"q_{question.code}")
        }
