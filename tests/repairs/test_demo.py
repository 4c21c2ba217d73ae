from io import StringIO

import pytest
from django.core.management import call_command

from repairs.models import RepairRequest, Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_repairs_at_every_stage():
    call_command("seed_demo", "--complaints", "50", "--customers", "200", stdout=StringIO())
    statuses = set(RepairRequest.objects.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.DISPATCHED, Status.FIXED, Status.CLOSED, Status.REDO} <= statuses
    assert not RepairRequest.objects.filter(complaint__isnull=False).exists()
