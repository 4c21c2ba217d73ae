"""The complainant's tracking link is a key to their complaint: handlers see it to pass it on, the
read-only auditor never does."""

from django.urls import reverse

from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory


def test_the_tracking_link_is_shown_to_handlers_not_to_auditors(client, company_a, staff_a, auditor):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a), tracking_token="t" * 43)
    url = reverse("complaint-detail", args=[complaint.pk])
    client.login(username=staff_a.username, password=PASSWORD)
    assert f"/complain/track/{'t' * 43}/" in client.get(url).content.decode()
    client.logout()
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert "t" * 43 not in page.content.decode()
