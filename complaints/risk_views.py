"""The staff page's side of risk facts and risk signals: the facts form and the confirm and dismiss
buttons of the complaint page (``templates/complaints/_risk.html``, rendered by the ``risk_panel``
tag). Same services as the API, so the same refusals; they come back as messages on the page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui
from organization import access

from . import services
from .models import Litigation, Media
from .views import _form_action


class FactsForm(forms.Form):
    """Shown with the current facts; what differs from them is the change. The number's lower bound
    and the note are checked by the service, so that page and API say the same."""

    litigation = forms.ChoiceField(label=_("litigation"), choices=Litigation.choices)
    media = forms.ChoiceField(label=_("media exposure"), choices=Media.choices)
    complainant_count = forms.IntegerField(
        label=_("number of complainants"), widget=forms.NumberInput(attrs={"min": 1})
    )
    needs_outside_support = forms.BooleanField(label=_("needs outside support"), required=False)
    note = forms.CharField(
        label=_("why the facts changed"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class SignalConfirmForm(forms.Form):
    complainant_count = forms.IntegerField(
        label=_("number of complainants"), required=False, widget=forms.NumberInput(attrs={"min": 2})
    )
    note = forms.CharField(label=_("note"), max_length=5000, required=False)


class SignalDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, required=False, widget=forms.TextInput(attrs={"required": True})
    )


complaint_facts = _form_action(FactsForm, services.complaint_set_facts, _("Risk facts saved."))


def _signal_action(form_class, service, success):
    @staff_ui
    @permission_required("complaints.change_complaint", raise_exception=True)
    @require_POST
    def view(request, complaint_id: int, signal_id: int):
        complaint = access.access_complaint(request.user, complaint_id, "change")
        signal = complaint.risk_signals.filter(pk=signal_id).first()
        if signal is None:
            raise Http404
        form = form_class(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(form_errors_text(form))
            service(signal=signal, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, success)
        return redirect(reverse("complaint-detail", args=[complaint.pk]) + "#risk")

    return view


signal_confirm = _signal_action(SignalConfirmForm, services.risk_signal_confirm, _("Risk signal confirmed."))
signal_dismiss = _signal_action(SignalDismissForm, services.risk_signal_dismiss, _("Risk signal dismissed."))
