from django.utils.translation import gettext as _

from complaints import services
from complaints.management.sweep import SweepCommand


class Command(SweepCommand):
    help = (
        "Send the complaint reminders that are due: not assigned within 2 working hours, plan deadline "
        "passed, no update to the owner for 3 days (the same sweep beat runs every minute)."
    )

    def sweep(self, as_of):
        return _("%(count)s complaint reminders sent.") % {"count": services.remind_due(as_of=as_of)}
