from django.db import models
from django.utils.translation import gettext_lazy as _

from cordon.accounts.scope import AreaScopedQuerySet


class CheckpointQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Checkpoint(models.Model):
    """A place where movement is controlled: a village gate (卡点) or a road inspection station (检查站)."""

    class Kind(models.TextChoices):
        VILLAGE_GATE = "village_gate", _("Village checkpoint")
        INSPECTION_STATION = "inspection_station", _("Road inspection station")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OPEN_24H = "open_24h", _("Open 24 h")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VILLAGE_GATE)
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="checkpoints",
        verbose_name=_("area"),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    hours = models.CharField(_("hours"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN_24H)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="checkpoint_unique_name_in_area")
        ]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self):
        return self.name
