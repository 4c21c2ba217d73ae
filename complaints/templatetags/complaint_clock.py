"""The countdown a work list shows for each complaint: 「3天后升级为热点」, coloured by
``rules.urgency`` (the one definition of overdue and at risk)."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import rules
from ..models import Complaint, Tier

register = template.Library()

RISES_IN = {
    "days": lambda n: ngettext("Becomes %(tier)s in %(n)d day", "Becomes %(tier)s in %(n)d days", n),
    "hours": lambda n: ngettext("Becomes %(tier)s in %(n)d hour", "Becomes %(tier)s in %(n)d hours", n),
    "minutes": lambda n: ngettext("Becomes %(tier)s in %(n)d minute", "Becomes %(tier)s in %(n)d minutes", n),
}
LATE_BY = {
    "days": lambda n: ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", n),
    "hours": lambda n: ngettext("Overdue by %(n)d hour", "Overdue by %(n)d hours", n),
    "minutes": lambda n: ngettext("Overdue by %(n)d minute", "Overdue by %(n)d minutes", n),
}


def urgency_of(complaint: Complaint, now) -> str | None:
    return rules.urgency(
        now=now,
        resolved_at=complaint.resolved_at,
        deadline=complaint.deadline,
        resolve_by=complaint.resolve_by,
        escalates_at=complaint.escalates_at,
        paused_since=complaint.paused_since,
        external_deadline=complaint.external_deadline,
    )


def countdown_text(complaint: Complaint, now) -> str:
    """What is next for the complaint, in words: overdue by how long, else when it rises, else ""."""
    if urgency_of(complaint, now) == rules.OVERDUE:
        limits = (complaint.deadline, complaint.external_deadline, complaint.resolve_by)
        passed = [at for at in limits if at is not None and at <= now]
        n, unit = rules.time_left(now, min(passed))
        return LATE_BY[unit](-n) % {"n": -n}
    if complaint.escalates_at is None:
        return ""
    n, unit = rules.time_left(now, complaint.escalates_at)
    tier = rules.escalation_target(
        received_at=complaint.received_at,
        paused_seconds=complaint.paused_seconds,
        escalates_at=complaint.escalates_at,
    )
    return RISES_IN[unit](max(n, 0)) % {"n": max(n, 0), "tier": Tier(tier).label}


@register.simple_tag
def complaint_countdown(complaint: Complaint) -> str:
    """``<span class="clock clock-<urgency>">…</span>``, or a dash when no clock runs; with a "response
    paused" badge while the response clock is paused (the queue, home)."""
    now = timezone.now()
    text = countdown_text(complaint, now)
    authority = _authority_deadline(complaint)
    if not text:
        clock = format_html('<span class="clock">{}</span>{}', _("—"), authority)
    else:
        urgency = urgency_of(complaint, now) or ""
        css = urgency.replace("_", "-")
        clock = format_html(
            '<span class="clock clock-{}" data-urgency="{}">{}</span>{}', css, urgency, text, authority
        )
    if complaint.response_paused_since is None:
        return clock
    # The escalation clock runs on while the response clock is paused: both are shown.
    return format_html('{} <span class="badge response-paused">{}</span>', clock, _("response paused"))


def _authority_deadline(complaint: Complaint) -> str:
    """A government referral's deadline, shown beside ours wherever the countdown is."""
    if complaint.external_deadline is None:
        return ""
    return format_html(
        ' <span class="authority-deadline">{}</span>',
        _("Authority's deadline %(at)s")
        % {"at": date_format(timezone.localtime(complaint.external_deadline), "Y-m-d H:i")},
    )
