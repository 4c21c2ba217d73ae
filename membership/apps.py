from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership club")

    def ready(self) -> None:
        from customers import timeline

        from . import receivers  # noqa: F401  (connects the purchase receivers)
        from .timeline import club_entries_of

        timeline.register(club_entries_of)
        from core import webhooks

        from .serializers import MemberSerializer

        webhooks.register("member.points_changed", webhooks.serializer_renderer(MemberSerializer))
