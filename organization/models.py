from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager


class Holding(models.Model):
    """The group (集团) at the top of the tree."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    company_lookup = "regions__companies"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    holding = models.ForeignKey(
        Holding, on_delete=models.PROTECT, related_name="regions", verbose_name=_("group")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    company_lookup = "companies"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """A regional company (一线公司), the unit of data ownership."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="companies", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=50)
    # Shown to owners who cannot use the public form (e.g. its hourly limit); blank: COMPLAINT_HOTLINE.
    hotline = models.CharField(_("complaint hotline"), max_length=30, blank=True)
    company_lookup = "pk"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["id"]
        permissions = [
            ("view_all_companies", _("Can see the records of every company")),
            ("use_staff_ui", _("Can use the staff web interface")),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A residential development (项目/楼盘)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="projects", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Who owns complaints of this project that arrive without a person (public form, API): they are
    # assigned to them at intake. Empty: the company's managers are told and assign by hand.
    duty_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_projects",
        verbose_name=_("complaint duty handler"),
    )
    # 客户经理制: owns the customers of the project's buildings that have no manager of their own
    # (organization.customer_managers); their service tasks are assigned to them when created.
    customer_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_projects",
        verbose_name=_("customer manager"),
    )
    # The record's id in the company's sales system; unique within the company when given (the bulk
    # feed's idempotency key, docs/ARCHITECTURE.md "The sales-system feed").
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["id"]
        permissions = [
            ("assign_duty_project", _("Can choose a project's complaint duty handler")),
            ("assign_customer_manager", _("Can choose the customer managers of a project and its buildings")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="project_name_unique_per_company"),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~models.Q(external_id=""),
                name="project_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=50)
    # The building's customer manager; empty: the project's (organization.customer_managers).
    customer_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_buildings",
        verbose_name=_("customer manager"),
    )
    # The project's company, copied on save (a project never changes company): external ids are unique
    # per company, and a database constraint can only name the row's own columns.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("company")
    )
    # The record's id in the company's sales system; unique within the company when given (the bulk
    # feed's idempotency key, docs/ARCHITECTURE.md "The sales-system feed").
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    company_lookup = "project__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="building_name_unique_per_project"),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~models.Q(external_id=""),
                name="building_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.name}"

    def save(self, *args, **kwargs):
        if self.company_id is None and self.project_id is not None:
            self.company_id = self.project.company_id
        super().save(*args, **kwargs)


class Unit(models.Model):
    """A home (房屋) in a building."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("unit number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    layout = models.CharField(
        _("layout"), max_length=50, help_text=_("For example 3 bedrooms, 2 living rooms.")
    )
    area = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    list_price = models.DecimalField(
        _("list price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # The building's company, copied on save, for the per-company external id (see Building.company).
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("company")
    )
    # The record's id in the company's sales system; unique within the company when given (the bulk
    # feed's idempotency key, docs/ARCHITECTURE.md "The sales-system feed").
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic concurrency of edits
    company_lookup = "building__project__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique_per_building"),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="unit_area_positive"),
            models.CheckConstraint(condition=models.Q(list_price__gte=0), name="unit_price_not_negative"),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~models.Q(external_id=""),
                name="unit_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.number}"

    def save(self, *args, **kwargs):
        if self.company_id is None and self.building_id is not None:
            self.company_id = self.building.company_id
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A member of staff or an integration account; ``company`` is empty for group-level users."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("company"),
        help_text=_("Staff see this company's records; leave empty for group-level users."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username


class CustomerManagerChange(models.Model):
    """One change of a project's or a building's customer manager (客户经理), append-only: who had it,
    who has it now, who decided, why, and how many open service tasks moved with it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="customer_manager_changes", verbose_name=_("project")
    )
    # Empty: the change was the project's (its buildings without a manager of their own follow it).
    building = models.ForeignKey(
        Building,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="customer_manager_changes",
        verbose_name=_("building"),
    )
    from_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous customer manager"),
    )
    to_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer manager"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    tasks_moved = models.PositiveIntegerField(_("tasks moved"), default=0)
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    company_lookup = "project__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer manager change")
        verbose_name_plural = _("customer manager changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"], name="custmgr_change_project")]

    def __str__(self) -> str:
        return f"{self.building or self.project}: {self.from_manager} → {self.to_manager}"


class CalendarDay(models.Model):
    """An exception to the working week (Monday to Friday) in a working-day calendar: a public
    holiday off, or a make-up working Saturday or Sunday (调休). Rows without a company are the
    group's default calendar (the State Council's schedule); a company's own rows override it day by
    day. Read as one ``organization.rules.WorkingCalendar`` (``selectors.working_calendars``)."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        verbose_name=_("company"),
        help_text=_("Empty: the group's default calendar."),
    )
    day = models.DateField(_("date"))
    working = models.BooleanField(
        _("working day"), help_text=_("Off: a public holiday. On: a make-up working weekend day (调休).")
    )
    name = models.CharField(_("name"), max_length=30, blank=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "day"], condition=models.Q(company__isnull=False), name="calendar_day_once"
            ),
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(company__isnull=True), name="default_calendar_day_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
