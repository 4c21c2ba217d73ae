"""The monthly report's government section, against a small data set counted by hand: referrals
received, resolved by the authority's deadline, and the sent-back rate, through API, page, export."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from complaints.models import ComplaintEvent
from tests.complaints.test_report_callbacks import MONTHLY, at, event
from tests.conftest import api_as
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language():
    yield
    translation.deactivate()


def referral(project, **fields):
    return ComplaintFactory(project=project, channel="government", external_source="12345", **fields)


@pytest.fixture
def october(company_a, company_b):
    project = ProjectFactory(company=company_a)
    # g1 resolved on time, then accepted; g2 resolved late, sent back; g3 resolved on time, sent back.
    g1 = referral(project, external_ref="1", received_at=at(2), resolved_at=at(4), external_deadline=at(5))
    g2 = referral(project, external_ref="2", received_at=at(3), resolved_at=at(9), external_deadline=at(6))
    g3 = referral(project, external_ref="3", received_at=at(3), resolved_at=at(7), external_deadline=at(8))
    referral(project, external_ref="4", received_at=at(20))  # open
    referral(project, external_ref="5", received_at=at(20, month=9))  # September's
    ComplaintFactory(project=project, channel="hotline", received_at=at(2), resolved_at=at(3))
    referral(ProjectFactory(company=company_b), external_ref="1", received_at=at(2))  # another company
    event(g1, at(6), ComplaintEvent.Kind.EXTERNAL_VERDICT, "accepted")
    event(g2, at(10), ComplaintEvent.Kind.EXTERNAL_VERDICT, "sent_back")
    event(g3, at(8), ComplaintEvent.Kind.EXTERNAL_VERDICT, "sent_back")
    event(g3, at(8, month=11), ComplaintEvent.Kind.EXTERNAL_VERDICT, "accepted")  # November's


EXPECTED = {
    "received": 4,
    "resolved": 3,
    "on_time": 2,
    "on_time_percent": 66.7,
    "verdicts": 3,
    "sent_back": 2,
    "sent_back_percent": 66.7,
}


def test_the_report_api_gives_the_government_section(october, manager_a, staff_b):
    assert api_as(manager_a).get(MONTHLY, {"month": "2026-10"}).json()["government"] == EXPECTED
    other = api_as(staff_b).get(MONTHLY, {"month": "2026-10"}).json()["government"]
    assert (other["received"], other["resolved"], other["on_time_percent"]) == (1, 0, None)


def test_the_page_and_the_export_show_it(client, october, manager_a):
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("reports"), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    on_time = page.split('id="government-on-time"')[1].split("</div></div>")[0]
    assert "66.7" in on_time and "2 / 3" in on_time
    assert "2 / 3" in page.split('id="government-sent-back"')[1].split("</div></div>")[0]
    export = client.get(
        reverse("reports-export", args=["xlsx"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True)
        if row and row[0]
    }
    assert rows["Government referrals received"] == 4
    assert rows["Resolved by the authority's deadline (%)"] == 66.7
    assert rows["Sent back by the authority (%)"] == 66.7
    csv = client.get(reverse("reports-export", args=["csv"]), {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Sent back by the authority (%),66.7" in csv.content.decode("utf-8-sig")
