from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import backups


class Command(BaseCommand):
    help = "Back up the database (SQLite file copy or PostgreSQL custom-format dump)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="File to write (default: var/backups/vanke_crm-<time>.*)."
        )

    def handle(self, *args, output: Path | None, **options):
        try:
            path = backups.backup(output or backups.default_backup_path())
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup written to %(path)s") % {"path": path})
