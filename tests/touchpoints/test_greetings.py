"""Birthday and holiday greetings: one SMS and one care task per customer and occasion."""

from datetime import date

import pytest

from core import outbox
from core.models import OutboundMessage
from tests.factories import CustomerFactory, ProjectFactory, PurchaseFactory, UnitFactory
from touchpoints import rules, services
from touchpoints.models import Holiday, ServiceTask

pytestmark = pytest.mark.django_db


def buyer(project, *, born=None, phone=None, units=1):
    customer = CustomerFactory(
        birth_date=born, company=project.company, **({"phone": phone} if phone else {})
    )
    for _ in range(units):
        PurchaseFactory(customer=customer, unit=UnitFactory(building__project=project))
    return customer


@pytest.mark.parametrize(
    ("today", "born", "greeted"),
    [
        (date(2026, 5, 20), date(1980, 5, 20), True),
        (date(2026, 5, 20), date(1980, 5, 21), False),
        (date(2027, 2, 28), date(1988, 2, 29), True),  # common year: leap-day birthdays on 28 February
        (date(2028, 2, 28), date(1988, 2, 29), False),  # leap year: they wait for the 29th
        (date(2028, 2, 29), date(1988, 2, 29), True),
    ],
)
def test_birthday_rule(today, born, greeted):
    assert (born in rules.birth_dates_celebrated_on(today)) is greeted


def test_birthday_greetings_go_once_to_buyers_only(company_a, django_capture_on_commit_callbacks):
    project = ProjectFactory(company=company_a, company__name="深圳万科")
    today = date(2026, 5, 20)
    celebrating = buyer(project, born=date(1980, 5, 20), units=2)  # two homes, one greeting
    buyer(project, born=date(1981, 6, 1))
    CustomerFactory(birth_date=date(1990, 5, 20), company=company_a)  # a prospect: no purchase, no SMS

    assert services.generate_greetings(today) == 1
    assert services.generate_greetings(today) == 0  # beat running twice sends nothing twice
    task = ServiceTask.objects.get(action__code="birthday_greeting")
    assert (task.customer, task.status, task.occasion) == (celebrating, "done", "birthday-2026")
    message = OutboundMessage.objects.get()
    assert message.recipient == celebrating.phone and message.channel == "sms"
    assert message.company_id == company_a.pk  # its managers see it if it fails
    assert celebrating.name in message.body and "生日快乐" in message.body and "/unsubscribe/" in message.body
    assert services.generate_greetings(date(2027, 5, 20)) == 1  # next year is a new occasion


def test_holiday_greetings_reach_every_buyer_and_respect_unsubscribing(company_a, company_b):
    project_a, project_b = ProjectFactory(company=company_a), ProjectFactory(company=company_b)
    customers = [buyer(project_a) for _ in range(3)] + [buyer(project_b)]
    outbox.unsubscribe(recipient=customers[0].phone, topic=services.GREETING_TOPIC)
    day = Holiday.objects.filter(name="中秋节").order_by("day").first().day

    services.generate_greetings(day)
    services.generate_greetings(day)
    assert ServiceTask.objects.filter(action__code="holiday_greeting").count() == 4
    recipients = set(OutboundMessage.objects.values_list("recipient", flat=True))
    assert recipients == {c.phone for c in customers[1:]}
    assert all("中秋节快乐" in body for body in OutboundMessage.objects.values_list("body", flat=True))


def test_a_holiday_with_its_own_text_and_the_greetings_chunked(company_a, monkeypatch):
    monkeypatch.setattr(services, "GREETING_CHUNK", 2)
    project = ProjectFactory(company=company_a)
    for _ in range(5):
        buyer(project)
    holiday = Holiday.objects.create(name="业主节", day=date(2026, 8, 8), greeting="感谢您一路同行！")
    assert services.generate_greetings(holiday.day) == 5
    assert services.generate_greetings(holiday.day) == 0
    body = OutboundMessage.objects.first().body
    assert body.startswith(f"【{company_a.name}】感谢您一路同行！")


def test_the_default_calendar_has_the_main_holidays():
    names = set(Holiday.objects.filter(day__year=2027).values_list("name", flat=True))
    assert names == {"元旦", "春节", "端午节", "中秋节", "国庆节"}
    assert Holiday.objects.get(name="春节", day__year=2027).day == date(2027, 2, 6)


def test_a_sent_greeting_shows_on_the_customer_timeline(client, company_a, staff_a):
    from django.urls import reverse

    from tests.factories import PASSWORD

    today = date(2026, 5, 20)
    celebrating = buyer(ProjectFactory(company=company_a), born=date(1980, 5, 20))
    services.generate_greetings(today)
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("customer-detail", args=[celebrating.pk])).content.decode()
    assert "生日祝福已发送" in page
