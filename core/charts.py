"""Server-side SVG charts: nothing loads from a CDN, and the charts print."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TIER_COLOURS = {"normal": "#94a3b8", "important": "#f59e0b", "hot": "#f97316", "major": "#dc2626"}
BAR_COLOUR = "#c8102e"


def horizontal_bars(rows: list[tuple[str, float]], *, unit: str = "", width: int = 520) -> SafeString:
    """One bar per (label, value), longest first as given."""
    if not rows:
        return mark_safe("")
    label_width, bar_height, gap = 150, 18, 8
    peak = max(value for _label, value in rows) or 1
    height = len(rows) * (bar_height + gap)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value) in enumerate(rows):
        y = index * (bar_height + gap)
        length = (width - label_width - 70) * value / peak
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 13}" font-size="12">'
            f"{value:g}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped


def stacked_columns(columns: list[dict], series: list[tuple[str, str]], *, width: int = 720) -> SafeString:
    """One column per period (``columns[i]["month"]``), stacked by ``series`` (key, label)."""
    if not columns:
        return mark_safe("")
    height, bottom, legend = 220, 30, 24
    peak = max(sum(column[key] for key, _label in series) for column in columns) or 1
    slot = width / len(columns)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height + legend}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, column in enumerate(columns):
        x, top = index * slot + slot * 0.15, height - bottom
        for key, _label in series:
            size = (height - bottom - 10) * column[key] / peak
            top -= size
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{size:.1f}" '
                f'fill="{TIER_COLOURS.get(key, BAR_COLOUR)}"><title>{escape(column["month"])} '
                f"{escape(str(_label))}: {column[key]}</title></rect>"
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" font-size="10">{escape(column["month"][2:])}</text>'
        )
    for index, (key, label) in enumerate(series):
        parts.append(
            f'<rect x="{index * 110}" y="{height + 6}" width="12" height="12" '
            f'fill="{TIER_COLOURS.get(key, BAR_COLOUR)}"/>'
            f'<text x="{index * 110 + 16}" y="{height + 16}" font-size="12">{escape(str(label))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped
