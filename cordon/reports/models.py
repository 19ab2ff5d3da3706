"""The daily report (日报) as sent upward: the figures frozen as they were, the text, the remarks.

A report is a draft until the command centre sends it; a sent report never changes. A correction is
a new version of the same area and day, and every version is kept.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class DailyReportQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class DailyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    day = models.DateField(_("date"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    figures = models.JSONField(_("figures"))
    text = models.TextField(_("report text"))
    remarks = models.TextField(_("remarks"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Why a new version was made of a report already sent.
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    # A report received from another server (federation): the sender's key id; empty for one made here.
    received_from = models.CharField(_("received from key"), max_length=64, blank=True)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "-day", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "day", "version"], name="daily_report_unique_version")
        ]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")

    def __str__(self):
        return f"{self.area_id} {self.day:%Y-%m-%d} v{self.version}"

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class ReportingDeadline(models.Model):
    """When the areas directly below ``area`` must have sent their report of a day: ``days_after`` the
    day, at ``at`` local time (10:00 of the next day by default). Set by the command centre above."""

    area = models.OneToOneField(
        "accounts.Area", to_field="code", on_delete=models.CASCADE, related_name="+", verbose_name=_("area")
    )
    days_after = models.PositiveSmallIntegerField(_("days after the day reported"), default=1)
    at = models.TimeField(_("time"), default=dt.time(10, 0))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")

    def __str__(self):
        return f"{self.area_id} +{self.days_after}d {self.at:%H:%M}"
