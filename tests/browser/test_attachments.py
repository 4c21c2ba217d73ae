"""An owner sends a photo from a phone; staff see its preview on the complaint page."""

import struct
import zlib

import pytest

from complaints.models import Complaint
from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real, decodable PNG of one colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def shenzhen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    company = CompanyFactory(name="深圳万科", city="深圳", hotline="0755-2560 0000")
    project = ProjectFactory(company=company, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    return company


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def image_loaded(page, selector: str) -> bool:
    """The image has arrived and decoded (waits for it: the page renders before its images load).
    Thumbnails load lazily, so it is scrolled into view first, as the user would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(selector).scroll_into_view_if_needed()
    image = page.locator(selector).element_handle()
    try:
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image, timeout=5_000)
    except PlaywrightTimeout:
        return False
    return True


def test_owner_sends_a_photo_from_a_phone_and_staff_see_the_preview(
    browser, phone_page, live_server, shenzhen
):
    owner = phone_page
    owner.goto(f"{live_server.url}/complain/")
    assert fits_the_width(owner)
    owner.select_option("#id_project", label="四季花城")
    owner.select_option("#id_building", "3栋")  # a picker filled from the project
    owner.select_option("#id_unit_number", "1201")
    owner.fill("#id_contact_name", "王芳")
    owner.fill("#id_contact_phone", "136 0000 1111")
    owner.select_option("#id_category", "construction")
    owner.fill("#id_title", "卫生间天花板漏水")
    owner.fill("#id_description", "楼上卫生间漏水，天花板已经发霉。")
    owner.set_input_files(
        "#id_files",
        files=[{"name": "天花板.png", "mimeType": "image/png", "buffer": png(64, 48, (200, 16, 46))}],
    )
    owner.screenshot(path=str(SCREENSHOTS / "attachments_form_390.png"), full_page=True)
    owner.click("#public-complaint-form button[type=submit]")
    number = owner.inner_text("#complaint-number")
    owner.click("#track-link")

    # The tracking page shows the owner's own photo, and takes one more.
    owner.locator("#attachments img").first.wait_for()
    assert owner.get_attribute("#attachments img", "alt") == "照片：天花板.png"
    assert image_loaded(owner, "#attachments img")
    owner.set_input_files(
        "#reply-form input[type=file]",
        files=[{"name": "墙角.png", "mimeType": "image/png", "buffer": png(48, 64, (21, 128, 61))}],
    )
    owner.click("#reply-form button[type=submit]")
    owner.locator(".message", has_text="已添加 1 个文件").wait_for()
    assert owner.locator("#attachments img").count() == 2
    assert fits_the_width(owner)
    owner.screenshot(path=str(SCREENSHOTS / "attachments_track_390.png"), full_page=True)

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    staff = context.new_page()
    try:
        sign_in(staff, live_server, "staff_sz", PASSWORD)
        staff.goto(f"{live_server.url}/complaints/{Complaint.objects.get(number=number).pk}/")
        staff.locator("#files img").first.wait_for()
        assert staff.locator("#files img").count() == 2
        assert image_loaded(staff, "#files img >> nth=0") and image_loaded(staff, "#files img >> nth=1")
        assert "来自投诉人" in staff.inner_text("#files")
        assert "添加了文件" in staff.inner_text("#complaint-events")
        assert fits_the_width(staff)
        staff.screenshot(path=str(SCREENSHOTS / "attachments_staff_1366.png"), full_page=True)
    finally:
        context.close()


def test_at_the_hourly_limit_the_owner_keeps_the_text_and_gets_the_hotline(phone_page, live_server, shenzhen):
    from django.core.cache import cache

    from complaints.public_views import PUBLIC_SUBMISSIONS_PER_HOUR

    cache.set("public-complaint:127.0.0.1", PUBLIC_SUBMISSIONS_PER_HOUR, timeout=3600)
    owner = phone_page
    owner.goto(f"{live_server.url}/complain/")
    owner.select_option("#id_project", label="四季花城")
    owner.fill("#id_contact_name", "王芳")
    owner.fill("#id_contact_phone", "136 0000 1111")
    owner.fill("#id_title", "地下车库积水")
    owner.fill("#id_description", "雨后地下车库B2层积水严重。")
    owner.click("#public-complaint-form button[type=submit]")
    owner.locator("#public-limited").wait_for()
    assert owner.input_value("#id_title") == "地下车库积水"
    assert owner.input_value("#id_description") == "雨后地下车库B2层积水严重。"
    assert owner.inner_text("#public-hotline") == "0755-2560 0000"
    assert owner.get_attribute("#public-hotline", "href") == "tel:0755-25600000"
    assert fits_the_width(owner)
    owner.screenshot(path=str(SCREENSHOTS / "public_limit_390.png"), full_page=True)
    cache.clear()
