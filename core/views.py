from django.core import signing
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from organization.views import staff_ui

from . import outbox
from .jobs import job_for
from .models import Job


def _own_job(request, job_id: int) -> Job:
    try:
        return job_for(user=request.user, job_id=job_id)
    except Job.DoesNotExist:
        raise Http404 from None


@staff_ui
def job_detail(request, job_id: int):
    return render(request, "core/job.html", {"job": _own_job(request, job_id)})


@staff_ui
@require_GET
def job_status(request, job_id: int):
    job = _own_job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "total": job.total,
            "processed": job.processed,
            "created": job.created_count,
            "updated": job.updated_count,
            "errors": job.error_count,
            "finished": job.finished,
        }
    )


@staff_ui
def job_download(request, job_id: int):
    job = _own_job(request, job_id)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )


TOPIC_LABELS = {
    "greetings": _("birthday and holiday greetings"),
    "member_news": _("club news, offers and events"),
    "survey": _("satisfaction surveys"),
}


def unsubscribe(request, token: str):
    """The link at the end of a message: GET asks, POST records the opt-out (mail scanners that
    follow links must not unsubscribe anyone)."""
    try:
        key, topic = outbox.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "core/unsubscribe.html", {"invalid": True}, status=404)
    context = {"topic_label": TOPIC_LABELS.get(topic, topic), "token": token}
    if request.method == "POST":
        outbox.unsubscribe(key=key, topic=topic)
        context["done"] = True
    return render(request, "core/unsubscribe.html", context)
