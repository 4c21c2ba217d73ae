from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_warranty_periods_after_migrate(sender, app_config=None, **kwargs) -> None:
    # After complaints' own post_migrate installed the defect catalogue (INSTALLED_APPS order).
    if app_config is not None and app_config.label == "repairs":
        from .services import install_default_warranty_periods

        install_default_warranty_periods()


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Warranty repairs")

    def ready(self) -> None:
        post_migrate.connect(install_warranty_periods_after_migrate, dispatch_uid="repairs.warranty_periods")
        from complaints import links

        from .links import repair_of_complaint

        links.register(repair_of_complaint)
        from complaints import defect_sources

        from .defects import REPAIR_SOURCE

        defect_sources.register(REPAIR_SOURCE)
        from customers import timeline

        from .timeline import repairs_of

        timeline.register(repairs_of)
        from .workbench import register_blocks

        register_blocks()
        from organization.customer_managers import customer_manager_changed

        from .services import move_follow_ups

        customer_manager_changed.connect(move_follow_ups, dispatch_uid="repairs.move_follow_ups")
