from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager
from organization.models import Company, Unit


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    BUYER = "buyer", _("Buyer (signed, not yet delivered)")
    OWNER = "owner", _("Owner")


class OwnerPhase(models.TextChoices):
    RUN_IN = "run_in", _("Run-in (first year)")
    SETTLED = "settled", _("Settled (1–3 years)")
    LONG_TIME = "long_time", _("Long-time owner (3+ years)")


class Segment(models.TextChoices):
    YOUNG_PROFESSIONAL = "young_professional", _("Young professionals")
    FAMILY_CHILDREN = "family_children", _("Families with children")
    HEALTH_ELDERLY = "health_elderly", _("Health and elderly care")
    AFFLUENT = "affluent", _("Affluent households")
    PRAGMATIC = "pragmatic", _("Pragmatic households")


class IncomeBand(models.TextChoices):
    LOW = "low", _("Low")
    MIDDLE = "middle", _("Middle")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


class PurchaseMotive(models.TextChoices):
    SCHOOL = "school", _("Schools for the children")
    ENVIRONMENT = "environment", _("Environment and health")
    STATUS = "status", _("Status and quality")
    PRICE = "price", _("Price")
    CONVENIENCE = "convenience", _("Transport and convenience")
    INVESTMENT = "investment", _("Investment")


class DecorationStyle(models.TextChoices):
    MODERN = "modern", _("Modern minimalist")
    NEW_CHINESE = "new_chinese", _("New Chinese")
    EUROPEAN = "european", _("European")
    JAPANESE = "japanese", _("Japanese")
    OTHER = "other", _("Other")


class SourceChannel(models.TextChoices):
    SALES = "sales", _("Sales process")
    ONLINE_ENQUIRY = "online_enquiry", _("Online enquiry")
    VIEWING_APPOINTMENT = "viewing_appointment", _("Viewing appointment")
    SERVICE_CONTACT = "service_contact", _("Customer-service contact")
    COMMUNITY_EVENT = "community_event", _("Community event")
    REFERRAL = "referral", _("Referral")


class Customer(models.Model):
    """A company's file on a person (客户档案). Within a company the normalised mobile phone identifies
    the person; another company that serves the same person keeps a file of its own, so that nothing
    one company recorded is read or changed by another (docs/ARCHITECTURE.md, "Personal data")."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="customers", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    phone = models.CharField(_("mobile phone"), max_length=11)
    # The last four digits, indexed: staff find a caller by the tail of the number.
    phone_tail = models.CharField(max_length=4, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    children_count = models.PositiveSmallIntegerField(
        _("children aged 0–17"), default=0, validators=[MaxValueValidator(20)]
    )
    elderly_at_home = models.BooleanField(_("elderly at home"), default=False)
    income_band = models.CharField(_("income band"), max_length=20, choices=IncomeBand.choices, blank=True)
    purchase_motive = models.CharField(
        _("main purchase motive"), max_length=20, choices=PurchaseMotive.choices, blank=True
    )
    decoration_style = models.CharField(
        _("preferred decoration style"), max_length=20, choices=DecorationStyle.choices, blank=True
    )
    facility_preferences = models.CharField(_("facility preferences"), max_length=200, blank=True)
    service_preferences = models.CharField(_("property-service preferences"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PROSPECT)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True, db_index=True)
    segment = models.CharField(_("segment"), max_length=30, choices=Segment.choices, blank=True)
    segment_reasons = models.JSONField(_("segment reasons"), default=list, blank=True)
    segment_overridden = models.BooleanField(_("segment set by staff"), default=False)
    segment_override_reason = models.CharField(_("reason for the segment"), max_length=200, blank=True)
    # The person's id in the company's sales system; unique within the company when given.
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [
            ("view_personal_data", _("Can see full phone and ID numbers")),
            ("export_customers", _("Can export customer lists")),
            ("import_customers", _("Can import customers from a sales-system file")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["company", "phone"], name="customer_company_phone_unique"),
            models.UniqueConstraint(
                fields=["company", "id_number"],
                condition=~models.Q(id_number=""),
                name="customer_company_id_number_unique",
            ),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~models.Q(external_id=""),
                name="customer_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "-id"], name="customer_company_recent"),
            models.Index(fields=["company", "phone_tail"], name="customer_company_tail"),
            models.Index(fields=["company", "name"], name="customer_company_name"),
            # A company's list filtered by segment and stage, or by stage, newest first: without these
            # the planner walks the company's whole share (200 ms at 1M files; 0.1 ms with them).
            models.Index(fields=["company", "segment", "stage", "-id"], name="customer_company_seg_stage"),
            models.Index(fields=["company", "stage", "-id"], name="customer_company_stage"),
            models.Index(fields=["segment", "-id"], name="customer_segment"),
            models.Index(fields=["stage", "-id"], name="customer_stage"),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerSource(models.Model):
    """Every channel through which the person reached the company; a merge keeps them all."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sources")
    channel = models.CharField(_("source"), max_length=30, choices=SourceChannel.choices)
    first_seen_at = models.DateTimeField(_("first seen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer source")
        verbose_name_plural = _("customer sources")
        constraints = [
            models.UniqueConstraint(fields=["customer", "channel"], name="customer_source_once"),
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class Purchase(models.Model):
    """A customer's share in a unit's purchase; co-owners are several purchases of one unit."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="purchases")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("unit"))
    contract_date = models.DateField(_("contract date"))
    price = models.DecimalField(
        _("price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    area = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(1)]
    )
    layout = models.CharField(_("layout"), max_length=50)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    # The customer's (and so the unit's) company, copied on save: the external id is unique per company.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("company")
    )
    # The contract's id in the company's sales system; unique within the company when given.
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    company_lookup = "unit__building__project__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-contract_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "unit"], name="purchase_customer_unit_unique"),
            models.CheckConstraint(
                condition=models.Q(delivery_date__isnull=True)
                | models.Q(delivery_date__gte=models.F("contract_date")),
                name="purchase_delivery_after_contract",
            ),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~models.Q(external_id=""),
                name="purchase_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.unit}"

    def save(self, *args, **kwargs):
        if self.company_id is None and self.customer_id is not None:
            self.company_id = self.customer.company_id
        super().save(*args, **kwargs)


class CommunicationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    EVENT = "event", _("Event")


class Communication(models.Model):
    """An entry of the communication log (沟通记录). Append-only: there is no edit or delete."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="communications")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    occurred_at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=20, choices=CommunicationChannel.choices)
    content = models.TextField(_("content"), max_length=5000)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("staff"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="communication_timeline")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed the customer file")
    LIST = "list", _("Listed in a search")
    UNMASK = "unmask", _("Revealed full phone and ID number")
    API_READ = "api_read", _("Read through the API")
    EXPORT = "export", _("Exported")
    MERGE = "merge", _("Merged duplicates")


class AccessLog(models.Model):
    """Who touched whose personal data, when, how and from where (信息安全与保密)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    full_data = models.BooleanField(_("full personal data shown"), default=False)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="access_customer"),
            models.Index(fields=["user", "-at"], name="access_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.customer_id}"
