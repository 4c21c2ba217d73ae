"""Member campaigns: a message to an audience of members (by level, optionally by segment) written
as a job row, and the worker's part that queues one outbox message per member in chunks, each with
its unsubscribe link; dedupe keys make a second run queue nothing new.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.jobs import JobReclaimed, claim, finish, job_enqueue_on_commit, progress
from core.models import Job
from core.outbox import Message, message_queue_many, unsubscribe_link
from organization import access

from .. import rules
from ..models import Campaign, Member

# --- Communications ------------------------------------------------------------------------------

TOPIC = "member_news"


@transaction.atomic
def campaign_create(
    *, company, audience: str, channel: str, subject: str, body: str, by, segment: str = ""
) -> Campaign:
    if not subject.strip() or not body.strip():
        raise DomainError(_("Write a subject and a text."), code="empty_message")
    # A company user's own company; a group-level user names one (the page's form and the API).
    company = access.write_company_for(by, company)
    campaign = Campaign.objects.create(
        company=company,
        audience=audience,
        segment=segment,
        channel=channel,
        subject=subject.strip(),
        body=body.strip(),
        created_by=by,
    )
    # A job row, not only a message to the broker: if the broker is down, the job sweep sends it
    # when it is back (core.jobs), and a worker that dies mid-way is replaced.
    job = Job.objects.create(
        kind=Job.Kind.CLUB_CAMPAIGN, created_by=by, company=company, params={"campaign": campaign.pk}
    )
    job_enqueue_on_commit(job)
    return campaign


def campaign_run(job_id: int) -> None:
    """The worker's part: write the campaign's messages (again, after a reclaim: the dedupe keys
    make that harmless), then the job is done."""
    job = claim(job_id)
    if job is None:
        return
    campaign = Campaign.objects.filter(pk=job.params["campaign"]).first()
    if campaign is None:
        finish(job, failure=str(_("The campaign no longer exists.")))
        return
    try:
        campaign_deliver(campaign=campaign, job=job)
    except JobReclaimed:
        return
    finish(job)


def campaign_deliver(*, campaign: Campaign, chunk: int = 2000, job=None) -> int:
    """Write one outbox message per member of the audience (dedupe key per campaign and member, so
    running it again queues nothing new); each ends with the member's unsubscribe link."""
    members = (
        Member.objects.filter(
            company=campaign.company,
            status=Member.Status.ACTIVE,
            level__in=rules.audience_levels(campaign.audience),
        )
        .order_by("id")
        .values_list("id", "customer__phone", "customer__email")
    )
    if campaign.segment:
        members = members.filter(customer__segment=campaign.segment)
    if job is not None:
        progress(job, total=members.count(), processed=0)
    queued, last_id = 0, 0
    while True:
        rows = list(members.filter(id__gt=last_id)[:chunk])
        if not rows:
            break
        last_id = rows[-1][0]
        messages = []
        for member_id, phone, email in rows:
            recipient = phone if campaign.channel == Campaign.Channel.SMS else email
            if not recipient:
                continue
            link = unsubscribe_link(recipient=recipient, topic=TOPIC)
            messages.append(
                Message(
                    channel=campaign.channel,
                    recipient=recipient,
                    topic=TOPIC,
                    subject=campaign.subject,
                    body=f"【万客会】{campaign.body}\n{_('Unsubscribe')}: {link}",
                    dedupe_key=f"club:{campaign.pk}:{member_id}",
                    company_id=campaign.company_id,
                )
            )
        with transaction.atomic():
            queued += message_queue_many(messages)
            if job is not None:
                progress(job, processed=F("processed") + len(rows))
    Campaign.objects.filter(pk=campaign.pk).update(queued=Coalesce(F("queued"), 0) + queued)
    return queued
