from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TouchpointsConfig(AppConfig):
    name = "touchpoints"
    verbose_name = _("6+2 service steps")

    def ready(self) -> None:
        from customers import timeline

        from .timeline import actions_of

        timeline.register(actions_of)
