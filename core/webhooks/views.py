"""The staff page of webhooks: a company's subscriptions and their delivery log, with 「重新发送」.
For company managers and the group centre (``core.resend_webhookdelivery``); integrators use the API."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.staff import staff_ui
from core.webhook_models import WebhookDelivery, WebhookSubscription

from . import services

PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@staff_ui
@permission_required(services.RESEND, raise_exception=True)
@require_http_methods(["GET", "POST"])
def webhooks_page(request):
    if request.method == "POST":
        delivery_id = _int(request.POST.get("delivery"))
        try:
            if delivery_id is None:
                raise DomainError(_("No such delivery."), code="not_found")
            services.delivery_resend(user=request.user, delivery_id=delivery_id)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The delivery will be sent again."))
        query = {key: request.POST[key] for key in ("subscription", "status") if request.POST.get(key)}
        return redirect(reverse("webhooks") + (f"?{urlencode(query)}" if query else ""))

    subscriptions = list(
        WebhookSubscription.objects.visible_to(request.user).select_related("company").order_by("-id")[:200]
    )
    chosen = _int(request.GET.get("subscription"))
    status = request.GET.get("status") if request.GET.get("status") in WebhookDelivery.Status.values else ""
    deliveries = WebhookDelivery.objects.visible_to(request.user).select_related("subscription")
    if chosen:
        deliveries = deliveries.filter(subscription_id=chosen)
    if status:
        deliveries = deliveries.filter(status=status)
    context = {
        "subscriptions": subscriptions,
        "deliveries": list(deliveries.order_by("-id")[:PAGE_SIZE]),
        "chosen": chosen,
        "status": status,
        "statuses": WebhookDelivery.Status.choices,
        "finished": {WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED},
    }
    return render(request, "core/webhooks.html", context)
