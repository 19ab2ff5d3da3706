"""Sealed areas (封闭管理) and exit passes (出入证) with their two-level approval.

A pass is valid only once the village head and then the town's leader have approved it — or, for an
urgent medical exit, the village head alone, the town reviewing it afterwards. An approved pass is
a card with a QR code: a token signed by the server (ECDSA P-256), which a guard's phone verifies
from the signature alone while offline; revocation is checked when online (``token_version`` makes
an earlier card of the same pass stop working).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Lockdown(models.Model):
    """An area sealed from a time: exits only with an approved pass and for listed reasons, no entry
    except the listed exceptions; lifted later."""

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("Illness (seeing a doctor)")
        NECESSITY = "necessity", _("Daily necessity")
        ESSENTIAL_WORK = "essential_work", _("Essential work")

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    starts_at = models.DateTimeField(_("sealed from"))
    ended_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    exit_reasons = models.JSONField(_("reasons to go out"), default=list)
    entry_exceptions = models.CharField(_("who may still come in"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=Q(ended_at__isnull=True), name="lockdown_one_per_area"
            )
        ]
        verbose_name = _("sealed area")
        verbose_name_plural = _("sealed areas")

    def __str__(self):
        return f"{self.area_id} {self.starts_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.starts_at <= timezone.now()


class ExitPass(models.Model):
    """An application to go out of a sealed area, its decisions, and the card it becomes."""

    class Status(models.TextChoices):
        PENDING_VILLAGE = "pending_village", _("Waiting for the village head")
        PENDING_TOWN = "pending_town", _("Waiting for the town")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village"),
    )
    lockdown = models.ForeignKey(Lockdown, on_delete=models.PROTECT, related_name="passes")
    people = models.ManyToManyField("people.Person", related_name="exit_passes", verbose_name=_("people"))
    reason = models.CharField(_("reason"), max_length=20, choices=Lockdown.Reason.choices)
    reason_detail = models.CharField(_("details"), max_length=200, blank=True)
    destination = models.CharField(_("destination"), max_length=100)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    urgent_medical = models.BooleanField(_("urgent medical exit"), default=False)
    town_review_pending = models.BooleanField(_("for the town's review"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_VILLAGE
    )
    short_code = models.CharField(_("short code"), max_length=8, unique=True)
    token_version = models.PositiveSmallIntegerField(default=1)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(_("why revoked"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status"], name="pass_area_status_idx")]
        verbose_name = _("exit pass")
        verbose_name_plural = _("exit passes")

    def __str__(self):
        return self.short_code


class PassDecision(models.Model):
    """One level's decision on a pass — the village head's, then the town's — with who, when, why.
    One per level: two leaders deciding at once cannot both record a decision."""

    class Level(models.TextChoices):
        VILLAGE = "village", _("Village")
        TOWN = "town", _("Town")

    exit_pass = models.ForeignKey(ExitPass, on_delete=models.CASCADE, related_name="decisions")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    approved = models.BooleanField(_("approved"))
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exit_pass", "level"], name="pass_one_decision_per_level")
        ]

    def __str__(self):
        return f"{self.exit_pass_id} {self.level} {self.approved}"


class SupplyDelivery(models.Model):
    """Goods delivered to a sealed area's gate: what, how much, from whom, received by whom."""

    class Kind(models.TextChoices):
        GRAIN = "grain", _("Grain and oil")
        VEGETABLES = "vegetables", _("Vegetables and fruit")
        MEAT = "meat", _("Meat, eggs, milk")
        MEDICINE = "medicine", _("Medicine")
        PROTECTIVE = "protective", _("Masks and disinfectant")
        OTHER = "other", _("Other")

    lockdown = models.ForeignKey(Lockdown, on_delete=models.PROTECT, related_name="deliveries")
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(_("delivered at"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("what"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10)
    supplier = models.CharField(_("from"), max_length=100)
    received_by = models.CharField(_("received by"), max_length=40)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_at", "-id"]
        verbose_name = _("supply delivery")
        verbose_name_plural = _("supply deliveries")

    def __str__(self):
        return f"{self.description} {self.quantity}{self.unit}"


class Rotation(models.Model):
    """Purchase rotation of a sealed area: households in batches, batch k shopping on days k, k+N, …"""

    lockdown = models.OneToOneField(Lockdown, on_delete=models.PROTECT, related_name="rotation")
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    every_days = models.PositiveSmallIntegerField(_("every how many days"), default=3)
    people_per_trip = models.PositiveSmallIntegerField(_("people per household per trip"), default=1)
    starts_on = models.DateField(_("day 1"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase rotation")

    def __str__(self):
        return f"{self.area_id} /{self.every_days}"

    def batch_on(self, day) -> int | None:
        """The batch whose turn it is on ``day`` (1…N), or None before day 1."""
        offset = (day - self.starts_on).days
        return None if offset < 0 else offset % self.every_days + 1


class RotationMember(models.Model):
    """A household's batch in a rotation."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="+")
    batch = models.PositiveSmallIntegerField(_("batch"))

    class Meta:
        ordering = ["batch", "household__address"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "household"], name="rotation_household_once")
        ]

    def __str__(self):
        return f"{self.household_id}: {self.batch}"
