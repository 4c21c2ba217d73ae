from django import forms
from django.utils.translation import gettext_lazy as _

from customers import rules as customer_rules
from customers.models import Customer

from .models import ActionType


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
        super().__init__(*args, **kwargs)
        self.user = user

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
