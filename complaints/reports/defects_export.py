"""The 客户缺陷手册's workbook: one sheet per project-age band with the quarter's top defect types
(``core.exports`` writes the cells)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Chart, Section, sections_to_xlsx

from .. import rules
from . import defects as queries

TOP_IN_HANDBOOK = 20


def _band_title(band: str) -> str:
    if band == rules.NOT_DELIVERED:
        return _("Not delivered yet")
    return _("%(band)s years since first handover") % {"band": band}


def top_defects_xlsx(*, user, since: date, until: date, label: str) -> bytes:
    bands = queries.top_defects(user=user, since=since, until=until, limit=TOP_IN_HANDBOOK)
    header = [
        _("code"),
        _("defect type"),
        _("parent type"),
        _("complaints"),
        _("units affected"),
        _("projects"),
        _("share (%)"),
    ]
    preamble = [
        [_("Customer defect handbook"), label],
        [_("Period"), since, until - timedelta(days=1)],
        [_("Generated at"), timezone.now()],
    ]
    sections = [
        Section(
            _band_title(band),
            header,
            [
                [row.code, row.name, row.parent_name, row.complaints, row.units, row.projects, row.share]
                for row in rows
            ],
            Chart("bar", _band_title(band), value_column=4, label_column=2) if rows else None,
        )
        for band, rows in bands.items()
    ]
    return sections_to_xlsx(sections, preamble=preamble)
