"""The membership club (万客会): members, the points ledger, events, gifts, merchants, campaigns.

The ledger is append-only: an entry's member, delta, kind, reason, source and key never change.
``PointEntry.remaining`` is the one bookkeeping column that moves: what is left of a positive entry
(a "lot") after spends and expiry consumed it oldest-expiry first, so that expiry knows what to take.
The member row carries the balance (sum of the ledger), changed only under its row lock.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedManager
from customers.models import Customer, Segment
from organization.models import Company, Project

from .rules import benefits_for


class Level(models.TextChoices):
    REGULAR = "regular", _("Regular member")
    SILVER = "silver", _("Silver member")
    GOLD = "gold", _("Gold member")


class Benefit(models.TextChoices):
    POINTS = "points", _("Points for homes, referrals and events, redeemable for gifts and property fees")
    EVENTS = "events", _("Member events")
    DISCOUNT_1 = "discount_1", _("A discount of 1 per cent on a new home")
    DISCOUNT_2 = "discount_2", _("A discount of 2 per cent on a new home")
    PRIORITY_SELECTION = "priority_selection", _("Priority unit selection at new launches")


class Member(models.Model):
    class JoinedVia(models.TextChoices):
        PURCHASE = "purchase", _("Bought a home")
        REFERRAL = "referral", _("Referred by a member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="membership", verbose_name=_("customer")
    )
    # The company of the purchase that made the customer a member (its file is ``customer``). Every
    # company the member bought from serves them: one ``MemberCompany`` row each, with its own file.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    number = models.CharField(_("member number"), max_length=20, unique=True)
    # The person across the group's companies (each company keeps its own file of them): a buyer
    # whose phone is a member's joins that membership in their company, not a second one. Empty on
    # memberships that were split before (two companies, two members) and are kept as they were.
    phone = models.CharField(max_length=11, unique=True, null=True, blank=True, editable=False)
    joined_via = models.CharField(_("joined by"), max_length=20, choices=JoinedVia.choices)
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_members",
        verbose_name=_("referred by"),
    )
    level = models.CharField(
        pgettext_lazy("membership", "level"), max_length=20, choices=Level.choices, default=Level.REGULAR
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    homes = models.PositiveIntegerField(_("homes bought"), default=0)
    balance = models.IntegerField(_("points balance"), default=0)
    earned_total = models.PositiveIntegerField(_("points earned in total"), default=0)
    # The member's private link (/m/<token>/): random, never derived from the id.
    token = models.CharField(max_length=64, unique=True, editable=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-id"]
        permissions = [
            ("serve_members", _("Can sign members up for events, mark attendance and redeem for them")),
            ("manage_club", _("Can plan events, manage gifts, merchants and campaigns, and correct points")),
            # The private link is a key to the member's page: only staff who hand it over see it.
            ("view_member_link", _("Can see a member's private link to give it to the member")),
            # A partner system (property management, a merchant) reports points a member earned.
            ("earn_points", _("Can credit points a member earned with a partner, once per key")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="member_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["company", "-id"], name="member_company")]

    def __str__(self) -> str:
        return f"{self.number} {self.customer.name}"

    @staticmethod
    def scope_condition(company_id: int):
        """A member is seen by the staff of every company that serves them (core.scoping)."""
        return models.Exists(
            MemberCompany.objects.filter(member=models.OuterRef("pk"), company_id=company_id)
        )

    def served_by(self, company_id: int) -> bool:
        """Whether the company serves this member (they bought from it): its events, gifts and
        offers are open to them."""
        return MemberCompany.objects.filter(member=self, company_id=company_id).exists()

    @property
    def benefits(self) -> list[str]:
        return [Benefit(code).label for code in benefits_for(self.level)]


class MemberCompany(models.Model):
    """A company that serves the member (万客会 across companies): the member bought a home from it,
    and it keeps its own customer file of them. Its staff see the member with that file and its
    homes, sign them up for its events and award its points; one ledger stays with the member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="companies")
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="club_membership", verbose_name=_("customer")
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("company serving a member")
        verbose_name_plural = _("companies serving members")
        constraints = [models.UniqueConstraint(fields=["member", "company"], name="member_company_once")]
        indexes = [models.Index(fields=["company", "member"], name="member_company_scope")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.company_id}"


