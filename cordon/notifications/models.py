"""The outbox, the in-app inbox, the to-do list and the deployment's switches.

An event raised by a service (``notifications.services.notify``) becomes one ``Message`` per recipient
and channel, in the same transaction as the change that raised it; the job worker delivers them later
(``delivery.deliver_due``), so a gateway that fails never undoes nor blocks the change. The same event
opens ``Task`` rows (one per responsible role) that the service dealing with the record closes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cordon.core.scope import AreaScopedQuerySet


class Kind(models.TextChoices):
    """Every event kind Cordon raises. The value is stable: switches and dedup keys use it."""

    FEVER_ALERT = "fever_alert", _("Fever alert opened")
    CHECKS_MISSED = "checks_missed", _("Check missed twice")
    TEST_DUE = "test_due", _("Test due tomorrow")
    PASS_WAITING = "pass_waiting", _("Pass waiting for approval")
    PASS_DECIDED = "pass_decided", _("Pass decided")
    URGENT_EXIT = "urgent_exit", _("Urgent medical exit to review")
    REPORT_LATE = "report_late", _("Report not sent by the deadline")
    REPORT_RECEIVED = "report_received", _("Report received")
    HANDOVER_WAITING = "handover_waiting", _("Hand-over waiting")
    IMPORT_DONE = "import_done", _("Import finished")
    IMPORT_FAILED = "import_failed", _("Import failed")
    DISINFECTION_OVERDUE = "disinfection_overdue", _("Disinfection round overdue")
    FINDING_OVERDUE = "finding_overdue", _("Inspection finding past its deadline")
    LAB_POSITIVE = "lab_positive", _("Positive test result")
    SELF_REMINDER = "self_reminder", _("Self-report reminder")


# Events that reach people at any hour: quiet hours never hold them back.
URGENT_KINDS = frozenset({Kind.FEVER_ALERT, Kind.URGENT_EXIT, Kind.LAB_POSITIVE})


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    WECOM = "wecom", _("WeCom group robot")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Message(models.Model):
    """One message to one address by one channel: the outbox's row and, for the inbox, the inbox's.

    ``key`` names the event (``fever_alert:123``): with the channel and the address it is unique, so
    one fever alert gives one message per recipient however often the page that raised it is saved.
    The text never carries a full ID number or phone; ``address`` (a phone, an e-mail address, a
    group) is shown masked on the outbox page.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", pgettext_lazy("message state", "Sent")  # not a report's 已报送
        RETRYING = "retrying", _("Retried")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Switched off")

    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("to"), max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    group = models.ForeignKey(
        "notifications.WecomGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    subject = models.CharField(_("subject"), max_length=120)
    body = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "address"], name="message_dedup"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["recipient", "channel", "created_at"], name="message_inbox_idx"),
            models.Index(fields=["area", "created_at"], name="message_area_idx"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_channel_display()} {self.subject}"


class TaskQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"

    def open(self):
        return self.filter(closed_at__isnull=True)


class Task(models.Model):
    """An open to-do of one role at one area, made from an event and closed by the service that deals
    with its record (``tasks_close(key=...)``). A person who holds ``role`` over ``area`` sees it."""

    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=80)
    role = models.CharField(_("role"), max_length=20)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    title = models.CharField(_("task"), max_length=120)
    person_name = models.CharField(max_length=40, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "opened_at", "id"]
        constraints = [models.UniqueConstraint(fields=["key", "role"], name="task_key_role_unique")]
        indexes = [
            models.Index(fields=["role", "area", "closed_at"], name="task_open_idx"),
            models.Index(fields=["key"], name="task_key_idx"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title


class Preference(models.Model):
    """The channels a user chose beyond the inbox, which every user has."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sms = models.BooleanField(_("by SMS"), default=False)
    email = models.BooleanField(_("by e-mail"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id}: sms={self.sms} email={self.email}"


class ChannelSetting(models.Model):
    """A channel's switch and quiet hours for the whole deployment (set by the command centre).

    Quiet hours run from ``quiet_from`` to ``quiet_until`` local time (across midnight when the first is
    later); messages then wait for their end, except urgent kinds (fever, urgent exits).
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, unique=True)
    enabled = models.BooleanField(_("on"), default=True)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.get_channel_display()


class KindSetting(models.Model):
    """An event kind's switch for the whole deployment: off, it sends no message (tasks still open)."""

    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices, unique=True)
    enabled = models.BooleanField(_("on"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.get_kind_display()


class WecomGroupQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class WecomGroup(models.Model):
    """A WeCom (企业微信) work group of a village or a team, reached by its robot's webhook. It gets the
    events of its area (and below) of the kinds listed (all when empty)."""

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=60)
    webhook_url = models.URLField(_("robot webhook"), max_length=300)
    kinds = models.JSONField(_("events"), default=list, blank=True)
    enabled = models.BooleanField(_("on"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = WecomGroupQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("WeCom group")
        verbose_name_plural = _("WeCom groups")

    def __str__(self):
        return self.name
