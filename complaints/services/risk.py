"""Risk after intake: the facts of the tier table that change later (litigation, media, number of
complainants, outside support), and the risk signals read from what owners and staff write, which
staff confirm (setting the fact) or dismiss; a signal nobody decides within a day goes to the
company's managers (``risk_signals_notify_due``, the beat sweep).

Lock order, as everywhere in complaints: the complaint row first, then its signal rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from organization import access

from .. import rules
from ..models import Complaint, ComplaintEvent, Litigation, Media, RiskSignal, RiskWord, SignalKind, Status
from .escalation import evaluate, facts_for
from .notifications import _notify_people

FACT_FIELDS = ("litigation", "media", "complainant_count", "needs_outside_support")


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _risk_facts(complaint: Complaint) -> rules.RiskFacts:
    return rules.RiskFacts(**{name: getattr(complaint, name) for name in FACT_FIELDS})


def _refuse_closed(complaint: Complaint) -> None:
    if complaint.status == Status.CLOSED:
        raise Conflict(
            _(
                "The complaint is closed: its risk facts can no longer change. A new complaint about "
                "the same thing is a second complaint."
            ),
            code="complaint_closed",
        )


def _check_count(complainant_count: int) -> None:
    if (
        isinstance(complainant_count, bool)
        or not isinstance(complainant_count, int)
        or not 1 <= complainant_count <= rules.MAX_COMPLAINANTS
    ):
        raise DomainError(
            _("The number of complainants must be a whole number from 1 to %(max)d.")
            % {"max": rules.MAX_COMPLAINANTS},
            code="invalid_complainant_count",
        )


def _check_facts(*, litigation, media, complainant_count, needs_outside_support) -> None:
    if litigation is not None and litigation not in Litigation.values:
        raise DomainError(_("Choose litigation: none, possible or filed."), code="invalid_litigation")
    if media is not None and media not in Media.values:
        raise DomainError(_("Choose media exposure: none, possible or exposed."), code="invalid_media")
    if complainant_count is not None:
        _check_count(complainant_count)
    if needs_outside_support is not None and not isinstance(needs_outside_support, bool):
        raise DomainError(_("Say yes or no to outside support."), code="invalid_outside_support")


def _apply_facts(complaint: Complaint, changes: dict, *, note: str, by, now) -> ComplaintEvent:
    """Write the new facts and their event (old → new), then re-evaluate the tier: it rises by the
    table and never falls here. Open signals the new facts already answer are confirmed with them.
    The caller holds the complaint's row lock."""
    before, _reasons = rules.tier_for(facts_for(complaint, now))
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.FACTS,
        by=by,
        reasons=[
            {"fact": name, "from": getattr(complaint, name), "to": value} for name, value in changes.items()
        ],
        note=note,
    )
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save(update_fields=list(changes))
    after, _reasons = rules.tier_for(facts_for(complaint, now))
    # Only a rise the new facts caused is theirs; otherwise the rules run as after any change.
    evaluate(complaint, now=now, by=by if rules.higher(after, before) else None)
    facts = _risk_facts(complaint)
    covered = [signal for signal in rules.RISK_SIGNALS if rules.signal_covered(signal, facts)]
    complaint.risk_signals.filter(state=RiskSignal.State.OPEN, signal__in=covered).update(
        state=RiskSignal.State.CONFIRMED, decided_by=by, decided_at=now, reason=note[:500], notify_due_at=None
    )
    return event


