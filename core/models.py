from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background component proved it was running."""

    component = models.CharField(_("component"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("last beat at"))
    hostname = models.CharField(_("host name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.component
