import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Building, CalendarDay, Company, Holding, Project, Region, Unit
from .rules import CompanyCalendars, WorkingCalendar


@dataclass
class CompanyNode:
    company: Company
    projects: list[Project] = field(default_factory=list)


@dataclass
class RegionNode:
    region: Region
    companies: list[CompanyNode] = field(default_factory=list)


@dataclass
class HoldingNode:
    holding: Holding
    regions: list[RegionNode] = field(default_factory=list)


def organisation_tree(*, user) -> list[HoldingNode]:
    """The group → region → company → project tree the user may see, in three queries."""
    companies = (
        Company.objects.visible_to(user)
        .select_related("region__holding")
        .order_by("region__holding_id", "region_id", "name")
    )
    projects = (
        Project.objects.visible_to(user)
        .annotate(building_count=Count("buildings", distinct=True), unit_count=Count("buildings__units"))
        .order_by("name")
    )
    projects_by_company: dict[int, list[Project]] = {}
    for project in projects:
        projects_by_company.setdefault(project.company_id, []).append(project)

    holdings: dict[int, HoldingNode] = {}
    regions: dict[int, RegionNode] = {}
    for company in companies:
        region = company.region
        holding_node = holdings.setdefault(region.holding_id, HoldingNode(region.holding))
        if region.id not in regions:
            regions[region.id] = RegionNode(region)
            holding_node.regions.append(regions[region.id])
        regions[region.id].companies.append(CompanyNode(company, projects_by_company.get(company.id, [])))
    return list(holdings.values())


def project_with_units(*, user, project_id: int) -> Project:
    """One project and all its buildings and units; raises Project.DoesNotExist outside the user's scope."""
    buildings = (
        Building.objects.select_related("customer_manager")
        .order_by("name")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("floor", "number")))
    )
    return (
        Project.objects.visible_to(user)
        .select_related("company__region", "duty_handler", "customer_manager")
        .prefetch_related(Prefetch("buildings", queryset=buildings))
        .get(pk=project_id)
    )


_NATURAL = re.compile(r"(\d+)")


def _natural(text: str) -> list:
    """「2栋」 before 「10栋」, 「902」 before 「1201」."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _NATURAL.split(text)]


def project_homes_json(projects, project_id: int) -> str | None:
    """The project's buildings and their unit numbers as JSON (names and numbers only), for the
    building and unit pickers of the owner and staff forms; None when ``projects`` (everything for
    owners, what the user sees for staff) has no such project. One query when the project has
    buildings (buildings left-joined to their units)."""
    units: dict[str, list[str]] = {}
    rows = Building.objects.filter(project_id=project_id, project__in=projects).values_list(
        "name", "units__number"
    )
    for name, number in rows:
        units.setdefault(name, [])
        if number is not None:
            units[name].append(number)
    if not units and not projects.filter(pk=project_id).exists():
        return None
    buildings = [
        {"name": name, "units": sorted(numbers, key=_natural)}
        for name, numbers in sorted(units.items(), key=lambda item: _natural(item[0]))
    ]
    return json.dumps({"buildings": buildings}, ensure_ascii=False, separators=(",", ":"))


def unit_for_user(*, user, unit_id: int) -> Unit:
    return Unit.objects.visible_to(user).select_related("building__project__company").get(pk=unit_id)


def units_for_export(*, user, project_id: int):
    return (
        Unit.objects.visible_to(user)
        .filter(building__project_id=project_id)
        .select_related("building__project")
        .order_by("building__name", "floor", "number")
    )


CALENDAR_CACHE_KEY = "organization:calendar-days"
CALENDAR_CACHE_SECONDS = 60  # a per-process cache catches up with an edit elsewhere within this


def _calendar_days() -> dict[int | None, dict]:
    """Every calendar's days (company id or None → day → working), from the cache or one query: the
    table is small (the group's holidays and a few days per company a year). Edits forget it."""
    days = cache.get(CALENDAR_CACHE_KEY)
    if days is None:
        days = {}
        for company_id, day, working in CalendarDay.objects.values_list("company_id", "day", "working"):
            days.setdefault(company_id, {})[day] = working
        cache.set(CALENDAR_CACHE_KEY, days, CALENDAR_CACHE_SECONDS)
    return days


def working_calendars(company_ids: Iterable[int | None] = ()) -> CompanyCalendars:
    """The working-day calendars of these companies (and the group's default), read once: what a
    request or a sweep hands to every clock it computes (no query per complaint)."""
    days = _calendar_days()
    group = WorkingCalendar(days.get(None, {}))
    return CompanyCalendars(
        group,
        {
            company_id: group.overridden_by(days[company_id])
            for company_id in set(company_ids)
            if company_id is not None and company_id in days
        },
    )


def working_calendar(company_id: int | None) -> WorkingCalendar:
    """One company's working-day calendar."""
    return working_calendars([company_id]).for_company(company_id)


# --- The home a person names ---------------------------------------------------------------------


class HomeNotFound(Exception):
    def __init__(self, field: str, message):
        super().__init__(message)
        self.field, self.message = field, message


def find_home(project: Project, building_text: str, unit_text: str) -> Unit | None:
    """The unit a person means (an owner on a public form, staff typing what a caller says), or None
    when they named none; ``HomeNotFound`` (with the field to
    mark) when the project has no such building or unit. Two queries: the project's buildings (a few
    dozen names), then the unit of the one that matches."""
    building_text, unit_text = building_text.strip(), unit_text.strip()
    if not building_text and not unit_text:
        return None
    if not unit_text or not building_text:
        reference = rules.parse_unit_reference(building_text or unit_text)
        if reference is None:
            if building_text:
                raise HomeNotFound(
                    "unit_number", _("Enter the unit number too, or leave the building empty.")
                )
            raise HomeNotFound("building", _("Enter the building too, or leave the unit number empty."))
        building_key, number = reference
    else:
        building_key, number = rules.building_key(building_text), rules.unit_number_key(unit_text)
    buildings = [
        (pk, name)
        for pk, name in Building.objects.filter(project=project).values_list("pk", "name")
        if rules.building_key(name) == building_key
    ]
    if not buildings:
        raise HomeNotFound(
            "building",
            _("%(project)s has no building “%(building)s”. Check the number, or leave it empty.")
            % {"project": project.name, "building": building_text or unit_text},
        )
    unit = (
        Unit.objects.filter(building_id__in=[pk for pk, _name in buildings], number__iexact=number)
        .select_related("building")
        .first()
    )
    if unit is None:
        raise HomeNotFound(
            "unit_number",
            _("Building %(building)s has no unit “%(unit)s”. Check the number, or leave it empty.")
            % {"building": buildings[0][1], "unit": unit_text or number},
        )
    return unit
