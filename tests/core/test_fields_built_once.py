"""core.api.FieldsBuiltOnce: fields read from the model once per class, yet every serializer gets its
own, bound to it, and answers exactly as a plain ModelSerializer does."""

from django.test import RequestFactory
from rest_framework import serializers

from complaints.serializers import ComplaintCreateInput, ComplaintSerializer, WithDuplicatesSerializer
from core.api import FieldsBuiltOnce
from tests.factories import ComplaintFactory, ProjectFactory, UserFactory


class Reading(serializers.ModelSerializer):
    """The complaint answer built the plain way, field by field from the model every time."""

    tier_reasons = ComplaintSerializer._declared_fields["tier_reasons"].__deepcopy__({})
    tier_reason_labels = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        pass

    get_tier_reason_labels = ComplaintSerializer.get_tier_reason_labels


def test_answers_as_a_plain_model_serializer(db):
    complaint = ComplaintFactory(tier_reasons=["media_exposure"])
    assert ComplaintSerializer(complaint).data == Reading(complaint).data
    assert ComplaintSerializer(complaint).data == ComplaintSerializer(complaint).data


def test_each_serializer_has_its_own_fields_bound_to_it(db):
    first, second = ComplaintSerializer(ComplaintFactory()), ComplaintSerializer(ComplaintFactory())
    for name in ("id", "status", "tier_reasons", "project", "tier_reason_labels"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    # A field holding fields gets its own child too, so a child never reads another's context.
    assert first.fields["tier_reasons"].child is not second.fields["tier_reasons"].child
    assert first.fields["tier_reasons"].child.parent is first.fields["tier_reasons"]


def test_fields_are_built_once_per_class(db):
    assert ComplaintSerializer(ComplaintFactory()).fields
    assert WithDuplicatesSerializer(ComplaintFactory()).fields
    assert "_built_fields" in ComplaintSerializer.__dict__
    # A subclass keeps its own: it has fields the parent does not.
    assert "possible_duplicates" in WithDuplicatesSerializer.__dict__["_built_fields"]
    assert "possible_duplicates" not in ComplaintSerializer.__dict__["_built_fields"]


def test_input_fields_read_the_request_of_their_own_serializer(db, company_a, company_b):
    """The scoped ids of intake are resolved against each request's caller, not the first one's."""
    project_a, project_b = ProjectFactory(company=company_a), ProjectFactory(company=company_b)
    requests = []
    for company in (company_a, company_b):
        request = RequestFactory().post("/")
        request.user = UserFactory(company=company)
        requests.append(request)
    body = {"channel": "hotline", "category": "construction", "title": "t", "description": "d"}
    mine = ComplaintCreateInput(data={**body, "project": project_a.pk}, context={"request": requests[0]})
    theirs = ComplaintCreateInput(data={**body, "project": project_a.pk}, context={"request": requests[1]})
    assert mine.is_valid(), mine.errors
    assert not theirs.is_valid() and "project" in theirs.errors
    assert ComplaintCreateInput(
        data={**body, "project": project_b.pk}, context={"request": requests[1]}
    ).is_valid()
    assert isinstance(mine, FieldsBuiltOnce)
