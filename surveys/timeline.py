from django.db.models import Avg
from django.utils.translation import gettext as _

from customers.timeline import TimelineEntry

from .models import Respondent


def surveys_of(customer, user, limit):
    """Completed satisfaction surveys of the customer, with their mean score (one query)."""
    completed = (
        Respondent.objects.visible_to(user)
        .filter(customer=customer, status=Respondent.Status.COMPLETED)
        .select_related("plan")
        .annotate(mean_score=Avg("answers__score"))
        .order_by("-completed_at")[:limit]
    )
    for respondent in completed:
        score = f"{respondent.mean_score:.1f}" if respondent.mean_score is not None else "—"
        yield TimelineEntry(
            at=respondent.completed_at,
            kind="survey",
            title=_("Answered the survey %(name)s") % {"name": respondent.plan},
            body=_("Mean score %(score)s of 100 (%(method)s)")
            % {"score": score, "method": respondent.get_method_display()},
        )
