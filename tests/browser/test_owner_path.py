"""The owner's path on a phone (390 px): file a complaint picking building and unit, copy the
tracking link, reply with text and a photo, and once staff resolved it, rate and confirm. axe-core
finds nothing serious or critical on any of these pages at 390 and 1366 px, and none of them scrolls
sideways."""

import pytest

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Notification
from organization import roles
from tests.factories import BuildingFactory, CompanyFactory, ProjectFactory, UnitFactory, UserFactory

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import SCREENSHOTS
from .test_attachments import image_loaded, png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def estate(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    shenzhen = CompanyFactory(name="深圳万科", city="深圳", hotline="0755-2560 0000")
    beijing = CompanyFactory(name="北京万科", city="北京")
    project = ProjectFactory(company=shenzhen, name="四季花城")
    ProjectFactory(company=beijing, name="四季花城")  # the same name in another city
    three = BuildingFactory(project=project, name="3栋")
    for number in ("1201", "902", "1202"):
        UnitFactory(building=three, number=number)
    UnitFactory(building=BuildingFactory(project=project, name="10栋"), number="101")
    handler = UserFactory(username="staff_sz", name="陈晓丽", company=shenzhen, role=roles.FRONTLINE_STAFF)
    project.duty_handler = handler
    project.save(update_fields=["duty_handler"])
    return {"project": project, "handler": handler}


def check(page, name: str) -> list[str]:
    """axe and sideways scrolling at both widths; the page is left at 390 px."""
    problems = []
    for width in reversed(WIDTHS):  # 390 first
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name} at {width}px: axe\n{describe(violations)}")
        if page_overflow(page) > 0:
            problems.append(f"{name} at {width}px scrolls sideways by {page_overflow(page)}px")
        page.screenshot(path=str(SCREENSHOTS / f"owner_{name}_{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    return problems


def test_the_owner_files_follows_replies_rates_and_confirms_on_a_phone(phone_page, live_server, estate):
    owner, problems = phone_page, []
    owner.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # 1. The form: projects by city, building and unit picked from the project's lists.
    owner.goto(f"{live_server.url}/complain/")
    groups = owner.eval_on_selector_all("#id_project optgroup", "groups => groups.map(g => g.label)")
    assert groups == ["北京", "深圳"]
    assert owner.locator("select#id_building").is_disabled()
    problems += check(owner, "form")
    owner.select_option("#id_project", str(estate["project"].pk))
    owner.select_option("select#id_building", "3栋")
    units = owner.eval_on_selector_all("select#id_unit_number option", "options => options.map(o => o.value)")
    assert units[1:4] == ["902", "1201", "1202"]  # natural order, after the placeholder
    owner.select_option("select#id_unit_number", "1201")
    owner.select_option("#id_category", "construction")
    owner.fill("#id_title", "卫生间天花板漏水")
    owner.fill("#id_description", "楼上卫生间漏水，天花板已经发霉。")
    owner.fill("#id_contact_name", "王芳")
    assert owner.get_attribute("#id_contact_phone", "inputmode") == "tel"
    owner.fill("#id_contact_phone", "136 0000 1111")
    owner.click("#public-complaint-form button[type=submit]")

    # 2. The confirmation: the number, the link copied with one tap.
    number = owner.inner_text("#complaint-number")
    complaint = Complaint.objects.get(number=number)
    assert (complaint.unit.building.name, complaint.unit.number) == ("3栋", "1201")
    owner.click("#copy-link")
    owner.locator("#copy-status:not(:empty)").wait_for()
    track_url = owner.input_value("#track-url")
    assert owner.evaluate("navigator.clipboard.readText()") == track_url
    assert track_url.endswith(f"/complain/track/{complaint.tracking_token}/")
    problems += check(owner, "filed")

    # 3. The tracking page: a reply with text and a photo, once.
    owner.click("#track-link")
    owner.locator("#track-updates").wait_for()
    assert "楼上卫生间漏水" in owner.inner_text("#track-description")
    owner.fill("#id_text", "补充：天花板的霉点越来越大了。")
    owner.set_input_files(
        "#reply-form input[type=file]",
        files=[{"name": "霉点.png", "mimeType": "image/png", "buffer": png(64, 48, (90, 90, 90))}],
    )
    owner.click("#reply-form button[type=submit]")
    owner.locator("#track-updates li.mine.kind-feedback").wait_for()
    assert "天花板的霉点越来越大了" in owner.inner_text("#track-updates")
    assert image_loaded(owner, "#attachments img")
    assert complaint.events.filter(kind=ComplaintEvent.Kind.FEEDBACK).count() == 1
    assert Notification.objects.filter(user=estate["handler"], complaint=complaint).count() >= 2
    problems += check(owner, "track_open")

    # 4. Staff resolve it; the owner rates with the keyboard and confirms.
    handler = estate["handler"]
    for status in ("in_progress", "resolved"):
        services.complaint_transition(complaint=complaint, status=status, note="已修复", by=handler)
    owner.reload()
    assert owner.locator("#solved-question").is_visible()
    legend = owner.inner_text("#rating-form legend")
    assert legend and owner.locator("#rating-form input[name=rating]").count() == 5
    problems += check(owner, "track_resolved")
    tile = owner.locator("label.rating-option[data-rating='1']").bounding_box()
    assert tile["height"] >= 44 and tile["width"] >= 44  # a thumb's target
    owner.focus("#rating-form input[name=rating][value='1']")
    owner.keyboard.press("ArrowRight")
    owner.keyboard.press("ArrowRight")
    owner.keyboard.press("ArrowRight")
    owner.keyboard.press("ArrowRight")
    assert owner.is_checked("#rating-form input[name=rating][value='5']")
    owner.fill("#id_comment", "处理及时，很满意")
    owner.click("#rating-form button[type=submit]")
    owner.locator("#track-rating").wait_for()
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (5, "处理及时，很满意")
    owner.click("#confirm-form button[type=submit]")
    owner.locator("#files-closed").wait_for()
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert owner.locator("#solved-question").count() == 0
    problems += check(owner, "track_closed")
    assert not problems, "\n".join(problems)


def test_without_a_list_the_building_and_unit_are_typed(phone_page, live_server, estate):
    """A project without buildings on record keeps the text fields; "not in the list" brings them
    back for a project that has a list."""
    bare = ProjectFactory(company=estate["project"].company, name="金色家园")
    owner = phone_page
    owner.goto(f"{live_server.url}/complain/")
    owner.select_option("#id_project", str(bare.pk))
    owner.locator("input#id_building").wait_for()
    assert owner.locator("input#id_unit_number").is_visible()
    owner.select_option("#id_project", str(estate["project"].pk))
    owner.locator("select#id_building:enabled").wait_for()
    owner.select_option("select#id_building", "__other__")
    assert owner.locator("input#id_building").is_visible()


def test_without_javascript_the_owner_types_the_home_and_taps_a_rating(browser, live_server, estate):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    owner = context.new_page()
    try:
        owner.goto(f"{live_server.url}/complain/")
        owner.select_option("#id_project", str(estate["project"].pk))
        owner.fill("input#id_building", "３号楼")
        owner.fill("input#id_unit_number", "1201室")
        owner.fill("#id_title", "卫生间天花板漏水")
        owner.fill("#id_description", "楼上卫生间漏水。")
        owner.fill("#id_contact_name", "王芳")
        owner.fill("#id_contact_phone", "136 0000 1111")
        owner.click("#public-complaint-form button[type=submit]")
        complaint = Complaint.objects.get(number=owner.inner_text("#complaint-number"))
        assert (complaint.unit.building.name, complaint.unit.number) == ("3栋", "1201")
        assert owner.locator("#copy-link").is_hidden() and owner.locator("#track-url").is_visible()
        for status in ("in_progress", "resolved"):
            complaint = services.complaint_transition(
                complaint=complaint, status=status, note="已修复", by=estate["handler"]
            )
        owner.click("#track-link")
        owner.click("label.rating-option[data-rating='4']")  # the whole tile is the target
        assert owner.is_checked("#rating-form input[name=rating][value='4']")
        owner.click("#rating-form button[type=submit]")
        owner.locator("#track-rating").wait_for()
        complaint.refresh_from_db()
        assert complaint.rating == 4
    finally:
        context.close()
