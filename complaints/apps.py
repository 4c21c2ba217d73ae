from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def install_risk_words_after_migrate(sender, app_config=None, **kwargs) -> None:
    if app_config is not None and app_config.label == "complaints":
        from .services import install_default_defect_types, install_default_risk_words

        install_default_risk_words()
        install_default_defect_types()


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Like the 6+2 and survey catalogues: the default risk words are (re)installed after every
        # migrate (and the flush between transactional tests); what the group centre edited is kept.
        post_migrate.connect(install_risk_words_after_migrate, dispatch_uid="complaints.risk_words")
        from .models import RiskWord
        from .services.risk import risk_words_changed

        post_save.connect(risk_words_changed, sender=RiskWord, dispatch_uid="complaints.risk_words.saved")
        post_delete.connect(risk_words_changed, sender=RiskWord, dispatch_uid="complaints.risk_words.deleted")
        from customers import timeline

        from .timeline import complaints_of

        timeline.register(complaints_of)
        # The defect register's first source (repairs registers theirs after: INSTALLED_APPS order).
        from . import defect_sources
        from .reports.defects import COMPLAINT_SOURCE

        defect_sources.register(COMPLAINT_SOURCE)
        from core import search

        from .search import search_complaints

        search.register(search_complaints)
        from .workbench import register_blocks

        register_blocks()
        from core import webhooks

        from .serializers import ComplaintSerializer

        for event_type in (
            "complaint.created",
            "complaint.tier_raised",
            "complaint.status_changed",
            "complaint.closed",
        ):
            webhooks.register(event_type, webhooks.serializer_renderer(ComplaintSerializer))
