"""What the accessibility test and ``make screenshots`` check on a page, in one place.

axe-core comes from the ``axe-playwright-python`` package (it ships ``axe.min.js``; nothing is loaded
from a CDN). Playwright evaluates it through the DevTools protocol, which the page's
Content-Security-Policy does not govern, so the policy stays as deployed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = ("serious", "critical")
WIDTHS = (1366, 390)

_axe = Axe()

# Latin words a zh-hans page may show: product and format names, units, the language's own name.
ALLOWED_WORDS = {
    "API",
    "CSV",
    "XLSX",
    "PDF",
    "JPEG",
    "JPG",
    "PNG",
    "HEIC",
    "SMS",
    "OpenAPI",
    "Swagger",
    "English",
    "Celery",
    "vanke_crm",
}
_TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_WORD = re.compile(r"[A-Za-z]{4,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"https?://\S+")


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = _axe.run(page).response
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: Iterable[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {target}" for target in targets[:8])
        if len(targets) > 8:
            lines.append(f"    … {len(targets) - 8} more")
    return "\n".join(lines)


MIN_CHART_TEXT = 11  # pixels, as drawn (an SVG scaled down to a phone's width shrinks its text)


def smallest_chart_text(page) -> float | None:
    """The smallest text of the page's SVG charts as drawn on screen, in CSS pixels."""
    return page.evaluate(
        """() => {
            const sizes = [...document.querySelectorAll("svg.chart text")].map(
                (text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a
            );
            return sizes.length ? Math.min(...sizes) : null;
        }"""
    )


def page_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def untranslated_words(page, *, allowed: Iterable[str] = ()) -> list[str]:
    """Latin words of four or more letters in the page's visible text (options of selects included)
    that are not on the allowlist: English left untranslated, raw choice values, internal codes
    (``purchase:287``, ``same_issue_3_complainants``). Links, e-mail addresses, elements marked
    ``translate="no"`` or ``<code>`` (voucher codes, tracking links) and ``allowed`` (usernames) are
    not words of the interface."""
    text = page.evaluate(
        """() => {
            let text = document.body.innerText;
            // Data that is not language: voucher codes and links (translate="no", <code>).
            for (const el of document.querySelectorAll("[translate=no], code")) {
                if (el.innerText) text = text.split(el.innerText).join(" ");
            }
            const parts = [text, document.title];
            for (const option of document.querySelectorAll("select option")) parts.push(option.text);
            for (const el of document.querySelectorAll("[placeholder]")) parts.push(el.placeholder);
            return parts.join("\\n");
        }"""
    )
    text = _EMAIL.sub(" ", _URL.sub(" ", text))
    allowed = {word.lower() for word in (*ALLOWED_WORDS, *allowed)}
    found = []
    for token in _TOKEN.findall(text):
        if token.lower() in allowed or not _WORD.search(token):
            continue
        words = [word for word in _WORD.findall(token) if word.lower() not in allowed]
        if words and token not in found:
            found.append(token)
    return found
