"""Staff pages under /surveys/ and the public answer page /s/<token>/ (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.charts import horizontal_bars
from core.exceptions import Conflict, DomainError
from core.staff import staff_ui
from customers import rules as customer_rules

from . import report_export, rules, selectors, services
from .forms import FollowUpForm, ImprovementPlanForm, PlanForm, WeightsForm, answer_items, parse_answers
from .models import Indicator, Respondent, SurveyPlan


# --- Plans ----------------------------------------------------------------------------------------
@staff_ui
@permission_required("surveys.view_surveyplan", raise_exception=True)
def plan_list(request):
    plans = selectors.plan_list(user=request.user)
    form = None
    if request.user.has_perm("surveys.add_surveyplan"):
        form = PlanForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.plan_create(by=request.user, **form.cleaned_data)
                messages.success(request, _("Survey planned."))
                return redirect("survey-plan", plan_id=plan.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    elif request.method == "POST":
        raise Http404
    return render(request, "surveys/plan_list.html", {"plans": plans, "form": form})


def _plan(request, plan_id: int) -> SurveyPlan:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404
    return plan


@staff_ui
@permission_required("surveys.view_surveyplan", raise_exception=True)
def plan_detail(request, plan_id: int):
    """A plan, its response rate and its respondents (100 a page, by id; phones masked)."""
    plan = _plan(request, plan_id)
    after = request.GET.get("after", "")
    page, next_after = selectors.plan_respondents(
        user=request.user, plan=plan, after=int(after) if after.isdigit() else None
    )
    counts = selectors.plan_counts(user=request.user, plan=plan)
    return render(
        request,
        "surveys/plan_detail.html",
        {
            "plan": plan,
            "rows": [{"respondent": r, "phone": customer_rules.mask_phone(r.customer.phone)} for r in page],
            "next_after": next_after,
            "counts": counts,
            "response_rate": rules.rate(counts["completed"], counts["invited"]),
        },
    )


@staff_ui
@permission_required("surveys.change_surveyplan", raise_exception=True)
@require_POST
def plan_sample(request, plan_id: int):
    plan = _plan(request, plan_id)
    try:
        drawn = services.plan_draw_sample(plan=plan)
        messages.success(request, _("%(count)s respondents drawn.") % {"count": drawn})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("survey-plan", plan_id=plan.pk)


@staff_ui
@permission_required("surveys.change_surveyplan", raise_exception=True)
@require_POST
def plan_close(request, plan_id: int):
    services.plan_close(plan=_plan(request, plan_id))
    messages.success(request, _("Survey closed."))
    return redirect("survey-plan", plan_id=plan_id)


# --- Answering (public link and staff entry) -------------------------------------------------------
def _answer(request, respondent: Respondent, *, template: str, entered_by=None, extra=None):
    """GET shows the questionnaire with what was saved; POST saves (``save``) or submits."""
    questions, stored = selectors.questionnaire_of(respondent=respondent)
    context = {"respondent": respondent, "plan": respondent.plan, **(extra or {})}
    if request.method != "POST":
        context["items"] = answer_items(questions, stored)
        return render(request, template, context), None
    answers, parse_errors = parse_answers(request.POST, questions)
    submit = "submit" in request.POST
    result = services.answers_save(
        respondent=respondent, answers=answers, complete=submit, entered_by=entered_by
    )
    if result.completed:
        return None, result
    errors = {**parse_errors, **result.errors}
    if submit and result.missing and not errors:
        context["problem"] = _("Please answer every question marked with *. Your answers so far are saved.")
    elif errors:
        context["problem"] = _("Some answers are not valid; the others are saved.")
    else:
        context["saved"] = True
    context["items"] = answer_items(
        questions, stored, posted=request.POST, errors=errors, missing=result.missing if submit else ()
    )
    return render(request, template, context, status=400 if errors else 200), result


def _may_enter_for(user, respondent: Respondent) -> bool:
    return user.has_perm("surveys.add_answer") and selectors.respondent_is_visible(
        user=user, respondent=respondent
    )


@require_http_methods(["GET", "POST"])
def public_survey(request, token: str):
    try:
        respondent = services.respondent_for_token(token)
    except services.InvalidToken as error:
        return render(request, "surveys/public_message.html", {"message": error.message}, status=404)
    if respondent.status == Respondent.Status.COMPLETED:
        if request.session.get("survey_done") == respondent.pk:
            return render(request, "surveys/public_message.html", {"thanks": True})
        return render(
            request,
            "surveys/public_message.html",
            {"message": _("This survey has already been answered. Thank you.")},
            status=410,
        )
    # Someone signed in is staff, not the owner: their answers are recorded as entered by them, and
    # only staff who may enter answers for this owner's company may do so.
    entered_by = request.user if request.user.is_authenticated else None
    if entered_by is not None and request.method == "POST" and not _may_enter_for(entered_by, respondent):
        raise PermissionDenied
    try:
        response, _result = _answer(
            request, respondent, template="surveys/public_answer.html", entered_by=entered_by
        )
    except Conflict as error:  # answered in another tab a moment ago
        return render(request, "surveys/public_message.html", {"message": error.message}, status=410)
    if response is None:
        request.session["survey_done"] = respondent.pk
        return redirect("public-survey", token=token)
    return response


@staff_ui
@permission_required("surveys.add_answer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_answer(request, respondent_id: int):
    """Staff enter the answers given by phone or on site."""
    respondent = selectors.respondent_get(user=request.user, respondent_id=respondent_id)
    if respondent is None:
        raise Http404
    if respondent.status == Respondent.Status.COMPLETED:
        messages.error(request, _("This survey has already been answered. Thank you."))
        return redirect("survey-plan", plan_id=respondent.plan_id)
    extra = {"phone": customer_rules.mask_phone(respondent.customer.phone), "staff": True}
    try:
        response, _result = _answer(
            request, respondent, template="surveys/staff_answer.html", entered_by=request.user, extra=extra
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("survey-plan", plan_id=respondent.plan_id)
    if response is None:
        messages.success(request, _("Answers of %(name)s recorded.") % {"name": respondent.customer.name})
        return redirect("survey-plan", plan_id=respondent.plan_id)
    return response


# --- Report ---------------------------------------------------------------------------------------
def _report_scope(request) -> selectors.ReportScope:
    """The report's ?year= (this year by default), ?company= and ?project=; outside the user's
    companies is 404."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    ids = {key: int(request.GET[key]) for key in ("company", "project") if request.GET.get(key, "").isdigit()}
    scope = selectors.report_scope(
        user=request.user, year=year, company_id=ids.get("company"), project_id=ids.get("project")
    )
    if scope is None:
        raise Http404
    return scope


