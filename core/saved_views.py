"""Saved views: a user's named filters and sort of a list page (the query string), replayed as links.
Scoped to their owner: every read and write here takes the user, and another user's view is a 404."""

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.models import SavedView

# Page keys of the lists that offer saved views.
PAGES = ("complaints",)
MAX_PER_PAGE = 30
# Parameters that belong to one visit, not to the view: the page position and the form's token.
NOT_SAVED = ("after", "before", "csrfmiddlewaretoken", "view_name")


def saved_views_for(*, user, page: str):
    return SavedView.objects.filter(user=user, page=page).order_by("name", "id")


def clean_query(query: str) -> str:
    params = QueryDict(query, mutable=True)
    for name in NOT_SAVED:
        params.pop(name, None)
    for name in [name for name, values in params.lists() if not any(values)]:
        params.pop(name)
    return params.urlencode()


@transaction.atomic
def saved_view_save(*, user, page: str, name: str, query: str) -> SavedView:
    """Save ``query`` under ``name`` for ``user``; the same name again replaces that view's query."""
    name = name.strip()
    if page not in PAGES:
        raise DomainError(_("Unknown list."), code="unknown_page")
    if not name or len(name) > SavedView._meta.get_field("name").max_length:
        raise DomainError(_("Give the view a name of up to 60 characters."), code="name")
    query = clean_query(query)
    if len(query) > SavedView._meta.get_field("query").max_length:
        raise DomainError(_("These filters are too long to save."), code="query_too_long")
    existing = SavedView.objects.select_for_update().filter(user=user, page=page, name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    if saved_views_for(user=user, page=page).count() >= MAX_PER_PAGE:
        raise DomainError(
            _("You have %(n)d saved views here; delete one first.") % {"n": MAX_PER_PAGE}, code="too_many"
        )
    return SavedView.objects.create(user=user, page=page, name=name, query=query)


def saved_view_delete(*, user, view_id: int) -> SavedView:
    """Delete one of ``user``'s own views (another's is SavedView.DoesNotExist, a 404 for the page)."""
    view = SavedView.objects.get(pk=view_id, user=user)
    view.delete()
    return view
