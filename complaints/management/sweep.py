"""The base of the commands that run a beat sweep by hand, optionally as of another moment."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


class SweepCommand(BaseCommand):
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
        self.stdout.write(self.sweep(moment))

    def sweep(self, as_of: datetime) -> str:
        """Run the sweep and say what it did."""
        raise NotImplementedError
