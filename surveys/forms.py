from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Department
from customers.models import Segment
from organization import access
from organization.models import Project

from . import rules
from .models import ImprovementPlan, Indicator, Method, QuestionKind, SurveyStage
from .services import AnswerInput

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("name"), max_length=100)
    stage = forms.ChoiceField(label=_("owner stage"), choices=SurveyStage.choices)
    segment = forms.ChoiceField(
        label=_("segment"), choices=[("", _("every segment")), *Segment.choices], required=False
    )
    sample_size = forms.IntegerField(label=_("sample size"), min_value=1, max_value=rules.SAMPLE_SIZE_MAX)
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    opens_on = forms.DateField(label=_("opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("closes on"), widget=DATE)
    exclude_months = forms.IntegerField(
        label=_("skip people surveyed in the last N months"),
        min_value=0,
        max_value=60,
        initial=rules.DEFAULT_EXCLUDE_MONTHS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("company", "name")
        self.fields["year"].initial = timezone.localdate().year


class ImprovementPlanForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False)
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=Indicator.objects.all())
    goal = forms.CharField(label=_("goal"), max_length=300)
    department = forms.ChoiceField(label=_("responsible department"), choices=Department.choices)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=get_user_model().objects.none())
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    measures = forms.CharField(label=_("measures"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("company", "name")
        # The plan's company comes with its project: anyone who may own plans of a company the user sees.
        self.fields["owner"].queryset = access.assignable_staff(user, None, perm=access.OWN_IMPROVEMENT_PLANS)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("unchanged")), *ImprovementPlan.Status.choices], required=False
    )
    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WeightsForm(forms.Form):
    satisfaction = forms.IntegerField(label=_("satisfaction weight (%)"), min_value=0, max_value=100)
    complaint_handling = forms.IntegerField(
        label=_("complaint handling weight (%)"), min_value=0, max_value=100
    )
    loyalty = forms.IntegerField(label=_("loyalty weight (%)"), min_value=0, max_value=100)
    profit = forms.IntegerField(label=_("profit weight (%)"), min_value=0, max_value=100)


def parse_answers(data, questions) -> tuple[dict[int, AnswerInput], dict[int, str]]:
    """Read the answer fields of a posted questionnaire (``q<id>``, ``q<id>_exp``, ``q<id>_text``).
    A value that is not a whole number is reported, the others are kept."""
    answers, errors = {}, {}
    for question in questions:
        key = f"q{question.pk}"
        if question.kind == QuestionKind.TEXT:
            answers[question.pk] = AnswerInput(text=data.get(f"{key}_text", "")[:5000])
            continue
        numbers = {}
        for name, field in (("value", key), ("expectation", f"{key}_exp")):
            raw = (data.get(field) or "").strip()
            if not raw:
                numbers[name] = None
                continue
            try:
                numbers[name] = int(raw)
            except ValueError:
                errors[question.pk] = str(_("Choose a value."))
                numbers[name] = None
        if question.kind == QuestionKind.RATING:
            numbers["expectation"] = None
        if question.pk not in errors:
            answers[question.pk] = AnswerInput(
                value=numbers["value"],
                expectation=numbers["expectation"],
                text=data.get(f"{key}_text", "")[:5000],
            )
    return answers, errors


def answer_items(questions, stored: dict, posted=None, errors=None, missing=()) -> list[dict]:
    """What the answer template shows per question: the posted values when the form comes back with
    errors (nothing typed is lost), else what is stored."""
    items = []
    for question in questions:
        key = f"q{question.pk}"
        answer = stored.get(question.pk)
        if posted is not None:
            value, expectation, text = (
                posted.get(key, ""),
                posted.get(f"{key}_exp", ""),
                posted.get(f"{key}_text", ""),
            )
        else:
            value = str(answer.value) if answer and answer.value is not None else ""
            expectation = str(answer.expectation) if answer and answer.expectation is not None else ""
            text = answer.text if answer else ""
        scale = [(str(n), str(n) == value) for n in range(rules.SCALE_MIN, question.scale_max + 1)]
        exp_scale = [(str(n), str(n) == expectation) for n in range(rules.SCALE_MIN, question.scale_max + 1)]
        items.append(
            {
                "question": question,
                "key": key,
                "scale": scale,
                "exp_scale": exp_scale if question.kind == QuestionKind.PAIR else [],
                "text": text,
                "is_text": question.kind == QuestionKind.TEXT,
                "error": (errors or {}).get(question.pk, ""),
                "missing": question.pk in missing,
            }
        )
    return items
