from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers import rules as customer_rules
from customers.models import Customer
from organization.models import Company, Project

from .models import Campaign, Event, Gift, Level, Member, Merchant


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("member number, name, phone or its last 4 digits"), max_length=30, required=False
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("membership", "level"), choices=[("", "—"), *Level.choices], required=False
    )


class GiftRedeemForm(forms.Form):
    gift = forms.ModelChoiceField(label=_("gift"), queryset=Gift.objects.none())

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift"].queryset = Gift.objects.filter(company_id=member.company_id, active=True)


class FeeOffsetForm(forms.Form):
    amount = forms.DecimalField(label=_("property fee to offset (CNY)"), max_digits=10, decimal_places=2)


class CorrectionForm(forms.Form):
    delta = forms.IntegerField(label=_("points (+ or −)"), min_value=-10_000_000, max_value=10_000_000)
    reason = forms.CharField(label=_("reason"), max_length=200)


class ReferralForm(forms.Form):
    phone = forms.CharField(label=_("the new customer's mobile phone"), max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_phone(self):
        try:
            phone = customer_rules.normalise_phone(self.cleaned_data["phone"])
        except customer_rules.InvalidPhone:
            raise forms.ValidationError(_("Enter a mainland mobile number.")) from None
        customer = Customer.objects.visible_to(self.user).filter(phone=phone).first()
        if customer is None:
            raise forms.ValidationError(_("No customer of yours has this number; record the customer first."))
        return customer


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["company", "project", "title", "kind", "starts_at", "place", "capacity", "points"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user)
        self.fields["project"].queryset = Project.objects.visible_to(user)
        if user.company_id:
            self.fields["company"].initial = user.company_id

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError(_("Plan the event in the future."))
        return starts_at

    def clean(self):
        data = super().clean()
        project, company = data.get("project"), data.get("company")
        if project and company and project.company_id != company.pk:
            self.add_error("project", _("This project belongs to another company."))
        return data


class StaffSignupForm(forms.Form):
    number = forms.CharField(label=_("member number"), max_length=20)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self):
        member = (
            Member.objects.visible_to(self.user)
            .filter(number=self.cleaned_data["number"].strip().upper())
            .first()
        )
        if member is None:
            raise forms.ValidationError(_("No member of yours has this number."))
        return member


class GiftForm(forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["company", "name", "points", "stock"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user)
        if user.company_id:
            self.fields["company"].initial = user.company_id


class MerchantForm(forms.ModelForm):
    class Meta:
        model = Merchant
        fields = ["company", "name", "category"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user)
        if user.company_id:
            self.fields["company"].initial = user.company_id


class OfferForm(forms.Form):
    merchant = forms.ModelChoiceField(label=_("partner merchant"), queryset=Merchant.objects.none())
    title = forms.CharField(label=_("offer"), max_length=100)
    points = forms.IntegerField(label=_("points needed"), min_value=0, max_value=10_000_000, initial=0)
    valid_until = forms.DateField(label=_("valid until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.visible_to(user).filter(active=True)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("redemption code"), max_length=20)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["company", "audience", "segment", "channel", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user)
        if user.company_id:
            self.fields["company"].initial = user.company_id
