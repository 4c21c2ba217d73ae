import pytest

from customers import demo as customer_demo
from membership import services
from membership.demo import seed_club
from membership.models import Event, EventSignup, Gift, Member
from organization import demo

pytestmark = pytest.mark.django_db


def test_the_demo_club_is_seeded_once_and_keeps_the_ledger_consistent():
    demo.seed_organisation()
    list(customer_demo.generate_customers(300, batch_size=100))
    added = seed_club()
    assert added > 0 and seed_club() == 0
    assert Gift.objects.exists() and Event.objects.exists()
    assert Member.objects.exists()
    assert EventSignup.objects.filter(status="confirmed").exists()
    assert services.ledger_mismatches() == []
