from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers import rules as customer_rules
from customers.models import Customer
from organization.models import Company, Project

from .models import Campaign, Event, Gift, Level, Member, Merchant
from .services import EventPlan, event_plan_of


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("member number, name, phone or its last 4 digits"), max_length=30, required=False
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("membership", "level"), choices=[("", "—"), *Level.choices], required=False
    )


class GiftRedeemForm(forms.Form):
    gift = forms.ModelChoiceField(label=_("gift"), queryset=Gift.objects.none())

    def __init__(self, *args, member: Member, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        gifts = Gift.objects.filter(company__in=member.companies.values("company_id"), active=True)
        # Staff redeem their own company's gifts for the member (a group-level user any of them).
        self.fields["gift"].queryset = gifts.visible_to(user) if user is not None else gifts


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


# Bounds that keep a typed number inside the database column (the services check the business rules).
MAX_CAPACITY = 100_000
MAX_POINTS = 10_000_000
MAX_STOCK = 1_000_000
EVENT_PLAN_FIELDS = ("title", "kind", "starts_at", "place", "capacity", "points", "project")


def _own_company_first(form, user) -> None:
    form.fields["company"].queryset = Company.objects.visible_to(user)
    if user.company_id:
        form.fields["company"].initial = user.company_id


class EventForm(forms.Form):
    """The plan of an event; whether it may be planned so (in the future, the project of the company,
    …) is the service's check, shown as the form's error."""

    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none())
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False)
    title = forms.CharField(label=_("title"), max_length=100)
    kind = forms.ChoiceField(label=_("type"), choices=Event.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("place"), max_length=200)
    capacity = forms.IntegerField(label=_("capacity"), min_value=1, max_value=MAX_CAPACITY)
    points = forms.IntegerField(label=_("points for attending"), min_value=0, max_value=MAX_POINTS, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _own_company_first(self, user)
        self.fields["project"].queryset = Project.objects.visible_to(user)

    def plan(self) -> EventPlan:
        data = self.cleaned_data
        return EventPlan(**{field: data[field] for field in EVENT_PLAN_FIELDS})


class EventEditForm(EventForm):
    """The same plan for an event that exists (its company stays); ``version`` is the version of
    the copy the form was opened on, so that a change saved in between is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, user, event: Event, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["company"]
        self.fields["project"].queryset = Project.objects.visible_to(user).filter(company_id=event.company_id)
        if not self.is_bound:
            plan = event_plan_of(event)
            self.initial = {field: getattr(plan, field) for field in EVENT_PLAN_FIELDS}
            self.initial["starts_at"] = timezone.localtime(event.starts_at)
            self.initial["version"] = event.version


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


class GiftForm(forms.Form):
    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none())
    name = forms.CharField(label=_("name"), max_length=100)
    points = forms.IntegerField(label=_("points needed"), min_value=1, max_value=MAX_POINTS)
    stock = forms.IntegerField(label=_("in stock"), min_value=0, max_value=MAX_STOCK, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _own_company_first(self, user)


class GiftStockForm(forms.Form):
    """A delivery (+) or a write-off (−); one small form on each row of the gift list, hence no ids."""

    delta = forms.IntegerField(label=_("change in stock (+ or −)"), min_value=-MAX_STOCK, max_value=MAX_STOCK)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id=False, **kwargs)
        self.fields["delta"].widget.attrs["aria-label"] = self.fields["delta"].label


class MerchantForm(forms.Form):
    company = forms.ModelChoiceField(label=_("company"), queryset=Company.objects.none())
    name = forms.CharField(label=_("name"), max_length=100)
    category = forms.CharField(label=_("category"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _own_company_first(self, user)


class OfferForm(forms.Form):
    merchant = forms.ModelChoiceField(label=_("partner merchant"), queryset=Merchant.objects.none())
    title = forms.CharField(label=_("offer"), max_length=100)
    points = forms.IntegerField(label=_("points needed"), min_value=0, max_value=MAX_POINTS, initial=0)
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
        _own_company_first(self, user)