class PointEntry(models.Model):
    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        SPEND = "spend", _("Spent")
        EXPIRE = "expire", _("Expired")
        CORRECT = "correct", _("Correction")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="entries")
    delta = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    # What caused it, e.g. "purchase:12", "event:4", "redemption:9", "user:3".
    source = models.CharField(_("source"), max_length=60)
    # Names the business event: the same event never earns (or spends) twice.
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    remaining = models.PositiveIntegerField(default=0, editable=False)
    # The company whose business event it records (its purchase, event, gift): each company's staff
    # see the entries it wrote; the balance is the member's, over all of them.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("company")
    )
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="point_entry_not_zero"),
            models.CheckConstraint(
                condition=models.Q(remaining__lte=models.F("delta")) | models.Q(remaining=0),
                name="point_entry_remaining_within_delta",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-id"], name="point_entry_history"),
            models.Index(fields=["company", "-id"], name="point_entry_company"),
            # Open lots of a member, oldest expiry first (spends consume them in this order).
            models.Index(
                fields=["member", "expires_at", "id"],
                name="point_entry_open_lots",
                condition=models.Q(remaining__gt=0),
            ),
            # The expiry sweep walks only lots that still hold points and have an expiry.
            models.Index(
                fields=["expires_at"],
                name="point_entry_due",
                condition=models.Q(remaining__gt=0, expires_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.delta:+d} {self.kind}"

    # Pages name the kind of business event in ``source`` ("purchase:12" → "购房记录"; the reason says
    # which one); the stored code stays as written and the API returns it.
    SOURCE_LABELS = {
        "purchase": _("purchase"),
        "event": _("Community event"),
        "referral": _("referral"),
        "redemption": _("redemption"),
        "offer": _("member offer"),
        "user": _("Correction"),
        "entry": _("Expired"),
        "partner": _("partner system"),
    }

    @property
    def source_label(self) -> str:
        label = self.SOURCE_LABELS.get(self.source.partition(":")[0])
        return self.source if label is None else str(label)


class Referral(models.Model):
    """A member brought in a new customer; when that customer signs, the referrer earns points once."""

    referrer = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="referrals")
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="referral", verbose_name=_("referred customer")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    company_lookup = "referrer__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.customer_id}"


class Event(models.Model):
    """A community activity (社区活动) members sign up for."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Family event")
        FESTIVAL = "festival", _("Festival")
        SPORTS = "sports", _("Sports")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    points = models.PositiveIntegerField(_("points for attending"), default=0)
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    called_off_at = models.DateTimeField(_("called off at"), null=True, blank=True, editable=False)
    call_off_reason = models.CharField(
        _("reason for calling off"), max_length=200, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("community event")
        verbose_name_plural = _("community events")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(confirmed_count__lte=models.F("capacity")), name="event_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["company", "-starts_at"], name="event_company_start")]

    def __str__(self) -> str:
        return self.title


class EventSignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        WEB = "web", _("Member's page")
        STAFF = "staff", _("Staff")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    channel = models.CharField(_("signed up through"), max_length=10, choices=Channel.choices)
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    # The staff user who signed the member up or cancelled (on a staff page or in a staff session
    # on the member's page); empty when the member did it.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed up by"),
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    company_lookup = "event__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("event sign-up")
        verbose_name_plural = _("event sign-ups")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="one_signup_per_member")]
        indexes = [
            models.Index(fields=["event", "status", "id"], name="signup_event_status"),
            models.Index(fields=["member", "-id"], name="signup_member"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id} {self.status}"


class Gift(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)
    points = models.PositiveIntegerField(_("points needed"))
    stock = models.IntegerField(_("in stock"), default=0)
    active = models.BooleanField(_("offered"), default=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["points", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="gift_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(points__gte=1), name="gift_costs_points"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """Points turned into a gift or a property-fee offset; its spend entry is in the ledger."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift")
        FEE_OFFSET = "fee_offset", _("Property-fee offset")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="redemptions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    gift = models.ForeignKey(
        Gift, on_delete=models.PROTECT, null=True, blank=True, related_name="redemptions"
    )
    points = models.PositiveIntegerField(_("points"))
    amount = models.DecimalField(
        _("fee offset (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The company whose gift or property fee it is (a member may be served by several companies).
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("company")
    )
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["member", "-id"], name="redemption_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.points}"


class Merchant(models.Model):
    """A partner merchant (商家) giving member offers."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=50, blank=True)
    active = models.BooleanField(_("active"), default=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("partner merchant")
        verbose_name_plural = _("partner merchants")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("offer"), max_length=100)
    points = models.PositiveIntegerField(_("points needed"), default=0)
    valid_until = models.DateField(_("valid until"))
    company_lookup = "merchant__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("member offer")
        verbose_name_plural = _("member offers")
        ordering = ["-valid_until", "id"]

    def __str__(self) -> str:
        return f"{self.merchant} · {self.title}"


class OfferCode(models.Model):
    """A member's redemption code for an offer; the merchant's cashier (or staff) marks it used once."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="codes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="offer_codes")
    code = models.CharField(_("code"), max_length=12, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # The staff user who claimed it for the member; empty when the member did.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    company_lookup = "offer__merchant__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("redemption code")
        verbose_name_plural = _("redemption codes")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["offer", "member"], name="one_code_per_offer_member")]

    def __str__(self) -> str:
        return self.code


class Campaign(models.Model):
    """News, an offer or an event pushed to a segment of members (SMS or e-mail, through the outbox)."""

    class Audience(models.TextChoices):
        ALL = "all", _("All members")
        SILVER_UP = "silver_up", _("Silver and gold members")
        GOLD = "gold", _("Gold members")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    # Optionally only one of the five customer segments (客户细分), e.g. families with children.
    segment = models.CharField(_("customer segment"), max_length=30, choices=Segment.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=100)
    body = models.TextField(_("text"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued = models.PositiveIntegerField(_("messages queued"), null=True, blank=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("member campaign")
        verbose_name_plural = _("member campaigns")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.subject
