"""core.saved_views: a user's named list views, theirs only."""

import pytest
from django.db import IntegrityError

from core import saved_views
from core.exceptions import DomainError
from core.models import SavedView

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("tier=hot&status=", "tier=hot"),
        ("mine=1&after=x~1&before=y~2", "mine=1"),
        ("csrfmiddlewaretoken=abc&view_name=x&q=%E6%BC%8F", "q=%E6%BC%8F"),
        ("", ""),
    ],
)
def test_what_a_view_keeps(query, kept):
    assert saved_views.clean_query(query) == kept


def test_save_replace_and_list(staff_a, manager_a):
    saved_views.saved_view_save(user=staff_a, page="complaints", name="热点", query="tier=hot")
    saved_views.saved_view_save(user=staff_a, page="complaints", name="热点", query="tier=major")
    saved_views.saved_view_save(user=manager_a, page="complaints", name="热点", query="mine=1")
    assert [(v.name, v.query) for v in saved_views.saved_views_for(user=staff_a, page="complaints")] == [
        ("热点", "tier=major")
    ]


@pytest.mark.parametrize(
    ("page", "name", "code"),
    [("complaints", "", "name"), ("complaints", "x" * 61, "name"), ("nope", "a", "unknown_page")],
)
def test_refused(staff_a, page, name, code):
    with pytest.raises(DomainError) as error:
        saved_views.saved_view_save(user=staff_a, page=page, name=name, query="")
    assert error.value.code == code


def test_at_most_so_many(staff_a, monkeypatch):
    monkeypatch.setattr(saved_views, "MAX_PER_PAGE", 2)
    for name in ("a", "b"):
        saved_views.saved_view_save(user=staff_a, page="complaints", name=name, query="")
    with pytest.raises(DomainError):
        saved_views.saved_view_save(user=staff_a, page="complaints", name="c", query="")
    saved_views.saved_view_save(user=staff_a, page="complaints", name="a", query="mine=1")


def test_delete_own_only(staff_a, manager_a):
    theirs = SavedView.objects.create(user=manager_a, page="complaints", name="x")
    with pytest.raises(SavedView.DoesNotExist):
        saved_views.saved_view_delete(user=staff_a, view_id=theirs.pk)
    saved_views.saved_view_delete(user=manager_a, view_id=theirs.pk)
    assert not SavedView.objects.exists()


def test_names_are_unique_per_user_and_page(staff_a):
    SavedView.objects.create(user=staff_a, page="complaints", name="x")
    SavedView.objects.create(user=staff_a, page="customers", name="x")
    with pytest.raises(IntegrityError):
        SavedView.objects.create(user=staff_a, page="complaints", name="x")
