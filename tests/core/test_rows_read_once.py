"""core.api.RowsReadOnce: a page of complaints read field by field with readers made once per page
answers exactly as DRF's plain ListSerializer does, whatever the row holds: empty relations and
moments, related ids, choices, a list of reasons and a method field."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from complaints.choices import Status, Tier
from complaints.models import Complaint
from complaints.serializers import ComplaintSerializer
from core.api import RowsReadOnce
from tests.conftest import api_as
from tests.factories import ComplaintFactory, CustomerFactory, UnitFactory, UserFactory


def varied_complaints(company):
    unit = UnitFactory(building__project__company=company)
    handler = UserFactory(company=company)
    first = ComplaintFactory(project=unit.building.project)
    return [
        first,
        ComplaintFactory(
            project=unit.building.project,
            unit=unit,
            customer=CustomerFactory(company=company),
            handler=handler,
            status=Status.RESOLVED,
            tier=Tier.MAJOR,
            tier_reasons=["media_exposure", "not_a_known_code"],
            follows=first,
            issue_root=first,
            deadline=timezone.now() + timedelta(days=3, microseconds=123),
            resolved_at=timezone.now(),
            rating=4,
            needs_outside_support=True,
            external_ref="12345-001",
        ),
    ]


def plain_page(complaints):
    plain = serializers.ListSerializer(child=ComplaintSerializer())
    return plain.to_representation(complaints)


def test_a_page_reads_as_the_plain_list_serializer(company_a):
    complaints = list(Complaint.objects.filter(pk__in=[c.pk for c in varied_complaints(company_a)]))
    page = ComplaintSerializer(complaints, many=True)
    assert isinstance(page, RowsReadOnce)
    assert page.data == plain_page(complaints)
    assert page.data[1]["unit"] is not None and page.data[1]["tier_reason_labels"][1]["label"]


def test_the_list_endpoint_answers_as_the_plain_serializer(company_a, group_user):
    varied_complaints(company_a)
    answer = api_as(group_user).get("/api/v1/complaints/")
    assert answer.status_code == 200
    expected = plain_page(Complaint.objects.order_by("-received_at", "-id"))
    assert answer.json()["results"] == [dict(row) for row in expected]


def test_a_row_answering_for_itself_is_asked(company_a):
    """A serializer deciding its own answer (masking, say) is never read around."""

    class Masking(ComplaintSerializer):
        def to_representation(self, instance):
            return {"title": "***"}

    complaints = varied_complaints(company_a)
    assert Masking(complaints, many=True).data == [{"title": "***"}, {"title": "***"}]


def test_rows_already_read_are_not_read_again(company_a, django_assert_num_queries):
    varied_complaints(company_a)
    complaints = Complaint.objects.order_by("pk")
    list(complaints)  # read once, as a view that counted or checked them would
    with django_assert_num_queries(0):
        assert len(ComplaintSerializer(complaints, many=True).data) == 2
