from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import backups


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: Path, yes: bool, **options):
        if (
            not yes
            and input(_("Replace every row of the database with %(file)s? [y/N] ") % {"file": file}) != "y"
        ):
            raise CommandError(_("Restore cancelled."))
        try:
            backups.restore(file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Database restored from %(path)s") % {"path": file})
