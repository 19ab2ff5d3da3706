"""A person handed from one town to another (A9): asked by the sender, accepted or declined by the
receiver. Until accepted the sender keeps the person and the period goes on; after, the receiver
owns them and the observation continues there with its dates and rules unchanged."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class HandoverQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"  # the sender's town; the receiver's reads go through ``selectors``


class Handover(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the receiver")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(
        "observation.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    handed_on = models.DateField(_("handed over on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    new_period = models.ForeignKey(
        "observation.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="handover_one_pending_per_person"
            )
        ]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")

    def __str__(self):
        return f"{self.person_id} {self.area_id} → {self.to_area_id} ({self.status})"
