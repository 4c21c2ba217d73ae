"""Server-side SVG charts: nothing loads from a CDN, and the charts print.

The charts are drawn in CSS pixels, without a ``viewBox``: widths and x positions are percentages
of the chart's width, heights and font sizes are pixels. A chart therefore fills a phone's column
or a desktop card without scaling its text (a scaled 520-pixel chart on a 340-pixel phone column
shrank 12-pixel labels to 8). Each chart is one image to assistive technology: ``label`` names it
and the accessible name also carries every figure, so nothing is only in the picture.
"""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TIER_COLOURS = {"normal": "#94a3b8", "important": "#f59e0b", "hot": "#f97316", "major": "#dc2626"}
BAR_COLOUR = "#c8102e"
FONT_SIZE = 12  # pixels, at every width (accessibility: chart text at least 11 pixels)
_SVG = 'xmlns="http://www.w3.org/2000/svg"'


def _open(css_class: str, height: int, name: str) -> str:
    return (
        f'<svg class="chart {css_class}" role="img" aria-label="{escape(name)}" width="100%" '
        f'height="{height}" {_SVG}>'
    )


def horizontal_bars(
    rows: list[tuple[str, float]], *, label: str, unit: str = "", colours: Sequence[str] = ()
) -> SafeString:
    """One bar per (label, value) in the order given: the label and the value on one line, the bar
    below it, as long as the value's share of the largest. ``colours`` colour the bars in row order
    (the tier colours for tiers); the rest are the accent colour."""
    if not rows:
        return mark_safe("")
    line, bar, gap = 16, 12, 10
    step = line + bar + gap
    peak = max(value for _label, value in rows) or 1
    figures = "；".join(f"{name} {value:g}{unit}" for name, value in rows)
    parts = [_open("bars", len(rows) * step - gap, f"{label}: {figures}")]
    for index, (name, value) in enumerate(rows):
        y = index * step
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="{FONT_SIZE}">{escape(name)}</text>'
            f'<text x="100%" y="{y + 12}" font-size="{FONT_SIZE}" text-anchor="end">'
            f"{value:g}{escape(unit)}</text>"
            f'<rect x="0" y="{y + line}" width="{100 * value / peak:.2f}%" height="{bar}" '
            f'fill="{escape(colours[index] if index < len(colours) else BAR_COLOUR)}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node and attribute above is escaped


def stacked_columns(columns: list[dict], series: list[tuple[str, str]], *, label: str) -> SafeString:
    """One column per month (``columns[i]["month"]``, ``YYYY-MM``), stacked by ``series`` (key, label).
    Under each column its month number; under each January, and under the first column unless a
    January follows at once, also the year."""
    if not columns:
        return mark_safe("")
    plot, axis, legend = 190, 34, 26
    peak = max(sum(column[key] for key, _name in series) for column in columns) or 1
    slot = 100 / len(columns)
    figures = "；".join(
        " ".join([column["month"], *(f"{name} {column[key]}" for key, name in series)]) for column in columns
    )
    parts = [_open("columns", plot + axis + legend, f"{label}: {figures}")]
    for index, column in enumerate(columns):
        x, top = index * slot + slot * 0.15, plot
        for key, name in series:
            size = (plot - 10) * column[key] / peak
            top -= size
            parts.append(
                f'<rect x="{x:.2f}%" y="{top:.1f}" width="{slot * 0.7:.2f}%" height="{size:.1f}" '
                f'fill="{TIER_COLOURS.get(key, BAR_COLOUR)}"><title>{escape(column["month"])} '
                f"{escape(str(name))}: {column[key]}</title></rect>"
            )
        centre = index * slot + slot / 2
        year, _dash, month = column["month"].partition("-")
        parts.append(
            f'<text x="{centre:.2f}%" y="{plot + 14}" font-size="{FONT_SIZE}" text-anchor="middle">'
            f"{escape(month)}</text>"
        )
        if month == "01" or (index == 0 and month != "12"):
            parts.append(
                f'<text x="{centre:.2f}%" y="{plot + 29}" font-size="{FONT_SIZE}" text-anchor="middle">'
                f"{escape(year)}</text>"
            )
    share = 100 / len(series)
    for index, (key, name) in enumerate(series):
        parts.append(
            f'<rect x="{index * share:.2f}%" y="{plot + axis + 6}" width="12" height="12" '
            f'fill="{TIER_COLOURS.get(key, BAR_COLOUR)}"/>'
            f'<text x="{index * share:.2f}%" dx="16" y="{plot + axis + 16}" font-size="{FONT_SIZE}">'
            f"{escape(str(name))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node and attribute above is escaped
