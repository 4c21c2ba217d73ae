from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize, seed_all, summarise_all


class Command(BaseCommand):
    help = "Load realistic Chinese demo data: organisation, one user per role, customers, and complaints."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1000, help="How many customers to add.")
        parser.add_argument("--complaints", type=int, default=2000, help="How many complaints to add.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has users."
        )

    def handle(self, *args, customers: int, complaints: int, if_empty: bool, **options):
        if complaints < 0 or customers < 0:
            raise CommandError(_("--customers and --complaints must be zero or more."))
        out = DemoOutput(self.stdout)
        if if_empty and get_user_model().objects.exists():
            out.line(_("Demo data already loaded; nothing to do."))
            summarise_all(out)
            return
        seed_all(DemoSize(customers=customers, complaints=complaints), out)
