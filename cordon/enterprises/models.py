"""Enterprises and their reopening (复工复产): applications with the State Council's checklist, the
command centre's decision, supervisory inspections (督导检查), findings and their rectification.

An enterprise's status moves only through the services (services.py, services_inspections.py), and
each move is kept as a StatusChange: closed → applied → approved (or back to closed when rejected);
findings open → open with findings; a serious finding → suspended; all rectified → approved.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cordon.core.scope import AreaScopedQuerySet
from cordon.enterprises import checklist


class EnterpriseQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class ByEnterpriseQuerySet(AreaScopedQuerySet):
    """Rows of an enterprise are read through the enterprise's area (they follow it if it moves)."""

    scope_field = "enterprise__area_id"


class Enterprise(models.Model):
    class Sector(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        CONSTRUCTION = "construction", _("Construction")
        RETAIL = "retail", _("Retail")
        CATERING = "catering", _("Catering")
        LOGISTICS = "logistics", _("Logistics")
        AGRICULTURE = "agriculture", _("Agriculture")
        SERVICES = "services", _("Services")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        CLOSED = "closed", pgettext_lazy("enterprise status", "Closed")
        APPLIED = "applied", _("Applied to reopen")
        APPROVED = "approved", _("Reopened")
        FINDINGS = "findings", _("Open with findings")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=100)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village"),
    )
    address = models.CharField(_("address"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    employees = models.PositiveIntegerField(_("employees"))
    from_outside = models.PositiveIntegerField(_("from outside the town"), default=0)
    from_hubei = models.PositiveIntegerField(_("from Hubei"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=40)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CLOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name", "id"]
        indexes = [models.Index(fields=["area", "status"], name="enterprise_area_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_outside__lte=models.F("employees"))
                & Q(from_hubei__lte=models.F("employees")),
                name="enterprise_counts_within_employees",
            )
        ]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name


class ChecklistRecord(models.Model):
    """The checklist answers shared by an application and an inspection (see checklist.py)."""

    checklist = models.JSONField(_("checklist"), default=dict)
    has_dormitory = models.BooleanField(_("staff sleep on site"), default=False)
    dorm_people_per_room = models.PositiveSmallIntegerField(
        _("people per dormitory room"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    dorm_m2_per_person = models.DecimalField(
        _("m² per person in the dormitory"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def checklist_rows(self):
        return checklist.rows(self.checklist)

    @property
    def failed_items(self) -> list[str]:
        return checklist.failed(self.checklist)

    @property
    def dormitory_fails(self) -> bool:
        return self.has_dormitory and not checklist.dormitory_complies(
            self.dorm_people_per_room, self.dorm_m2_per_person
        )


class ReopeningApplication(ChecklistRecord):
    class Decision(models.TextChoices):
        PENDING = "", _("Waiting for a decision")
        APPROVE = "approve", _("Approved")
        CONDITIONAL = "conditional", _("Approved with conditions")
        REJECT = "reject", _("Rejected")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="applications")
    planned_on = models.DateField(_("planned reopening date"))
    prevention_plan = models.TextField(_("prevention plan"), max_length=4000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING, blank=True
    )
    conditions = models.TextField(_("conditions"), max_length=1000, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ByEnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(decision=""), name="reopening_one_open_application"
            )
        ]
        verbose_name = _("reopening application")
        verbose_name_plural = _("reopening applications")

    def __str__(self):
        return f"{self.enterprise_id} {self.submitted_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.decision == self.Decision.PENDING


class Inspection(ChecklistRecord):
    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        RECTIFY = "rectify", _("To rectify")
        SUSPEND = "suspend", _("Suspended")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    inspected_on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A retried submission from a phone on a weak signal carries the same id and records nothing twice.
    client_id = models.CharField(max_length=36, blank=True)

    objects = ByEnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"], condition=~Q(client_id=""), name="inspection_client_id_unique"
            )
        ]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.enterprise_id} {self.inspected_on:%Y-%m-%d}"


class FindingQuerySet(AreaScopedQuerySet):
    scope_field = "inspection__enterprise__area_id"

    def open(self):
        return self.filter(rectified_at__isnull=True)

    def overdue(self, today):
        return self.filter(rectified_at__isnull=True, deadline__lt=today)


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    description = models.CharField(_("finding"), max_length=300)
    serious = models.BooleanField(_("serious"), default=False)
    deadline = models.DateField(_("rectify by"))
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=20, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectification_note = models.CharField(_("how it was rectified"), max_length=300, blank=True)
    reinspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="rechecked"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.rectified_at is None

    @property
    def is_overdue(self) -> bool:
        return self.rectified_at is None and self.deadline < timezone.localdate()


class StatusChange(models.Model):
    """One move of an enterprise's status: what it was, what it became, who, when, why."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Enterprise.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Enterprise.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    objects = ByEnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.enterprise_id} {self.from_status}→{self.to_status}"
