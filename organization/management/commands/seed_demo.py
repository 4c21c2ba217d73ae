import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organization import demo
from organization.models import User
from touchpoints import services as touchpoint_services


def progress_bar(done: int, total: int, started: float, width: int = 40) -> str:
    filled = width * done // total if total else width
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed else 0
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {rate:,.0f}/s"


class Command(BaseCommand):
    help = "Load realistic Chinese demo data: organisation, one user per role, and complaints."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1000, help="How many customers to add.")
        parser.add_argument("--complaints", type=int, default=2000, help="How many complaints to add.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has users."
        )

    def handle(self, *args, customers: int, complaints: int, if_empty: bool, **options):
        if complaints < 0 or customers < 0:
            raise CommandError(_("--customers and --complaints must be zero or more."))
        if if_empty and User.objects.exists():
            self.stdout.write(_("Demo data already loaded; nothing to do."))
            self.print_logins()
            return
        demo.seed_organisation()
        demo.seed_users()
        self.stdout.write(_("Organisation and demo users are ready."))
        if customers:
            seconds = self.run_with_progress(demo.generate_customers(customers), customers)
            self.stdout.write(
                _("Added %(count)s customers in %(seconds).1f s.")
                % {"count": f"{customers:,}", "seconds": seconds}
            )
        if customers:
            tasks = touchpoint_services.generate_delivery_work()
            tasks += touchpoint_services.generate_four_year_visits()
            self.stdout.write(_("Generated %(count)s 6+2 service tasks.") % {"count": tasks})
            from surveys.demo import seed_surveys

            self.stdout.write(_("Added %(count)s answered satisfaction surveys.") % {"count": seed_surveys()})
            from membership.demo import seed_club

            self.stdout.write(_("Added %(count)s club gifts, offers and events.") % {"count": seed_club()})
        if complaints:
            seconds = self.run_with_progress(demo.generate_complaints(complaints), complaints)
            self.stdout.write(
                _("Added %(count)s complaints in %(seconds).1f s.")
                % {"count": f"{complaints:,}", "seconds": seconds}
            )
        self.print_logins()

    def run_with_progress(self, steps, total: int) -> float:
        started = time.monotonic()
        for made in steps:
            self.stdout.write(progress_bar(made, total, started), ending="")
            self.stdout.flush()
        self.stdout.write("")
        return time.monotonic() - started

    def print_logins(self) -> None:
        self.stdout.write(_("Demo logins (password %(password)s):") % {"password": settings.DEMO_PASSWORD})
        group_level = _("group level")
        for user in demo.DEMO_USERS:
            self.stdout.write(f"  {user.username:<12} {user.role:<16} {user.company or group_level}")
