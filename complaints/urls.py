from django.urls import path, re_path

from . import (
    canned_views,
    defect_views,
    grouping_views,
    ledger_views,
    public_views,
    queue_views,
    risk_views,
    views,
)
from .reports import views as report_views

urlpatterns = [
    path("complaints/", queue_views.complaint_list, name="complaint-list"),
    path("complaints/bulk/", queue_views.complaint_bulk, name="complaint-bulk"),
    path("complaints/views/", queue_views.saved_view_save, name="complaint-view-save"),
    path(
        "complaints/views/<int:view_id>/delete/",
        queue_views.saved_view_delete,
        name="complaint-view-delete",
    ),
    path("complaints/new/", views.complaint_create, name="complaint-create"),
    path(
        "complaints/new/duplicates/",
        views.complaint_create_duplicates,
        name="complaint-create-duplicates",
    ),
    path("complaints/government-import/", views.government_import, name="government-import"),
    path("complaints/clusters/", grouping_views.complaint_clusters, name="complaint-clusters"),
    path("complaints/clusters/link/", grouping_views.complaint_clusters_link, name="complaint-clusters-link"),
    path(
        "complaints/<int:complaint_id>/unlink-follows/",
        grouping_views.complaint_unlink_follows,
        name="complaint-unlink-follows",
    ),
    path("complaints/replies/", canned_views.canned_reply_list, name="canned-replies"),
    path("complaints/replies/new/", canned_views.canned_reply_create, name="canned-reply-new"),
    path("complaints/replies/<int:reply_id>/", canned_views.canned_reply_edit, name="canned-reply-edit"),
    path(
        "complaints/replies/<int:reply_id>/active/",
        canned_views.canned_reply_active,
        name="canned-reply-active",
    ),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<int:complaint_id>/phone/", views.complaint_reveal_phone, name="complaint-reveal-phone"),
    path("complaints/<int:complaint_id>/assign/", views.complaint_assign, name="complaint-assign"),
    path(
        "complaints/<int:complaint_id>/transition/", views.complaint_transition, name="complaint-transition"
    ),
    path("complaints/<int:complaint_id>/plan/", views.complaint_plan, name="complaint-plan"),
    path("complaints/<int:complaint_id>/progress/", views.complaint_progress, name="complaint-progress"),
    path("complaints/<int:complaint_id>/handover/", views.complaint_handover, name="complaint-handover"),
    path("complaints/<int:complaint_id>/pause/", views.complaint_pause, name="complaint-pause"),
    path("complaints/<int:complaint_id>/resume/", views.complaint_resume, name="complaint-resume"),
    path(
        "complaints/<int:complaint_id>/pause-approval/",
        views.complaint_approve_pause,
        name="complaint-pause-approval",
    ),
    path(
        "complaints/<int:complaint_id>/lower-tier/", views.complaint_lower_tier, name="complaint-lower-tier"
    ),
    path("complaints/<int:complaint_id>/link/", views.complaint_link, name="complaint-link"),
    path(
        "complaints/<int:complaint_id>/duplicate-decision/",
        ledger_views.complaint_duplicate_decision,
        name="complaint-duplicate-decision",
    ),
    path("complaints/<int:complaint_id>/costs/", ledger_views.complaint_cost, name="complaint-cost"),
    path(
        "complaints/<int:complaint_id>/costs/<int:cost_id>/reverse/",
        ledger_views.complaint_cost_reverse,
        name="complaint-cost-reverse",
    ),
    path(
        "complaints/<int:complaint_id>/costs/<int:cost_id>/advance/",
        ledger_views.complaint_cost_advance,
        name="complaint-cost-advance",
    ),
    path(
        "complaints/<int:complaint_id>/defect-type/",
        views.complaint_defect_type,
        name="complaint-defect-type",
    ),
    path("complaints/<int:complaint_id>/repairs/", views.complaint_repair, name="complaint-repair"),
    path("complaints/<int:complaint_id>/callback/", views.complaint_callback, name="complaint-callback"),
    path(
        "complaints/<int:complaint_id>/external-verdict/",
        views.complaint_external_verdict,
        name="complaint-external-verdict",
    ),
    path("complaints/<int:complaint_id>/files/", views.complaint_add_files, name="complaint-add-files"),
    path("complaints/<int:complaint_id>/facts/", risk_views.complaint_facts, name="complaint-facts"),
    path(
        "complaints/<int:complaint_id>/signals/<int:signal_id>/confirm/",
        risk_views.signal_confirm,
        name="complaint-signal-confirm",
    ),
    path(
        "complaints/<int:complaint_id>/signals/<int:signal_id>/dismiss/",
        risk_views.signal_dismiss,
        name="complaint-signal-dismiss",
    ),
    path(
        "complaints/<int:complaint_id>/files/<int:attachment_id>/",
        views.complaint_attachment,
        name="complaint-attachment",
    ),
    path("defects/", defect_views.defect_register, name="defect-register"),
    path("defects/top/", defect_views.top_defects, name="defect-top"),
    path("defects/top/export.xlsx", defect_views.top_defects_export, name="defect-top-export"),
    path("notifications/", views.notification_list, name="notifications"),
    path("reports/", report_views.dashboard, name="reports"),
    path("reports/print/", report_views.dashboard_print, name="reports-print"),
    path("reports/custom/", report_views.custom_report, name="reports-custom"),
    re_path(r"^reports/export\.(?P<fmt>xlsx|csv)$", report_views.dashboard_export, name="reports-export"),
    path("complain/", public_views.public_complaint, name="public-complaint"),
    path("complain/homes/", public_views.public_project_homes, name="public-project-homes"),
    path("complain/filed/<str:token>/", public_views.public_complaint_filed, name="public-complaint-filed"),
    path("complain/track/<str:token>/", public_views.public_complaint_track, name="public-complaint-track"),
    path(
        "complain/track/<str:token>/reply/",
        public_views.public_complaint_reply,
        name="public-complaint-reply",
    ),
    path(
        "complain/track/<str:token>/confirm/",
        public_views.public_complaint_confirm,
        name="public-complaint-confirm",
    ),
    path(
        "complain/track/<str:token>/not-solved/",
        public_views.public_complaint_not_solved,
        name="public-complaint-not-solved",
    ),
    # The older address of the owner's "add files" form; the reply takes files alone too.
    path(
        "complain/track/<str:token>/files/",
        public_views.public_complaint_reply,
        name="public-complaint-add-files",
    ),
    path(
        "complain/track/<str:token>/files/<int:attachment_id>/",
        public_views.public_complaint_attachment,
        name="public-complaint-attachment",
    ),
]
