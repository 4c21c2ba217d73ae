from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from membership import services


class Command(BaseCommand):
    help = "Expire due club points (the beat task's sweep) and/or check balances against the ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expire", action="store_true", help="expire points due by --as-of (default now)"
        )
        parser.add_argument("--as-of", help="e.g. 2026-11-30T09:00+08:00")
        parser.add_argument("--check", action="store_true", help="fail if a balance differs from its ledger")

    def handle(self, *args, expire, as_of, check, **options):
        if as_of:
            moment = parse_datetime(as_of)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--as-of needs a date, time and UTC offset")
        else:
            moment = None
        if expire:
            self.stdout.write(f"expired lots: {services.points_expire_due(as_of=moment)}")
        if check:
            wrong = services.ledger_mismatches()
            if wrong:
                raise CommandError(f"balances differ from the ledger for members {wrong[:20]}")
            self.stdout.write("every balance equals its ledger")
