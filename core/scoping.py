"""The one place that decides which company's records a user may see.

Every view, API endpoint, export, report and admin page reaches records through
``Model.objects.visible_to(user)``; each scoped model names the path from itself
to its company in ``company_lookup``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

VIEW_ALL_COMPANIES = "organization.view_all_companies"


@dataclass(frozen=True)
class CompanyScope:
    all_companies: bool
    company_id: int | None

    @property
    def is_empty(self) -> bool:
        return not self.all_companies and self.company_id is None


def scope_for(user) -> CompanyScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return CompanyScope(all_companies=False, company_id=None)
    if user.has_perm(VIEW_ALL_COMPANIES):
        return CompanyScope(all_companies=True, company_id=None)
    return CompanyScope(all_companies=False, company_id=user.company_id)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.all_companies:
            return self
        if scope.company_id is None:
            return self.none()
        # A model reached through a many-to-many table says how (an EXISTS keeps "newest first" pages
        # an index walk instead of a sort of the company's whole share of the table).
        scope_condition = getattr(self.model, "scope_condition", None)
        if scope_condition is not None:
            return self.filter(scope_condition(scope.company_id))
        return self.filter(**{self.model.company_lookup: scope.company_id})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
