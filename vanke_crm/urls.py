from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from complaints.api import ComplaintViewSet
from complaints.defect_api import DefectRegisterView, DefectTypeViewSet, TopDefectsView
from complaints.government_api import GovernmentImportJobView, GovernmentImportView
from complaints.reports.api import ContractorReportView, MonthlyReportView, WeeklyReportView
from complaints.risk_api import ComplaintRiskViewSet
from core.api import SchemaView
from core.exceptions import api_not_found
from core.health import healthz
from core.throttling import ThrottledLoginView
from core.webhooks.api import WebhookDeliveryViewSet, WebhookSubscriptionViewSet
from customers.api import CommunicationViewSet, CustomerViewSet, PurchaseViewSet
from membership.api import (
    CampaignViewSet,
    EventViewSet,
    GiftViewSet,
    MemberViewSet,
    MerchantViewSet,
    OfferViewSet,
    PointEntryViewSet,
)
from organization.api import BuildingViewSet, CompanyViewSet, ProjectViewSet, StaffViewSet, UnitViewSet
from organization.calendar_api import CalendarViewSet
from organization.customer_manager_api import BuildingCustomerManagerViewSet, ProjectCustomerManagerViewSet
from organization.forms import StaffAuthenticationForm
from repairs.api import ContractorStatisticsView, RepairViewSet
from surveys.api import (
    AnswerViewSet,
    ImprovementPlanViewSet,
    IndicatorViewSet,
    QuestionnaireViewSet,
    RespondentViewSet,
    ScorecardView,
    ScorecardWeightsView,
    SurveyPlanViewSet,
    SurveyReportView,
)
from touchpoints.api import (
    CheckAnswerViewSet,
    PlanItemViewSet,
    QuarterlyCheckView,
    ServiceBoardView,
    ServiceTaskViewSet,
    StepViewSet,
)

admin.site.site_header = _("vanke_crm administration")
admin.site.site_title = _("vanke_crm administration")

router = DefaultRouter()
router.include_root_view = False
router.register("companies", CompanyViewSet)
router.register("projects", ProjectViewSet)
router.register("buildings", BuildingViewSet)
router.register("projects", ProjectCustomerManagerViewSet, basename="project-customer-manager")
router.register("buildings", BuildingCustomerManagerViewSet, basename="building-customer-manager")
router.register("units", UnitViewSet)
router.register("staff", StaffViewSet, basename="staff")
router.register("calendars", CalendarViewSet, basename="calendar")
router.register("complaints", ComplaintViewSet)
router.register("complaints", ComplaintRiskViewSet, basename="complaint-risk")
router.register("defect-types", DefectTypeViewSet)
router.register("repairs", RepairViewSet)
router.register("customers", CustomerViewSet)
router.register("purchases", PurchaseViewSet)
router.register("communications", CommunicationViewSet)
router.register("service-tasks", ServiceTaskViewSet)
router.register("check-answers", CheckAnswerViewSet)
router.register("service-steps", StepViewSet)
router.register("plan-items", PlanItemViewSet)
router.register("survey-plans", SurveyPlanViewSet)
router.register("survey-respondents", RespondentViewSet)
router.register("survey-answers", AnswerViewSet)
router.register("improvement-plans", ImprovementPlanViewSet)
router.register("survey-indicators", IndicatorViewSet)
router.register("survey-questionnaires", QuestionnaireViewSet)
router.register("members", MemberViewSet)
router.register("point-entries", PointEntryViewSet)
router.register("club-events", EventViewSet)
router.register("club-gifts", GiftViewSet)
router.register("club-merchants", MerchantViewSet)
router.register("club-offers", OfferViewSet)
router.register("club-campaigns", CampaignViewSet)
router.register("webhooks", WebhookSubscriptionViewSet)
router.register("webhook-deliveries", WebhookDeliveryViewSet)

# The HTTP bench's bare reference endpoints (core.bench_api): only when BENCH_ENDPOINTS is on.
bench_urls = []
if settings.BENCH_ENDPOINTS:
    from core.bench_api import BenchInsertView, BenchSelectView

    bench_urls = [
        path("api/v1/bench/insert/", BenchInsertView.as_view()),
        path("api/v1/bench/select/<int:pk>/", BenchSelectView.as_view()),
    ]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "login/",
        ThrottledLoginView.as_view(
            authentication_form=StaffAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # One sign-in page, with its guessing limits: the admin's own login form would bypass them.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/government-imports/", GovernmentImportView.as_view(), name="government-import-api"),
    path(
        "api/v1/government-imports/<int:job_id>/",
        GovernmentImportJobView.as_view(),
        name="government-import-job-api",
    ),
    path("api/v1/", include(router.urls)),
    path("api/v1/reports/complaints/monthly/", MonthlyReportView.as_view(), name="report-monthly"),
    path("api/v1/reports/complaints/weekly/", WeeklyReportView.as_view(), name="report-weekly"),
    path("api/v1/reports/complaints/contractors/", ContractorReportView.as_view(), name="report-contractors"),
    path(
        "api/v1/reports/repairs/contractors/",
        ContractorStatisticsView.as_view(),
        name="report-repair-contractors",
    ),
    path("api/v1/reports/surveys/", SurveyReportView.as_view(), name="report-surveys"),
    path("api/v1/reports/service-check/", QuarterlyCheckView.as_view(), name="report-service-check"),
    path("api/v1/reports/service-board/", ServiceBoardView.as_view(), name="report-service-board"),
    path("api/v1/defects/register/", DefectRegisterView.as_view(), name="defect-register-api"),
    path("api/v1/defects/top/", TopDefectsView.as_view(), name="defect-top-api"),
    path("api/v1/reports/surveys/scorecard/", ScorecardView.as_view(), name="report-scorecard"),
    path(
        "api/v1/reports/surveys/scorecard/weights/",
        ScorecardWeightsView.as_view(),
        name="report-scorecard-weights",
    ),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html"),
        name="swagger-ui",
    ),
    *bench_urls,
    re_path(r"^api/", api_not_found),
    path("", include("core.urls")),
    path("", include("customers.urls")),
    path("", include("complaints.urls")),
    path("", include("touchpoints.urls")),
    path("", include("repairs.urls")),
    path("", include("surveys.urls")),
    path("", include("membership.urls")),
    path("", include("organization.urls")),
]

handler400 = "core.exceptions.bad_request"
handler403 = "core.exceptions.permission_denied"
handler404 = "core.exceptions.page_not_found"
handler500 = "core.exceptions.server_error"
