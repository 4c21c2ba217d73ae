from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.staff import STAFF_UI

from . import access
from .models import Unit


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "api_only": _("This account is for system integration through the API and cannot sign in here."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.has_perm(STAFF_UI):
            raise forms.ValidationError(self.error_messages["api_only"], code="api_only")


class UnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Unit
        fields = ["floor", "layout", "area", "list_price"]


class DutyHandlerForm(forms.Form):
    duty_handler = forms.ModelChoiceField(
        label=_("complaint duty handler"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "Complaints of this project from the owners' form or the API are assigned to this person at "
            "intake; with nobody chosen, the company's managers are told and assign them."
        ),
    )

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty_handler"].queryset = access.assignable_staff(user, project.company)