@staff_ui
@permission_required("surveys.view_answer", raise_exception=True)
def report(request):
    """The survey report: scores per indicator and dimension, response rates, last year; ?format=xlsx."""
    scope = _report_scope(request)
    year, company = scope.year, scope.company
    data = selectors.survey_report(user=request.user, scope=scope)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            report_export.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="survey-report-{year}.xlsx"'
        return response
    directions = [
        row for row in data["indicators"] if row["level"] == "direction" and row["score"] is not None
    ]
    projects = [row for row in data["by"]["project"] if row["satisfaction"] is not None]
    companies, project_choices = selectors.report_choices(user=request.user, company=company)
    return render(
        request,
        "surveys/report.html",
        {
            "report": data,
            "year": year,
            "company": company,
            "project": scope.project,
            "companies": companies,
            "projects": project_choices,
            "direction_chart": horizontal_bars(
                [(row["name"], row["score"]) for row in directions], label=_("Satisfaction by direction")
            ),
            "project_chart": horizontal_bars(
                [(row["label"], row["satisfaction"]) for row in projects], label=_("Satisfaction by project")
            ),
            "dimensions": [
                ("company", _("By company"), data["by"]["company"]),
                ("project", _("By project"), data["by"]["project"]),
                ("stage", _("By owner stage"), data["by"]["stage"]),
                ("segment", _("By segment"), data["by"]["segment"]),
            ],
        },
    )


# --- Improvement plans ----------------------------------------------------------------------------
# The form field a refusal of the service belongs to (others are shown above the form).
IMPROVEMENT_ERROR_FIELDS = {"owner_company": "owner", "project_company": "project"}


@staff_ui
@permission_required("surveys.view_improvementplan", raise_exception=True)
def improvement_list(request):
    show = request.GET.get("show", "")
    plans = selectors.improvement_plan_list(user=request.user, show=show)
    return render(request, "surveys/improvement_list.html", {"plans": plans, "show": show})


@staff_ui
@permission_required("surveys.add_improvementplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def improvement_create(request):
    initial = {
        key: request.GET[key] for key in ("indicator", "project") if request.GET.get(key, "").isdigit()
    }
    form = ImprovementPlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.improvement_plan_create(by=request.user, **form.cleaned_data)
            messages.success(request, _("Improvement plan created."))
            return redirect("survey-improvement", plan_id=plan.pk)
        except DomainError as error:
            if error.code == "company_required":
                form.add_error(
                    "project", _("Choose the project (group users plan for a company through it).")
                )
            else:
                form.add_error(IMPROVEMENT_ERROR_FIELDS.get(error.code), error.message)
    return render(request, "surveys/improvement_form.html", {"form": form})


@staff_ui
@permission_required("surveys.view_improvementplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def improvement_detail(request, plan_id: int):
    plan = selectors.improvement_plan_get(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("surveys.change_improvementplan"):
            raise Http404
        if form.is_valid():
            try:
                services.improvement_plan_follow_up(plan=plan, by=request.user, **form.cleaned_data)
                messages.success(request, _("Follow-up recorded."))
                return redirect("survey-improvement", plan_id=plan.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    return render(
        request,
        "surveys/improvement_detail.html",
        {
            "plan": plan,
            "notes": selectors.improvement_notes(plan=plan),
            "form": form,
            "movement": selectors.plan_movement(user=request.user, plan=plan),
        },
    )


# --- Scorecard ------------------------------------------------------------------------------------
@staff_ui
@permission_required("surveys.view_scorecardweights", raise_exception=True)
@require_http_methods(["GET", "POST"])
def scorecard(request):
    year = _report_scope(request).year
    weights = selectors.weights_for(year)
    form = None
    if request.user.has_perm("surveys.change_scorecardweights"):
        form = WeightsForm(request.POST or None, initial=weights.__dict__)
        if request.method == "POST" and form.is_valid():
            try:
                services.weights_set(year=year, weights=rules.Weights(**form.cleaned_data), by=request.user)
                messages.success(request, _("Weights saved."))
                return redirect(f"{request.path}?year={year}")
            except DomainError as error:
                form.add_error(None, error.message)
    elif request.method == "POST":
        raise Http404
    rows = selectors.scorecard(user=request.user, year=year, weights=weights)
    return render(
        request, "surveys/scorecard.html", {"rows": rows, "year": year, "weights": weights, "form": form}
    )


@staff_ui
@permission_required("surveys.view_indicator", raise_exception=True)
def indicators(request):
    """The indicator tree and the questions mapped to each indicator (edited in the admin)."""
    return render(
        request, "surveys/indicators.html", {"tree": selectors.indicator_tree(), "indicator_model": Indicator}
    )
