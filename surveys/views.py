"""Staff pages under /surveys/ and the public answer page /s/<token>/ (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from complaints.models import Complaint
from core.charts import horizontal_bars
from core.exceptions import Conflict, DomainError
from core.staff import staff_ui
from customers import rules as customer_rules
from organization import access
from organization.models import Company, Project

from . import report_export, rules, scores, services
from .forms import FollowUpForm, ImprovementPlanForm, PlanForm, WeightsForm, parse_answers
from .models import Answer, ImprovementPlan, Indicator, Question, QuestionKind, Respondent, SurveyPlan

PAGE_SIZE = 100


# --- Plans ----------------------------------------------------------------------------------------
@staff_ui
@permission_required("surveys.view_surveyplan", raise_exception=True)
def plan_list(request):
    plans = SurveyPlan.objects.visible_to(request.user).select_related("project", "company")[:PAGE_SIZE]
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
    plan = (
        SurveyPlan.objects.visible_to(request.user)
        .select_related("project", "company", "questionnaire")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


@staff_ui
@permission_required("surveys.view_surveyplan", raise_exception=True)
def plan_detail(request, plan_id: int):
    """A plan, its response rate and its respondents (100 a page, by id; phones masked)."""
    plan = _plan(request, plan_id)
    after = request.GET.get("after", "")
    respondents = Respondent.objects.filter(plan=plan).select_related("customer", "entered_by").order_by("id")
    if after.isdigit():
        respondents = respondents.filter(id__gt=int(after))
    page = list(respondents[: PAGE_SIZE + 1])
    rows = [{"respondent": r, "phone": customer_rules.mask_phone(r.customer.phone)} for r in page[:PAGE_SIZE]]
    counts = Respondent.objects.filter(plan=plan).aggregate(
        invited=Count("id"), completed=Count("id", filter=Q(status=Respondent.Status.COMPLETED))
    )
    return render(
        request,
        "surveys/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "next_after": page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None,
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
def _question_items(questions, stored: dict, posted=None, errors=None, missing=()):
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


def _answer(request, respondent: Respondent, *, template: str, entered_by=None, extra=None):
    """GET shows the questionnaire with what was saved; POST saves (``save``) or submits."""
    questions = list(
        Question.objects.filter(questionnaire_id=respondent.plan.questionnaire_id).order_by("order")
    )
    stored = {a.question_id: a for a in Answer.objects.filter(respondent=respondent)}
    context = {"respondent": respondent, "plan": respondent.plan, **(extra or {})}
    if request.method != "POST":
        context["items"] = _question_items(questions, stored)
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
    context["items"] = _question_items(
        questions, stored, posted=request.POST, errors=errors, missing=result.missing if submit else ()
    )
    return render(request, template, context, status=400 if errors else 200), result


def _may_enter_for(user, respondent: Respondent) -> bool:
    return (
        user.has_perm("surveys.add_answer")
        and Respondent.objects.visible_to(user).filter(pk=respondent.pk).exists()
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
    respondent = (
        Respondent.objects.visible_to(request.user)
        .select_related("plan__project", "customer")
        .filter(pk=respondent_id)
        .first()
    )
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
def _report_scope(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    company = project = None
    if request.GET.get("company", "").isdigit():
        company = Company.objects.visible_to(request.user).filter(pk=request.GET["company"]).first()
        if company is None:
            raise Http404
    if request.GET.get("project", "").isdigit():
        project = Project.objects.visible_to(request.user).filter(pk=request.GET["project"]).first()
        if project is None:
            raise Http404
    return year, company, project


def build_report(user, year, company=None, project=None) -> dict:
    return scores.survey_report(
        answers=Answer.objects.visible_to(user),
        respondents=Respondent.objects.visible_to(user),
        year=year,
        company_id=company.pk if company else None,
        project_id=project.pk if project else None,
    )


@staff_ui
@permission_required("surveys.view_answer", raise_exception=True)
def report(request):
    """The survey report: scores per indicator and dimension, response rates, last year; ?format=xlsx."""
    year, company, project = _report_scope(request)
    data = build_report(request.user, year, company, project)
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
    return render(
        request,
        "surveys/report.html",
        {
            "report": data,
            "year": year,
            "company": company,
            "project": project,
            "companies": Company.objects.visible_to(request.user),
            "projects": Project.objects.visible_to(request.user)
            .filter(**({"company": company} if company else {}))
            .select_related("company")
            .order_by("company", "name"),
            "direction_chart": horizontal_bars([(row["name"], row["score"]) for row in directions]),
            "project_chart": horizontal_bars([(row["label"], row["satisfaction"]) for row in projects]),
            "dimensions": [
                ("company", _("By company"), data["by"]["company"]),
                ("project", _("By project"), data["by"]["project"]),
                ("stage", _("By owner stage"), data["by"]["stage"]),
                ("segment", _("By segment"), data["by"]["segment"]),
            ],
        },
    )


# --- Improvement plans ----------------------------------------------------------------------------
def _plans_with_overdue(user):
    today = timezone.localdate()
    return ImprovementPlan.objects.visible_to(user).annotate(
        overdue=Case(
            When(Q(status__in=rules.OPEN_PLAN_STATUSES, deadline__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


@staff_ui
@permission_required("surveys.view_improvementplan", raise_exception=True)
def improvement_list(request):
    plans = _plans_with_overdue(request.user).select_related("indicator", "owner", "project", "company")
    if request.GET.get("show") == "overdue":
        plans = plans.filter(overdue=True)
    elif request.GET.get("show") != "all":
        plans = plans.filter(status__in=rules.OPEN_PLAN_STATUSES)
    return render(
        request,
        "surveys/improvement_list.html",
        {"plans": plans[:PAGE_SIZE], "show": request.GET.get("show", "")},
    )


@staff_ui
@permission_required("surveys.add_improvementplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def improvement_create(request):
    initial = {
        key: request.GET[key] for key in ("indicator", "project") if request.GET.get(key, "").isdigit()
    }
    form = ImprovementPlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company = access.write_company_for(
                request.user, data["project"].company if data["project"] else None
            )
        except DomainError:
            company = None
        if company is None:
            form.add_error("project", _("Choose the project (group users plan for a company through it)."))
        else:
            year = timezone.localdate().year
            latest = (
                Respondent.objects.filter(company=company, status=Respondent.Status.COMPLETED)
                .order_by("-year")
                .values_list("year", flat=True)
                .first()
            )
            baseline = None
            if latest:
                baseline = scores.indicator_score(
                    Answer.objects.visible_to(request.user),
                    indicator_id=data["indicator"].pk,
                    year=latest,
                    company_id=company.pk,
                    project_id=data["project"].pk if data["project"] else None,
                )
                year = latest
            survey = (
                SurveyPlan.objects.filter(company=company, year=year)
                .filter(Q(project=data["project"]) if data["project"] else Q())
                .order_by("-id")
                .first()
            )
            try:
                plan = services.improvement_plan_create(
                    company=company, by=request.user, survey=survey, baseline_score=baseline, **data
                )
                messages.success(request, _("Improvement plan created."))
                return redirect("survey-improvement", plan_id=plan.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    return render(request, "surveys/improvement_form.html", {"form": form})


@staff_ui
@permission_required("surveys.view_improvementplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def improvement_detail(request, plan_id: int):
    plan = (
        _plans_with_overdue(request.user)
        .select_related("indicator", "owner", "project", "company", "survey")
        .filter(pk=plan_id)
        .first()
    )
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
            "notes": plan.notes.select_related("author"),
            "form": form,
            "movement": scores.plan_movement(Answer.objects.visible_to(request.user), plan),
        },
    )


# --- Scorecard ------------------------------------------------------------------------------------
@staff_ui
@permission_required("surveys.view_scorecardweights", raise_exception=True)
@require_http_methods(["GET", "POST"])
def scorecard(request):
    year, _company, _project = _report_scope(request)
    weights = services.weights_for(year)
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
    rows = scores.scorecard(
        answers=Answer.objects.visible_to(request.user),
        complaints=Complaint.objects.visible_to(request.user),
        companies=Company.objects.visible_to(request.user),
        year=year,
        weights=weights,
    )
    return render(
        request, "surveys/scorecard.html", {"rows": rows, "year": year, "weights": weights, "form": form}
    )


@staff_ui
@permission_required("surveys.view_indicator", raise_exception=True)
def indicators(request):
    """The indicator tree and the questions mapped to each indicator (edited in the admin)."""
    tree = scores.indicator_tree()
    questions = {}
    for question in Question.objects.select_related("questionnaire"):
        if question.indicator_id:
            questions.setdefault(question.indicator_id, []).append(question)
    for indicator in tree:
        indicator.mapped = questions.get(indicator.pk, [])
    return render(request, "surveys/indicators.html", {"tree": tree, "indicator_model": Indicator})
