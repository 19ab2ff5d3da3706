from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.accounts.scope import AreaScopedQuerySet


class AuditQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"

    def for_object(self, obj):
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))


class AuditEntry(models.Model):
    """Who changed what, when, from where: one row per change made through a service.

    Entries carry the area of the record they describe, so reading history obeys the same scope as
    reading the record. Personal data is never written here unmasked (see ``cordon.core.audit``).
    """

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        CLI = "cli", _("Command line")
        SYSTEM = "system", _("System")

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    target_label = models.CharField(_("record"), max_length=200)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["area", "at"], name="audit_area_at_idx"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
