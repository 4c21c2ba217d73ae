from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def install_catalogue_after_migrate(sender, app_config=None, **kwargs) -> None:
    if app_config is not None and app_config.label == "surveys":
        from .catalogue import install_default_catalogue

        install_default_catalogue()


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        # Like the 6+2 catalogue: the default indicator tree and questionnaires are (re)installed after
        # every migrate; what the group centre edited is kept.
        post_migrate.connect(install_catalogue_after_migrate, dispatch_uid="surveys.catalogue")
        from customers import timeline

        from .timeline import surveys_of

        timeline.register(surveys_of)
        from core import webhooks

        from .serializers import RespondentSerializer

        webhooks.register("survey.completed", webhooks.serializer_renderer(RespondentSerializer))
