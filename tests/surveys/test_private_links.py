"""A respondent's answer link (/s/<token>/) is a bearer secret: auditors and integrators never get
it; staff who send it to owners do. Answers typed while signed in as staff are recorded as theirs."""

import pytest

from surveys import services
from surveys.models import Respondent
from tests.conftest import api_as
from tests.factories import PASSWORD

from .conftest import make_owner
from .test_views import post_all


@pytest.fixture
def respondent(project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    return Respondent.objects.get(plan=plan)


def test_staff_who_send_links_get_the_link(staff_a, respondent):
    rows = api_as(staff_a).get(f"/api/v1/survey-respondents/?plan={respondent.plan_id}").json()["results"]
    assert rows[0]["link"].endswith(f"/s/{respondent.token}/")


@pytest.mark.parametrize("role", ["integrator_a", "auditor"])
def test_integrators_and_auditors_never_get_the_link(request, role, respondent):
    api = api_as(request.getfixturevalue(role))
    for url in (
        f"/api/v1/survey-respondents/?plan={respondent.plan_id}",
        f"/api/v1/survey-respondents/{respondent.pk}/",
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        assert respondent.token not in response.content.decode()
    rows = api.get(f"/api/v1/survey-respondents/?plan={respondent.plan_id}").json()["results"]
    assert rows[0]["link"] is None


def test_the_plan_page_never_shows_the_link_to_an_auditor(client, auditor, respondent):
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get(f"/surveys/plans/{respondent.plan_id}/")
    assert page.status_code == 200
    assert respondent.token not in page.content.decode()


def test_answers_typed_in_a_staff_session_are_recorded_as_that_staff_user(client, staff_a, respondent):
    client.login(username=staff_a.username, password=PASSWORD)
    response = client.post(f"/s/{respondent.token}/", post_all(respondent, submit="1"))
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert (respondent.status, respondent.entered_by) == ("completed", staff_a)


def test_an_owner_answering_is_recorded_as_nobody_on_the_staff(client, respondent):
    client.post(f"/s/{respondent.token}/", post_all(respondent, submit="1"))
    respondent.refresh_from_db()
    assert (respondent.status, respondent.entered_by) == ("completed", None)


@pytest.mark.parametrize("role", ["auditor", "staff_b"])
def test_staff_who_may_not_enter_answers_for_this_owner_cannot_answer_in_a_staff_session(
    client, request, role, respondent
):
    user = request.getfixturevalue(role)
    client.login(username=user.username, password=PASSWORD)
    response = client.post(f"/s/{respondent.token}/", post_all(respondent, submit="1"))
    assert response.status_code == 403
    respondent.refresh_from_db()
    assert respondent.status == "pending" and not respondent.answers.exists()
