"""The working-day calendar page: the group's default calendar and the companies' own days for one
year; the group centre adds, changes and removes days here (``organization.calendars``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.staff import staff_ui

from . import calendars
from .models import Company

WORKING_CHOICES = (
    ("0", gettext_lazy("Public holiday (off)")),
    ("1", gettext_lazy("Make-up working day (调休)")),
)


class CalendarDayForm(forms.Form):
    company = forms.ModelChoiceField(
        label=gettext_lazy("calendar"),
        queryset=Company.objects.none(),
        required=False,
        empty_label=gettext_lazy("Group default"),
    )
    day = forms.DateField(label=gettext_lazy("date"), widget=forms.DateInput(attrs={"type": "date"}))
    working = forms.TypedChoiceField(
        label=gettext_lazy("kind of day"), choices=WORKING_CHOICES, coerce=lambda value: value == "1"
    )
    name = forms.CharField(label=gettext_lazy("name"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user).order_by("name")


class CalendarDayRemoveForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), required=False)
    day = forms.DateField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.visible_to(user)


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@staff_ui
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    year = _year(request)
    may_edit = request.user.has_perm(calendars.EDIT_CALENDARS)
    form = CalendarDayForm(user=request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        removing = "remove" in request.POST
        form_class = CalendarDayRemoveForm if removing else CalendarDayForm
        posted = form_class(request.POST, user=request.user)
        if posted.is_valid():
            values = posted.cleaned_data
            try:
                if removing:
                    calendars.calendar_day_remove(
                        by=request.user, company=values["company"], day=values["day"]
                    )
                    messages.success(
                        request, _("%(day)s removed from the calendar.") % {"day": values["day"]}
                    )
                else:
                    calendars.calendar_day_set(by=request.user, **values)
                    messages.success(request, _("%(day)s saved in the calendar.") % {"day": values["day"]})
            except DomainError as error:
                posted.add_error(None, error.message)
            else:
                return redirect(f"{request.path}?year={values['day'].year}")
        if not removing:
            form = posted
    return render(
        request,
        "organization/calendars.html",
        {
            "calendars": calendars.calendars_for(request.user, year),
            "year": year,
            "years": [year - 1, year + 1],
            "form": form,
            "may_edit": may_edit,
        },
    )
