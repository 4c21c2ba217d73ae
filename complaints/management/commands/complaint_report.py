from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from complaints.models import ReportSnapshot
from complaints.reports import Period, snapshots
from organization.models import Company


class Command(BaseCommand):
    help = "Generate (or regenerate) the complaint report snapshots for a month or an ISO week."

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="e.g. 2026-11")
        period.add_argument("--week", help="e.g. 2026-W47")
        parser.add_argument(
            "--company", type=int, help="Only this company (id); default: group, regions, companies"
        )
        parser.add_argument(
            "--email", action="store_true", help="E-mail each snapshot that was not e-mailed yet"
        )

    def handle(self, *args, month, week, company, email, **options):
        try:
            period = Period.parse_month(month) if month else Period.parse_week(week)
        except ValueError as error:
            raise CommandError(_("Give the month as 2026-11 or the week as 2026-W47.")) from error
        if company is not None and not Company.objects.filter(pk=company).exists():
            raise CommandError(_("No company with id %(id)s.") % {"id": company})
        kind = ReportSnapshot.Kind.MONTHLY if month else ReportSnapshot.Kind.WEEKLY
        for snapshot in snapshots.generate(kind, period, company):
            if email:
                snapshots.email_once(snapshot)
            counts = snapshot.data["counts"]
            self.stdout.write(
                f"{snapshot.period} {snapshot.scope_name}: "
                + _("new %(new)s, resolved %(resolved)s, closed %(closed)s, open %(open)s")
                % {
                    "new": counts["new"],
                    "resolved": counts["resolved"],
                    "closed": counts["closed"],
                    "open": counts["open_at_end"],
                }
            )
