from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_catalogue_after_migrate(sender, app_config=None, **kwargs) -> None:
    if app_config is not None and app_config.label == "touchpoints":
        from .catalogue import install_default_catalogue

        install_default_catalogue()


class TouchpointsConfig(AppConfig):
    name = "touchpoints"
    verbose_name = _("6+2 service steps")

    def ready(self) -> None:
        # Like the roles: the default catalogue is (re)installed after every migrate; edits are kept.
        post_migrate.connect(install_catalogue_after_migrate, dispatch_uid="touchpoints.catalogue")
        from customers import timeline

        from .timeline import actions_of

        timeline.register(actions_of)
        from . import receivers  # noqa: F401  (connects the purchase receivers)
        from .workbench import register_blocks

        register_blocks()
        from . import customer_managers, manager_workbench

        customer_managers.connect()
        manager_workbench.register_blocks()
        from core import webhooks

        from .serializers import ServiceTaskSerializer

        webhooks.register("task.completed", webhooks.serializer_renderer(ServiceTaskSerializer))