@transaction.atomic
def complaint_set_facts(
    *,
    complaint: Complaint,
    by,
    note: str,
    litigation: str | None = None,
    media: str | None = None,
    complainant_count: int | None = None,
    needs_outside_support: bool | None = None,
) -> Complaint:
    """Change the risk facts of the tier table after intake (a fact left out, or None, stays as it
    is). The tier is re-evaluated and rises, notifying as at intake; it never falls here (lowering
    is a manager's decision). Holds the complaint's row lock."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the risk facts changed."), code="note_required")
    given = {
        "litigation": litigation,
        "media": media,
        "complainant_count": complainant_count,
        "needs_outside_support": needs_outside_support,
    }
    _check_facts(**given)
    complaint = _lock(complaint)
    _refuse_closed(complaint)
    changes = {
        name: value
        for name, value in given.items()
        if value is not None and value != getattr(complaint, name)
    }
    if not changes:
        raise DomainError(_("Nothing changed: the risk facts are already as given."), code="nothing_changed")
    _apply_facts(complaint, changes, note=note, by=by, now=timezone.now())
    return complaint


# --- Signals read from the text ------------------------------------------------------------------


def install_default_risk_words() -> int:
    """The default words and exceptions (DOMAIN.md, "Risk wording"), added after every migrate and
    flush; words the group centre deactivated stay deactivated (one row per signal and word)."""
    created = RiskWord.objects.bulk_create(
        [
            RiskWord(signal=signal, word=word, is_exception=is_exception)
            for table, is_exception in (
                (rules.DEFAULT_RISK_WORDS, False),
                (rules.DEFAULT_RISK_EXCEPTIONS, True),
            )
            for signal, words in table.items()
            for word in words
        ],
        ignore_conflicts=True,
    )
    risk_words_changed()
    return len(created)


# Read on every intake and message; edited a few times a year. An edit clears the entry at once in
# the process that made it (and everywhere with the shared Redis cache); a per-process cache (the
# embedded default) catches up within the timeout.
VOCABULARY_CACHE_KEY = "complaints:risk-vocabulary"
VOCABULARY_CACHE_SECONDS = 60


def risk_vocabulary() -> rules.RiskVocabulary:
    """The active risk words and exceptions, as the group centre keeps them in the admin."""
    vocabulary = cache.get(VOCABULARY_CACHE_KEY)
    if vocabulary is None:
        words: dict[str, list[str]] = defaultdict(list)
        exceptions: dict[str, list[str]] = defaultdict(list)
        for signal, word, is_exception in RiskWord.objects.filter(active=True).values_list(
            "signal", "word", "is_exception"
        ):
            (exceptions if is_exception else words)[signal].append(word)
        vocabulary = rules.RiskVocabulary(words=dict(words), exceptions=dict(exceptions))
        cache.set(VOCABULARY_CACHE_KEY, vocabulary, VOCABULARY_CACHE_SECONDS)
    return vocabulary


def risk_words_changed(**kwargs) -> None:
    """Forget the cached vocabulary (connected to RiskWord's save and delete, and run by the installer)."""
    cache.delete(VOCABULARY_CACHE_KEY)


def risk_signals_read(*, complaint: Complaint, text: str, source: str, now=None) -> list[RiskSignal]:
    """Read ``text`` (the complaint at intake, a message from the complainant, a staff note) for risk
    signals and record them: a new signal opens with a day to decide it; words seen again add to an
    open signal; a dismissed signal opens again only for words it has not seen (the same words were
    already judged); a confirmed one stays confirmed. A signal whose fact the complaint already has
    is not raised. Closed complaints are not read: nothing can be confirmed on them. Returns the
    signals opened or added to."""
    found = rules.risk_signals_in(text, risk_vocabulary())
    if not found:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _lock(complaint)
        if complaint.status == Status.CLOSED:
            return []
        facts = _risk_facts(complaint)
        existing = {row.signal: row for row in complaint.risk_signals.select_for_update()}
        touched = []
        for signal, words in found.items():
            row = existing.get(signal)
            if row is None:
                if rules.signal_covered(signal, facts):
                    continue
                touched.append(
                    RiskSignal.objects.create(
                        complaint=complaint,
                        signal=signal,
                        words=words,
                        source=source,
                        at=now,
                        notify_due_at=now + rules.RISK_SIGNAL_NOTIFY_AFTER,
                    )
                )
                continue
            new_words = [word for word in words if word not in row.words]
            if not new_words or row.state == RiskSignal.State.CONFIRMED:
                continue
            if row.state == RiskSignal.State.DISMISSED:
                if rules.signal_covered(signal, facts):
                    continue
                row.state, row.at, row.source = RiskSignal.State.OPEN, now, source
                row.decided_by, row.decided_at, row.reason = None, None, ""
                row.notify_due_at, row.manager_notified_at = now + rules.RISK_SIGNAL_NOTIFY_AFTER, None
            row.words = [*row.words, *new_words]
            row.save()
            touched.append(row)
    return touched


def _lock_signal(signal: RiskSignal) -> tuple[Complaint, RiskSignal]:
    complaint = _lock(signal.complaint)
    signal = RiskSignal.objects.select_for_update().get(pk=signal.pk)
    if signal.state != RiskSignal.State.OPEN:
        raise Conflict(
            _("This risk signal was already decided: %(state)s.") % {"state": signal.get_state_display()},
            code="signal_decided",
        )
    return complaint, signal


def _decide(complaint: Complaint, signal: RiskSignal, *, state: str, note: str, by) -> None:
    now = timezone.now()
    signal.state, signal.decided_by, signal.decided_at = state, by, now
    signal.reason, signal.notify_due_at = note[:500], None
    signal.save(update_fields=["state", "decided_by", "decided_at", "reason", "notify_due_at"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.RISK_SIGNAL,
        by=by,
        reasons=[{"signal": signal.signal, "state": state, "words": signal.words}],
        note=note,
    )


@transaction.atomic
def risk_signal_confirm(
    *, signal: RiskSignal, by, note: str = "", complainant_count: int | None = None
) -> RiskSignal:
    """Staff agree with the signal: the fact it stands for is set through the facts (and the tier
    re-evaluated) unless the complaint already says as much. A collective signal needs the number of
    complainants. Holds the complaint's row lock, then the signal's."""
    complaint, signal = _lock_signal(signal)
    _refuse_closed(complaint)
    if signal.signal == rules.COLLECTIVE:
        if complainant_count is None:
            raise DomainError(
                _("Give the number of complainants to confirm a collective complaint."),
                code="complainant_count_required",
            )
        _check_count(complainant_count)
        if complainant_count < rules.COLLECTIVE_MIN_COMPLAINANTS:
            raise DomainError(
                _("A collective complaint has at least %(min)d complainants.")
                % {"min": rules.COLLECTIVE_MIN_COMPLAINANTS},
                code="invalid_complainant_count",
            )
    note = (note or "").strip()
    changes = rules.fact_raised_by(signal.signal, _risk_facts(complaint), complainant_count=complainant_count)
    _decide(complaint, signal, state=RiskSignal.State.CONFIRMED, note=note, by=by)
    if changes:
        confirmed = _("Confirmed the risk signal “%(signal)s” (%(words)s).") % {
            "signal": SignalKind(signal.signal).label,
            "words": "、".join(signal.words),
        }
        _apply_facts(
            complaint,
            changes,
            note="\n".join(filter(None, [str(confirmed), note])),
            by=by,
            now=timezone.now(),
        )
    return signal


@transaction.atomic
def risk_signal_dismiss(*, signal: RiskSignal, by, reason: str) -> RiskSignal:
    """Staff judge the signal wrong (「大家」 was a greeting, the lawyer is the owner's job), with a
    reason. Allowed on closed complaints too, so that nothing is left open there."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for dismissing the risk signal."), code="reason_required")
    if len(reason) > 500:
        raise DomainError(_("Keep the reason under 500 characters."), code="reason_too_long")
    complaint, signal = _lock_signal(signal)
    _decide(complaint, signal, state=RiskSignal.State.DISMISSED, note=reason, by=by)
    return signal


# --- The day's grace: undecided signals go to the company's managers -------------------------------


def _undecided_message(signal: RiskSignal) -> str:
    return str(
        _(
            "Complaint %(number)s: nobody has confirmed or dismissed the risk signal “%(signal)s” "
            "(%(words)s) for %(hours)d hours."
        )
        % {
            "number": signal.complaint.number,
            "signal": SignalKind(signal.signal).label,
            "words": "、".join(signal.words)[:60],
            "hours": int(rules.RISK_SIGNAL_NOTIFY_AFTER.total_seconds() // 3600),
        }
    )


def risk_signals_notify_due(*, as_of=None, batch_size: int = 500) -> int:
    """The sweep (beat): tell the company's managers about each signal left undecided for a day,
    once. Reads only rows with a due time (partial index), in batches, skipping rows another worker
    holds; a notified row loses its due time in the same transaction, so a second run finds nothing."""
    as_of = as_of or timezone.now()
    seen: set[int] = set()
    notified = 0
    while True:
        with transaction.atomic():
            batch = list(
                RiskSignal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(notify_due_at__lte=as_of)
                .exclude(pk__in=seen)
                .select_related("complaint")
                .order_by("notify_due_at")[:batch_size]
            )
            if not batch:
                return notified
            for signal in batch:
                seen.add(signal.pk)
                _notify_people(
                    signal.complaint,
                    access.company_managers(signal.complaint.company_id),
                    _undecided_message(signal),
                )
                signal.notify_due_at, signal.manager_notified_at = None, as_of
                signal.save(update_fields=["notify_due_at", "manager_notified_at"])
                notified += 1
