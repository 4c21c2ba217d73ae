from django.utils.translation import gettext as _

from complaints import services
from complaints.management.sweep import SweepCommand


class Command(SweepCommand):
    help = "Raise complaint tiers whose clocks have run out (the same sweep beat runs every minute)."

    def sweep(self, as_of):
        return _("%(count)s complaint tiers raised.") % {"count": services.escalate_due(as_of=as_of)}
