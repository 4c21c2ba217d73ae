"""``make screenshots``: every main page as each demo user sees it, at 1366 and 390 pixels wide.

Seeds the demo data (``seed_demo`` with small counts, plus a complaint followed from intake to
call-back, a hot complaint, a failed message and a finished import, so that those pages have
something to show) into a throwaway SQLite database, starts ``runserver`` on a free port, signs in as
each demo user and saves full-page PNGs to ``var/screenshots/<user>/<width>-<page>.png`` (public
pages under ``public/``). Chinese needs a CJK font (Debian: fonts-noto-cjk).

For each page it also prints what the accessibility test checks (tests/browser/test_accessibility.py):
axe-core's serious and critical violations, sideways scrolling at 390 pixels, and English or internal
codes left in the zh-hans text. It reports, it does not fail: the test is the gate.

    python tests/browser/screenshots.py [--out var/screenshots] [--only manager_sz,public]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
DEMO_COUNTS = ["--customers", "60", "--complaints", "120"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_django(var_dir: Path, base_url: str) -> None:
    """Django on the throwaway database (the embedded SQLite default, under ``var_dir``)."""
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        DEBUG="1", VAR_DIR=str(var_dir), PUBLIC_BASE_URL=base_url, DJANGO_SETTINGS_MODULE="vanke_crm.settings"
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed() -> dict[str, dict[str, str]]:
    """Demo data and the extra stories; returns the page URLs per user (and "public")."""
    from django.core.management import call_command
    from django.db import transaction

    from complaints.models import Complaint
    from core import outbox
    from customers.models import Customer
    from membership.models import Event, Member
    from organization.models import Company, User
    from surveys.models import ImprovementPlan, Respondent, SurveyPlan
    from tests.browser.pages import complaint_story, failed_message, finished_import

    call_command("migrate", verbosity=0)
    call_command("seed_demo", *DEMO_COUNTS)
    shenzhen = Company.objects.get(name="深圳万科")
    staff, manager = User.objects.get(username="staff_sz"), User.objects.get(username="manager_sz")
    customer = (
        Customer.objects.filter(company=shenzhen, purchases__isnull=False).order_by("pk").distinct().first()
    )
    purchase = customer.purchases.select_related("unit__building__project").first()
    project, unit = purchase.unit.building.project, purchase.unit
    with transaction.atomic():
        stories = complaint_story(project=project, unit=unit, staff=staff, manager=manager, customer=customer)
        failed_message(shenzhen)
        job = finished_import(manager, shenzhen)

    plan = SurveyPlan.objects.filter(company=shenzhen).order_by("-year", "pk").first()
    pending = Respondent.objects.filter(plan__company=shenzhen, status="pending").order_by("pk").first()
    member = Member.objects.filter(company=shenzhen).order_by("-balance", "pk").first()
    event = Event.objects.filter(company=shenzhen).order_by("starts_at").first()
    improvement = ImprovementPlan.objects.filter(company=shenzhen).order_by("pk").first()
    other = (
        Complaint.objects.filter(company=shenzhen).exclude(pk__in=[s.pk for s in stories.values()]).first()
    )
    urls = {
        "home": "/",
        "project": f"/projects/{project.pk}/",
        "unit-edit": f"/units/{unit.pk}/edit/",
        "complaints": "/complaints/",
        "complaint": f"/complaints/{stories['handled'].pk}/",
        "complaint-hot": f"/complaints/{stories['hot'].pk}/",
        "complaint-demo": f"/complaints/{other.pk}/",
        "complaint-new": "/complaints/new/",
        "notifications": "/notifications/",
        "reports": "/reports/",
        "reports-print": "/reports/print/",
        "customers": "/customers/",
        "customer": f"/customers/{customer.pk}/",
        "customer-edit": f"/customers/{customer.pk}/edit/",
        "segments": "/customers/segments/",
        "import": "/customers/import/",
        "audit": "/audit/",
        "my-tasks": "/tasks/",
        "board": f"/projects/{project.pk}/service/",
        "check": f"/projects/{project.pk}/service/check/",
        "surveys": "/surveys/",
        "survey-plan": f"/surveys/plans/{plan.pk}/",
        "survey-answer": f"/surveys/respondents/{pending.pk}/answer/",
        "survey-report": "/surveys/report/",
        "improvements": "/surveys/improvements/",
        "improvement": f"/surveys/improvements/{improvement.pk}/",
        "scorecard": "/surveys/scorecard/",
        "club": "/club/",
        "member": f"/club/members/{member.pk}/",
        "events": "/club/events/",
        "event": f"/club/events/{event.pk}/",
        "gifts": "/club/gifts/",
        "merchants": "/club/merchants/",
        "campaigns": "/club/campaigns/",
        "job": f"/jobs/{job.pk}/",
        "failed-messages": "/messages/failed/",
        "organisation": "/organisation/",
        "search": f"/search/?q={quote(project.name)}",
        "clusters": "/complaints/clusters/",
        "canned-replies": "/complaints/replies/",
        "canned-reply-new": "/complaints/replies/new/",
        "webhooks": "/webhooks/",
    }
    public = {
        "public-complaint": "/complain/",
        "tracking": f"/complain/track/{stories['public'].tracking_token}/",
        "public-survey": f"/s/{pending.token}/",
        "member-page": f"/m/{member.token}/",
        "unsubscribe": outbox.unsubscribe_link(recipient=customer.phone, topic="member_news"),
        "login": "/login/",
    }
    public["unsubscribe"] = public["unsubscribe"].removeprefix(os.environ["PUBLIC_BASE_URL"])
    managers_only = {"audit", "job", "failed-messages", "reports-print", "canned-replies", "canned-reply-new"}
    company_pages = [name for name in urls if name not in managers_only | {"webhooks"}]

    def pick(*names: str) -> dict[str, str]:
        return {name: urls[name] for name in names}

    return {
        "manager_sz": {name: urls[name] for name in urls if name != "audit"},
        "staff_sz": pick(
            *(n for n in company_pages if n not in {"unit-edit", "segments", "import", "scorecard"})
        ),
        "group_cr": pick(
            "home",
            "complaints",
            "complaint-hot",
            "notifications",
            "reports",
            "customers",
            "audit",
            "surveys",
            "survey-report",
            "scorecard",
            "club",
            "failed-messages",
            "search",
            "clusters",
            "canned-replies",
        ),
        "auditor": pick(
            "home", "complaints", "complaint", "reports", "customers", "customer", "audit", "member"
        ),
        "admin": pick("home", "complaints", "reports"),
        "public": public,
    }


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("runserver exited; run `python manage.py check` to see why") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("runserver did not answer within 60 s")


def shoot(pages: dict[str, dict[str, str]], base_url: str, out: Path, password: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    from tests.browser.a11y import (
        MIN_CHART_TEXT,
        WIDTHS,
        axe_violations,
        page_overflow,
        smallest_chart_text,
        untranslated_words,
    )
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    if executable is None:
        raise SystemExit("Chromium not found (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)")
    findings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for user, urls in pages.items():
            (out / user).mkdir(parents=True, exist_ok=True)
            for width in WIDTHS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, locale="zh-CN", is_mobile=width < 800
                )
                page = context.new_page()
                if user != "public":
                    page.goto(f"{base_url}/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", password)
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base_url}/")
                    if page.locator("#menu-toggle").is_visible():  # the folded menu, opened
                        page.click("#menu-toggle")
                        page.screenshot(path=str(out / user / f"{width}-menu.png"))
                for name, path in urls.items():
                    response = page.goto(base_url + path)
                    page.screenshot(path=str(out / user / f"{width}-{name}.png"), full_page=True)
                    notes = []
                    if response.status != 200:
                        notes.append(f"HTTP {response.status}")
                    violations = axe_violations(page)
                    if violations:
                        nodes = sum(len(v["nodes"]) for v in violations)
                        notes.append(f"axe {nodes}: " + ", ".join(v["id"] for v in violations))
                    if overflow := page_overflow(page):
                        notes.append(f"scrolls sideways {overflow}px")
                    smallest = smallest_chart_text(page)
                    if smallest is not None and smallest < MIN_CHART_TEXT:
                        notes.append(f"chart text {smallest:.1f}px")
                    if width == WIDTHS[0] and (words := untranslated_words(page, allowed=list(pages))):
                        notes.append("not translated: " + ", ".join(words))
                    line = f"{user:<11} {width:>4} {name:<17} {'; '.join(notes) or 'ok'}"
                    print(line, flush=True)
                    if notes:
                        findings.append(line)
                context.close()
        browser.close()
    return findings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated users (and/or 'public') to shoot")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="vanke-screenshots-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    try:
        setup_django(var_dir, base_url)
        pages = seed()
        if args.only:
            pages = {user: urls for user, urls in pages.items() if user in args.only.split(",")}
        from django.conf import settings

        server = start_server(port, dict(os.environ))
        try:
            findings = shoot(pages, base_url, args.out, settings.DEMO_PASSWORD)
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"\nScreenshots in {args.out}; {len(findings)} page views with findings.")


if __name__ == "__main__":
    main()
