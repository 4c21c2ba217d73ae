"""The complaint's choices and the labels of its reason codes (stable lowercase codes, translated
labels). ``complaints.models`` re-exports them, so callers import them from there."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Customer-service hotline")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("Email")
    ONLINE_FORM = "online_form", _("Online form")
    FORUM = "forum", _("Complaint forum")
    LETTER = "letter", _("Letter")
    MEDIA = "media", _("Media")
    CHAIRMAN = "chairman", _("Chairman's complaint column")
    GOVERNMENT = "government", _("Government referral")


class ExternalSource(models.TextChoices):
    """Who referred a government-channel complaint (the authority that holds the case)."""

    HOTLINE_12345 = "12345", _("12345 citizen hotline")
    HOUSING_BUREAU = "housing_bureau", _("Housing bureau")
    CITY_PLATFORM = "city_platform", _("City platform")
    OTHER = "other", _("Other authority")


class ExternalVerdict(models.TextChoices):
    """The authority's judgement of our handling (办结 or sent back to be redone)."""

    ACCEPTED = "accepted", _("Accepted by the authority")
    SENT_BACK = "sent_back", _("Sent back by the authority")


class Category(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction quality")
    DESIGN = "design", _("Planning and design")
    SALES = "sales", _("Sales management")
    PROPERTY = "property", _("Property management")
    SERVICE = "service", _("Customer service")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Waiting on the complainant")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Litigation(models.TextChoices):
    NONE = "none", _("None")
    POSSIBLE = "possible", _("Possible")
    FILED = "filed", _("Filed")


class Media(models.TextChoices):
    NONE = "none", _("None")
    POSSIBLE = "possible", _("Possible")
    EXPOSED = "exposed", _("Exposed")


class Department(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    DESIGN = "design", _("Design")
    SALES = "sales", _("Sales")
    PROPERTY = "property", _("Property management")
    CUSTOMER_SERVICE = "customer_service", _("Customer-relations centre")
    OTHER = "other", _("Other")


TIER_REASON_LABELS = {
    "litigation_filed": _("Already in litigation"),
    "media_exposed": _("Already exposed by the media"),
    "collective_10_or_more": _("Collective complaint of 10 or more people"),
    "same_issue_10_complainants": _(
        "10 or more complainants about the same issue within a month (mass complaint)"
    ),
    "unresolved_one_month": _("Not resolved one month after it was made (company side)"),
    "litigation_possible": _("May lead to litigation"),
    "media_possible": _("May lead to media exposure"),
    "same_issue_3_complainants": _("3 or more complainants about the same issue within a month"),
    "collective_3_or_more": _("Collective complaint of 3 or more people"),
    "unresolved_one_week": _("Not resolved one week after it was made (company side)"),
    "second_complaint": _("Second complaint after handling"),
    "needs_outside_support": _("Needs consultants or other group companies"),
    "government_referral": _("Referred by a government authority"),
}


class FollowsReason(models.TextChoices):
    """Why intake linked a complaint as the second complaint of a handled one (blank: typed by staff)."""

    SAME_CUSTOMER = "same_customer", _("Same owner")
    SAME_UNIT = "same_unit", _("Same unit")


class CallbackOutcome(models.TextChoices):
    """What a call-back (回访) after resolving found; nothing is pre-selected (rules.CALLBACK_OUTCOMES)."""

    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    UNREACHABLE = "unreachable", _("Could not be reached")


# Why a complaint could close, recorded in the reasons of its close event (rules.closing_basis).
CLOSING_BASIS_LABELS = {
    "callback_satisfied": _("Satisfied at the call-back"),
    "owner_confirmed": _("Confirmed by the complainant"),
    "callback_unreachable_3_times": _("Not reached in three call-backs"),
}


class Tier(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    HOT = "hot", _("Hot")
    MAJOR = "major", _("Major")


# Tiers from the most serious down: the order of every table, chart and export that lists tiers
# (major → hot → important → normal), the same order as ``rules.TIER_RANK`` from the top.
TIER_ORDER = (Tier.MAJOR, Tier.HOT, Tier.IMPORTANT, Tier.NORMAL)
