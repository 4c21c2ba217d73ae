from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services


class Command(BaseCommand):
    help = (
        "Send the complaint reminders that are due: not assigned within 2 working hours, plan deadline "
        "passed, no update to the owner for 3 days (the same sweep beat runs every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", help="ISO-8601 time to sweep as of (default: now), e.g. 2026-11-30T09:00+08:00"
        )

    def handle(self, *args, as_of: str | None, **options):
        moment = timezone.now()
        if as_of:
            try:
                moment = datetime.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError(
                    _("--as-of must be an ISO-8601 time, e.g. 2026-11-30T09:00+08:00.")
                ) from error
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        sent = services.remind_due(as_of=moment)
        self.stdout.write(_("%(count)s complaint reminders sent.") % {"count": sent})
