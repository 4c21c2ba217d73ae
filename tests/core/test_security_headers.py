"""The Content-Security-Policy header on pages, the API and errors."""

import pytest


@pytest.mark.parametrize("path", ["/login/", "/complain/", "/api/v1/projects/", "/no-such-page/"])
def test_every_response_carries_the_policy(client, db, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert (directives["frame-ancestors"], directives["object-src"]) == ("'none'", "'none'")
    assert (directives["base-uri"], directives["form-action"]) == ("'self'", "'self'")


def test_templates_have_no_inline_script_or_handler():
    """What the policy blocks, kept out of the templates (the browser test proves it on live pages)."""
    import re
    from pathlib import Path

    from django.conf import settings

    offending = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offending.append(template.name)
        if re.search(r"\sstyle\s*=|<style", text):
            offending.append(template.name)
    assert offending == []
