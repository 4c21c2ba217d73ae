"""The complaint page's risk section and the timeline lines of risk events, so that the page view
needs nothing of its own for them: ``{% risk_panel complaint %}`` and ``{% risk_event event %}``."""

from django import template
from django.utils.translation import gettext as _

from ..models import Complaint, Litigation, Media, RiskSignal, SignalKind, Status
from ..risk_views import FactsForm, SignalConfirmForm, SignalDismissForm
from ..services.risk import FACT_FIELDS

register = template.Library()


@register.inclusion_tag("complaints/_risk.html", takes_context=True)
def risk_panel(context, complaint: Complaint) -> dict:
    can_change = context["request"].user.has_perm("complaints.change_complaint")
    signals = list(complaint.risk_signals.select_related("decided_by"))
    return {
        "complaint": complaint,
        "can_change": can_change,
        "can_set_facts": can_change and complaint.status != Status.CLOSED,
        # One pair of forms per signal, each with its own field ids.
        "signals": [
            (
                signal,
                SignalConfirmForm(auto_id=f"id_signal{signal.pk}_%s"),
                SignalDismissForm(auto_id=f"id_signal{signal.pk}_%s"),
            )
            for signal in signals
        ],
        "facts_form": FactsForm(
            auto_id="id_facts_%s",
            initial={name: getattr(complaint, name) for name in FactsForm.base_fields if name != "note"},
        ),
        "csrf_token": context.get("csrf_token"),
    }


def _fact_value(name: str, value) -> str:
    if name == "litigation" and value in Litigation.values:
        return str(Litigation(value).label)
    if name == "media" and value in Media.values:
        return str(Media(value).label)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@register.inclusion_tag("complaints/_risk_event.html")
def risk_event(event) -> dict:
    """The old → new facts of a facts event, or the signal and decision of a signal event."""
    lines = []
    for item in event.reasons if isinstance(event.reasons, list) else []:
        if not isinstance(item, dict):
            continue
        fact = item.get("fact")
        if fact in FACT_FIELDS:
            before, after = _fact_value(fact, item.get("from")), _fact_value(fact, item.get("to"))
            lines.append(f"{Complaint._meta.get_field(fact).verbose_name}: {before} → {after}")
        elif item.get("signal") in SignalKind.values:
            state = item.get("state")
            state_label = RiskSignal.State(state).label if state in RiskSignal.State.values else state
            words = "、".join(item.get("words") or [])
            lines.append(f"{SignalKind(item['signal']).label}（{words}）: {state_label}")
    return {"lines": lines}
