"""Roles are Django groups whose permissions are defined here, in code.

``sync_roles`` runs after every migrate, so a role's permissions are exactly the
list below; grant a single user something extra through the admin instead.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FRONTLINE_STAFF = "frontline_staff"
COMPANY_MANAGER = "company_manager"
GROUP_CENTRE = "group_centre"
AUDITOR = "auditor"
INTEGRATOR = "integrator"

ROLE_LABELS = {
    FRONTLINE_STAFF: _("Frontline customer-relations staff"),
    COMPANY_MANAGER: _("Company customer-relations manager"),
    GROUP_CENTRE: _("Group customer-relations centre"),
    AUDITOR: _("Auditor"),
    INTEGRATOR: _("Integrator (API only)"),
}

_VIEW_ORGANISATION = [
    "organization.view_holding",
    "organization.view_region",
    "organization.view_company",
    "organization.view_project",
    "organization.view_building",
    "organization.view_unit",
]
_VIEW_COMPLAINTS = ["complaints.view_complaint", "complaints.view_defecttype"]
_HANDLE_COMPLAINTS = [
    "complaints.view_complaint",
    "complaints.view_defecttype",
    "complaints.add_complaint",
    "complaints.change_complaint",
]
_LOWER_TIERS = ["complaints.lower_tier"]
# The company's canned replies (短语): everyone who handles complaints inserts them; managers keep them.
_CANNED_REPLIES = ["complaints.manage_cannedreply"]
# The word lists risk signals are read with (complaints.RiskWord, edited in the admin).
_RISK_WORDS = ["complaints.view_riskword", "complaints.add_riskword", "complaints.change_riskword"]
# The defect catalogue (complaints.DefectType, edited in the admin): the group centre keeps it.
_DEFECT_TYPES = ["complaints.add_defecttype", "complaints.change_defecttype"]
# Warranty repairs (repairs.RepairRequest): frontline staff and managers take, dispatch and follow
# them up; integrators report and read them; auditors read; the group centre keeps the periods too.
_VIEW_REPAIRS = ["repairs.view_repairrequest", "repairs.view_warrantyperiod"]
_REPORT_REPAIRS = [*_VIEW_REPAIRS, "repairs.add_repairrequest"]
_HANDLE_REPAIRS = [*_REPORT_REPAIRS, "repairs.change_repairrequest"]
_WARRANTY_PERIODS = ["repairs.change_warrantyperiod"]
_VIEW_CUSTOMERS = ["customers.view_customer", "customers.view_purchase", "customers.view_communication"]
_WORK_WITH_CUSTOMERS = [
    *_VIEW_CUSTOMERS,
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_purchase",
    "customers.change_purchase",  # a correction (PATCH), as POST of the same pair already does
    "customers.add_communication",
]
_PERSONAL_DATA = ["customers.view_personal_data"]
_SERVICE_TASKS = [
    "touchpoints.view_servicetask",
    "touchpoints.change_servicetask",
    "touchpoints.add_servicetask",
    "touchpoints.view_checkanswer",
    "touchpoints.add_checkanswer",
    "touchpoints.view_step",
    "touchpoints.view_actiontype",
    "touchpoints.view_planitem",
    "touchpoints.add_planitem",
]
_ASSIGN_TASKS = ["touchpoints.assign_servicetask"]
_SERVICE_CATALOGUE = [
    "touchpoints.change_step",
    "touchpoints.add_actiontype",
    "touchpoints.change_actiontype",
    "touchpoints.view_holiday",
    "touchpoints.add_holiday",
    "touchpoints.change_holiday",
    "touchpoints.delete_holiday",
]
_SURVEY_WORK = [
    "surveys.view_indicator",
    "surveys.view_questionnaire",
    "surveys.view_question",
    "surveys.view_surveyplan",
    "surveys.view_respondent",
    "surveys.view_answer",
    "surveys.add_answer",
    "surveys.view_improvementplan",
    "surveys.change_improvementplan",
    "surveys.view_scorecardweights",
]
_SURVEY_MANAGE = ["surveys.add_surveyplan", "surveys.change_surveyplan", "surveys.add_improvementplan"]
_SURVEY_CATALOGUE = [
    "surveys.add_indicator",
    "surveys.change_indicator",
    "surveys.add_questionnaire",
    "surveys.change_questionnaire",
    "surveys.add_question",
    "surveys.change_question",
    "surveys.change_scorecardweights",
]
_SURVEY_READ = [
    "surveys.view_indicator",
    "surveys.view_questionnaire",
    "surveys.view_question",
    "surveys.view_surveyplan",
    "surveys.view_respondent",
    "surveys.view_answer",
    "surveys.view_improvementplan",
    "surveys.view_scorecardweights",
]
_VIEW_CLUB = ["membership.view_member", "membership.view_pointentry", "membership.view_event"]
_SERVE_MEMBERS = [*_VIEW_CLUB, "membership.serve_members"]
_MANAGE_CLUB = ["membership.manage_club"]
# Points a member earned with a partner (property-fee payments, merchants), reported by the partner's
# system through the API with an idempotency key. Integrators hold it and nothing else of the club's
# management: planning events, pricing gifts, merchants, corrections and campaigns stay with the
# managers (membership.manage_club). Managers and the group centre, who may correct points by hand,
# may credit a partner's earn too.
_PARTNER_EARN = ["membership.earn_points"]
_RESEND_MESSAGES = ["core.resend_outboundmessage"]
# Webhooks: integrators and the group centre manage subscriptions (API); managers see the log and
# send deliveries again (page). core.add_webhooksubscription is the API's gate.
_WEBHOOK_LOG = ["core.view_webhooksubscription", "core.view_webhookdelivery", "core.resend_webhookdelivery"]
_WEBHOOKS = [
    *_WEBHOOK_LOG,
    "core.add_webhooksubscription",
    "core.change_webhooksubscription",
    "core.delete_webhooksubscription",
]
_MANAGE_CUSTOMERS = ["customers.delete_customer", "customers.export_customers", "customers.import_customers"]
_AUDIT = ["customers.view_accesslog"]
# Private links (a member's /m/, a respondent's /s/) are keys to an owner's page: only the roles that
# hand them to owners see them; auditors and integrators never do.
_HAND_OUT_LINKS = ["membership.view_member_link", "surveys.view_respondent_link"]
_STAFF_UI = ["organization.use_staff_ui"]
_ALL_COMPANIES = ["organization.view_all_companies"]
_EDIT_UNITS = ["organization.change_unit"]
_DUTY_HANDLERS = ["organization.assign_duty_project"]  # who owns a project's complaints at intake
_CUSTOMER_MANAGERS = ["organization.assign_customer_manager"]  # who owns a building's customers
_CALENDARS = ["organization.change_calendarday"]  # working-day calendars (holidays, 调休)
_EDIT_ORGANISATION = [
    "organization.add_project",
    "organization.change_project",
    "organization.add_building",
    "organization.change_building",
    "organization.add_unit",
]
# The sales-system feed (POST /api/v1/purchases/bulk/) is an import of customers and purchases.
_SALES_FEED = ["customers.import_customers"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    FRONTLINE_STAFF: _STAFF_UI
    + _VIEW_ORGANISATION
    + _HANDLE_COMPLAINTS
    + _HANDLE_REPAIRS
    + _WORK_WITH_CUSTOMERS
    + _SERVICE_TASKS
    + _PERSONAL_DATA
    + _SURVEY_WORK
    + _SERVE_MEMBERS
    + _HAND_OUT_LINKS,
    COMPANY_MANAGER: _STAFF_UI
    + _VIEW_ORGANISATION
    + _HANDLE_COMPLAINTS
    + _LOWER_TIERS
    + _HANDLE_REPAIRS
    + _CANNED_REPLIES
    + _EDIT_UNITS
    + _DUTY_HANDLERS
    + _CUSTOMER_MANAGERS
    + _WORK_WITH_CUSTOMERS
    + _SERVICE_TASKS
    + _ASSIGN_TASKS
    + _PERSONAL_DATA
    + _MANAGE_CUSTOMERS
    + _SURVEY_WORK
    + _SURVEY_MANAGE
    + _SERVE_MEMBERS
    + _MANAGE_CLUB
    + _PARTNER_EARN
    + _RESEND_MESSAGES
    + _WEBHOOK_LOG
    + _HAND_OUT_LINKS,
    GROUP_CENTRE: _STAFF_UI
    + _ALL_COMPANIES
    + _VIEW_ORGANISATION
    + _HANDLE_COMPLAINTS
    + _LOWER_TIERS
    + _CANNED_REPLIES
    + _RISK_WORDS
    + _DEFECT_TYPES
    + _HANDLE_REPAIRS
    + _WARRANTY_PERIODS
    + _EDIT_UNITS
    + _DUTY_HANDLERS
    + _CUSTOMER_MANAGERS
    + _EDIT_ORGANISATION
    + _CALENDARS
    + _WORK_WITH_CUSTOMERS
    + _SERVICE_TASKS
    + _ASSIGN_TASKS
    + _PERSONAL_DATA
    + _MANAGE_CUSTOMERS
    + _SERVICE_CATALOGUE
    + _AUDIT
    + _SURVEY_WORK
    + _SURVEY_MANAGE
    + _SURVEY_CATALOGUE
    + _SERVE_MEMBERS
    + _MANAGE_CLUB
    + _PARTNER_EARN
    + _RESEND_MESSAGES
    + _WEBHOOKS
    + _HAND_OUT_LINKS,
    # Auditors read everything but personal data stays masked for them; they browse the access log.
    AUDITOR: _STAFF_UI
    + _ALL_COMPANIES
    + _VIEW_ORGANISATION
    + _VIEW_COMPLAINTS
    + _VIEW_REPAIRS
    + _VIEW_CUSTOMERS
    + _AUDIT
    + _SURVEY_READ
    + _VIEW_CLUB,
    # Integrators push and pull records (the sales system's organisation and purchases feed too);
    # personal data in their responses is masked.
    INTEGRATOR: _VIEW_ORGANISATION
    + _EDIT_ORGANISATION
    + _EDIT_UNITS
    + _SALES_FEED
    + _HANDLE_COMPLAINTS
    + _REPORT_REPAIRS
    + _WORK_WITH_CUSTOMERS
    + _SERVICE_TASKS
    + _SURVEY_READ
    + ["surveys.add_answer"]
    + _SERVE_MEMBERS
    + _PARTNER_EARN
    + _WEBHOOKS,
}


def _permissions(codes: list[str]) -> list[Permission]:
    condition = Q()
    for code in codes:
        app_label, codename = code.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition))
    if len(found) != len(set(codes)):
        missing = set(codes) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"Unknown permissions in ROLE_PERMISSIONS: {sorted(missing)}")
    return found


def sync_roles() -> None:
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(codes))


def sync_roles_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    if app_config is None or app_config.label != "organization":
        return
    # Apps after this one in INSTALLED_APPS get their permissions later in the same
    # post_migrate round; create them all now (idempotent) so every role resolves.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles()
