from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.staff import STAFF_UI

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
