from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "organization"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from .access import forget_permissions_on_change
        from .roles import sync_roles_after_migrate

        forget_permissions_on_change()
        # Permissions are created by post_migrate, so roles are synced after them on every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="organization.sync_roles")
        from core import search

        from .search import search_organisation

        search.register(search_organisation)
