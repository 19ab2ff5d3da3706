from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


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


class AccessLog(models.Model):
    """Reads of personal data that the trail of changes does not show: full records opened, exports."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Opened a full record")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=AuditEntry.Source.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(_("record"), max_length=200)
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["area", "at"], name="access_area_at_idx")]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.kind} {self.target_label}"


class JobQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Job(models.Model):
    """Work too long for a web request (a ledger import, a large export), done by ``cordon worker``.

    The job row is the whole state: closing the page or restarting the server loses nothing, and the
    page that started it polls ``done``/``total`` for its progress bar.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Not before this moment (a retry with backoff: a package to a server that was down).
    run_after = models.DateTimeField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # Runs started: a job whose worker died is run again until MAX_ATTEMPTS (cordon.core.jobs).
    attempts = models.PositiveSmallIntegerField(default=0)
    # "host:pid" of the worker running it, so a restarted worker knows a dead one's job at once.
    claimed_by = models.CharField(max_length=100, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "id"], name="job_queue_idx")]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class InstallationKey(models.Model):
    """The fingerprint of each key that signed this installation's records (``cordon.core.keys``).

    The key itself stays out of the database; its fingerprint travels with the data (and with a
    backup), so a server given the data without the key refuses to start instead of printing cards
    no gate can verify.
    """

    name = models.CharField(max_length=40, unique=True)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} {self.fingerprint}"
