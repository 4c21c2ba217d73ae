"""Every change to a complaint goes through here: staff pages, the public form, the API,
the escalation sweep (task and command) all call these functions.

The package splits by sub-domain: ``intake`` (the new complaint, its number, the caller's customer
file, its files), ``escalation`` (evaluation, clock warnings, the sweep), ``handling`` (assignment,
transitions, plans, handover, lowering, linking, rating, repairs), ``callbacks`` (the call-back before
closing and the complainant's confirmation), ``notifications`` (staff notifications, texts to
complainants), ``ownership`` (the duty handler at intake, the reminder clocks and their sweep),
``grouping`` (mass complaints, cluster suggestions and links, second complaints: follows found at
intake, unlinking, reopening), ``owner`` (the complainant's reply on the tracking page), ``risk``
(risk facts after intake, risk signals read from the text, their confirmation, the sweep that tells
managers of undecided ones) and ``canned`` (the company's canned replies, kept by its managers). The
public names are re-exported here, so callers import ``complaints.services`` and not its modules. To
patch a name in a test, patch it in the module that uses it (e.g. ``complaints.services.intake.evaluate``
for the intake's evaluation).
"""

from .callbacks import complaint_callback, complaint_confirm_solved
from .canned import canned_reply_create, canned_reply_set_active, canned_reply_update
from .costs import Ledger, back_charge_advance, cost_ledger, cost_record, cost_reverse
from .defects import check_defect_type, complaint_set_defect_type, install_default_defect_types
from .duplicates import (
    PossibleDuplicate,
    auto_linked_to,
    complaint_duplicate_decide,
    duplicate_candidates,
    intake_duplicates,
    possible_duplicates,
)
from .escalation import escalate_due, evaluate, facts_for, issue_group_complainants
from .government import complaint_external_verdict, referral_import
from .grouping import (
    Cluster,
    complaint_clusters,
    complaint_reopen,
    complaint_unlink_follows,
    follows_text,
    issue_group_link,
)
from .handling import (
    complaint_add_plan,
    complaint_add_progress,
    complaint_assign,
    complaint_handover,
    complaint_link_same_issue,
    complaint_lower_tier,
    complaint_rate,
    complaint_transition,
    repair_record,
    since_latest_resolve,
)
from .intake import CLOCK_SKEW, Intake, complaint_create
from .notifications import COMPLAINANT_TOPIC, STAFF_TOPIC, tracking_link
from .owner import OwnerReply, complaint_owner_reply
from .ownership import refresh_due, remind_due
from .pause import complaint_approve_pause, complaint_pause, complaint_resume, resume_due
from .risk import (
    complaint_set_facts,
    install_default_risk_words,
    risk_signal_confirm,
    risk_signal_dismiss,
    risk_signals_notify_due,
    risk_signals_read,
    risk_vocabulary,
)

__all__ = [
    "CLOCK_SKEW",
    "COMPLAINANT_TOPIC",
    "STAFF_TOPIC",
    "Cluster",
    "Intake",
    "Ledger",
    "OwnerReply",
    "PossibleDuplicate",
    "auto_linked_to",
    "back_charge_advance",
    "canned_reply_create",
    "canned_reply_set_active",
    "canned_reply_update",
    "check_defect_type",
    "complaint_add_plan",
    "complaint_add_progress",
    "complaint_approve_pause",
    "complaint_assign",
    "complaint_callback",
    "complaint_clusters",
    "complaint_confirm_solved",
    "complaint_create",
    "complaint_duplicate_decide",
    "complaint_external_verdict",
    "complaint_handover",
    "complaint_link_same_issue",
    "complaint_lower_tier",
    "complaint_owner_reply",
    "complaint_pause",
    "complaint_rate",
    "complaint_reopen",
    "complaint_resume",
    "complaint_set_defect_type",
    "complaint_set_facts",
    "complaint_transition",
    "complaint_unlink_follows",
    "cost_ledger",
    "cost_record",
    "cost_reverse",
    "duplicate_candidates",
    "escalate_due",
    "evaluate",
    "facts_for",
    "follows_text",
    "install_default_defect_types",
    "install_default_risk_words",
    "intake_duplicates",
    "issue_group_complainants",
    "issue_group_link",
    "possible_duplicates",
    "referral_import",
    "refresh_due",
    "remind_due",
    "repair_record",
    "resume_due",
    "risk_signal_confirm",
    "risk_signal_dismiss",
    "risk_signals_notify_due",
    "risk_signals_read",
    "risk_vocabulary",
    "since_latest_resolve",
    "tracking_link",
]
