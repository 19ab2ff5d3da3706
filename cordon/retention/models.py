"""How long a town keeps closed records, by kind (set by its command centre)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class PolicyQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class RetentionPolicy(models.Model):
    class Kind(models.TextChoices):
        PASSAGES = "passages", _("Checkpoint passages (deleted; the daily counts stay)")
        COUNSELLING = "counselling", _("Counselling notes (anonymised: concerns and note erased)")
        ACCESS_LOGS = "access_logs", _("Access logs (deleted)")
        OBSERVATION = (
            "observation",
            _("Completed observation periods of people not otherwise needed (the person anonymised)"),
        )

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.CASCADE, related_name="+", verbose_name=_("area")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.PositiveIntegerField(_("kept for (days)"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="retention_one_policy_per_kind")]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return f"{self.area_id} {self.kind} {self.days}d"
