"""Demo 6+2 work: the call-backs and visits the demo purchases are due."""

from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize

from . import services


def seed(size: DemoSize, out: DemoOutput) -> None:
    if size.customers:
        tasks = services.generate_delivery_work() + services.generate_four_year_visits()
        out.line(_("Generated %(count)s 6+2 service tasks.") % {"count": tasks})
