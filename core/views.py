from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as gettext_now
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import DomainError
from core.staff import staff_ui

from . import outbox
from . import search as global_search
from .exports import content_disposition
from .jobs import job_for
from .models import TOPIC_LABELS, Job


def _own_job(request, job_id: int) -> Job:
    try:
        return job_for(user=request.user, job_id=job_id)
    except Job.DoesNotExist:
        raise Http404 from None


@staff_ui
def job_detail(request, job_id: int):
    context = {"job": _own_job(request, job_id), "retention_days": settings.FILE_RETENTION_DAYS}
    return render(request, "core/job.html", context)


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
    stored_name = job.result_file.name.rsplit("/", 1)[-1]
    response = FileResponse(job.result_file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = content_disposition(
        job.params.get("download_name", stored_name),
        fallback=job.params.get("download_fallback", stored_name),
    )
    return response


RESEND = "core.resend_outboundmessage"


@staff_ui
@permission_required(RESEND, raise_exception=True)
@require_http_methods(["GET", "POST"])
def failed_messages(request):
    """Messages the outbox gave up on (five failed attempts), of the manager's company; ticking
    some and re-sending gives them five new attempts."""
    if request.method == "POST":
        try:
            ids = [int(value) for value in request.POST.getlist("message")]
            count = outbox.messages_resend(user=request.user, message_ids=ids)
        except ValueError:
            messages.error(request, gettext_now("Choose the messages to re-send."))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = ngettext(
                "%(count)d message will be sent again.", "%(count)d messages will be sent again.", count
            )
            messages.success(request, text % {"count": count})
        return redirect("failed-messages")
    return render(request, "core/failed_messages.html", {"rows": outbox.failed_messages(user=request.user)})


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


@staff_ui
@require_GET
def search(request):
    """The top bar's search: one box, results grouped by kind. ``format=json`` answers the same
    groups for the box's suggestions (static/js/search.js)."""
    result = global_search.run(request, request.GET.get("q", ""))
    if request.GET.get("format") == "json":
        return JsonResponse(result.as_json())
    return render(
        request,
        "core/search.html",
        {"result": result, "min_length": global_search.MIN_QUERY_LENGTH},
    )
