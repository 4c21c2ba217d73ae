"""Global search (core.search): projects by the start of their name, homes by how people write them
(「3栋1502」, 「四季花城3号楼1502室」). Registered in OrganizationConfig.ready()."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core import search

from .models import Project, Unit
from .rules import building_name_variants, parse_unit_reference


def read_unit_reference(text: str) -> tuple[str, str, str] | None:
    """(project name prefix, building key, unit number) from 「3栋1502」 (no project) or
    「四季花城3栋1502」 / 「四季花城 3-1502」 (the project's name first). None when it is not a home."""
    whole = parse_unit_reference(text)
    if whole is not None:
        return "", *whole
    # The longest tail that reads as a home; what is before it is the start of the project's name.
    for start in range(1, len(text)):
        found = parse_unit_reference(text[start:])
        if found is not None:
            project = text[:start].strip()
            return (project, *found) if project else None
    return None


def unit_condition(text: str, path: str = "") -> Q | None:
    """The filter for the homes ``text`` names, on ``Unit`` (``path=""``) or a model that points to one
    (``path="unit__"``): the building by every name it may be stored under (an indexed ``IN``), the
    unit number exactly. None when the text names no home."""
    found = read_unit_reference(text)
    if found is None:
        return None
    project, key, number = found
    condition = Q(**{f"{path}building__name__in": building_name_variants(key), f"{path}number": number})
    if project:
        condition &= Q(**{f"{path}building__project__name__startswith": project})
    return condition


def _unit_row(unit: Unit) -> search.SearchRow:
    project = unit.building.project
    return search.SearchRow(
        label=f"{project.name} {unit.building.name} {unit.number}",
        detail=" · ".join([project.company.name, unit.layout, f"{unit.area} m²"]),
        url=reverse("project-detail", args=[project.pk]),
    )


def _project_row(project: Project) -> search.SearchRow:
    return search.SearchRow(
        label=project.name,
        detail=" · ".join(part for part in (project.company.name, project.address) if part),
        url=reverse("project-detail", args=[project.pk]),
    )


def search_organisation(request, query: str):
    user = request.user
    condition = unit_condition(query)
    if condition is not None:
        if user.has_perm("organization.view_unit"):
            units = (
                Unit.objects.visible_to(user)
                .filter(condition)
                .select_related("building__project__company")
                .order_by("building__project__name", "building__name", "id")
            )
            rows, _more = search.first_rows(units, _unit_row)
            yield search.SearchGroup(key="units", title=_("Homes"), rows=rows, order=30)
        return  # a home's reference is no project's name
    if user.has_perm("organization.view_project"):
        # Projects are a small table (a few hundred rows): a prefix on the name needs no index of its own.
        projects = (
            Project.objects.visible_to(user)
            .filter(name__istartswith=query)
            .select_related("company")
            .order_by("name", "id")
        )
        rows, _more = search.first_rows(projects, _project_row)
        yield search.SearchGroup(key="projects", title=_("Projects"), rows=rows, order=40)
