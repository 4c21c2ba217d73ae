"""The sources of the defect register (缺陷登记): complaints with a defect type, and whatever higher
apps register (warranty repairs: ``repairs.apps``). Complaints cannot import those apps; each
registers a ``DefectSource`` in its AppConfig.ready(), as for ``complaints.links``.

A source names a scoped queryset (``rows(user)``, always ``visible_to(user)``) and the paths from
its model to the defect type, the project, the building, the unit and the date. The register
(``complaints.reports.defects``) filters every source the same way and aggregates a UNION ALL of
their rows in SQL (``union_sql``), so the distinct units affected count a unit once across sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet, Value
from django.db.models.fields import IntegerField

# The columns every source's rows take in the union, in this order.
COLUMNS = ("d_source", "d_type", "d_project", "d_building", "d_unit", "d_at")


@dataclass(frozen=True)
class DefectSource:
    key: str  # a stable code: "complaints", "repairs" (API field names)
    label: Callable[[], str]  # the translated column heading, e.g. lambda: _("repairs")
    rows: Callable[..., QuerySet]  # rows(user) -> the records the user sees
    type: str  # paths from the model: the defect type id, ...
    project: str
    building: str
    unit: str
    at: str


_sources: list[DefectSource] = []


def register(source: DefectSource) -> DefectSource:
    if all(existing.key != source.key for existing in _sources):
        _sources.append(source)
    return source


def sources() -> list[DefectSource]:
    return list(_sources)


def typed_rows(
    source: DefectSource,
    *,
    user,
    since: datetime,
    until: datetime,
    project_id=None,
    building_id=None,
    with_unit: bool = False,
) -> QuerySet:
    """The source's records with a defect type dated in [since, until) that ``user`` sees, of one
    project or building when given (and with a unit when ``with_unit``)."""
    queryset = source.rows(user).filter(
        **{f"{source.type}__isnull": False, f"{source.at}__gte": since, f"{source.at}__lt": until}
    )
    if with_unit:
        queryset = queryset.filter(**{f"{source.unit}__isnull": False})
    if project_id is not None:
        queryset = queryset.filter(**{source.project: project_id})
    if building_id is not None:
        queryset = queryset.filter(**{source.building: building_id})
    return queryset


def union_sql(*, columns: tuple[str, ...], **filters) -> tuple[str, list]:
    """``SELECT <columns> ... UNION ALL SELECT ...`` over every source (``d_source`` is the source's
    position in ``sources()``), with its parameters: the ORM writes each branch (scoping, joins,
    parameter adaptation); the caller groups the union in SQL."""
    parts, params = [], []
    for index, source in enumerate(_sources):
        paths = {
            "d_source": Value(index, output_field=IntegerField()),
            "d_type": F(source.type),
            "d_project": F(source.project),
            "d_building": F(source.building),
            "d_unit": F(source.unit),
            "d_at": F(source.at),
        }
        queryset = typed_rows(source, **filters).order_by().values(**{name: paths[name] for name in columns})
        sql, branch_params = queryset.query.sql_with_params()
        # Named columns in one order in every branch, whatever order the ORM wrote them in.
        # Only fixed identifiers are formatted in; every value is a parameter.
        select = ", ".join(f"s{index}.{name}" for name in columns if name in COLUMNS)
        parts.append(f"SELECT {select} FROM ({sql}) s{index}")  # noqa: S608
        params.extend(branch_params)
    return " UNION ALL ".join(parts), params
