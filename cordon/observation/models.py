"""Observation periods, health checks, alerts and tests, and the protocol editions that plan them.

A period carries, besides its facts, a few columns kept by the services so that the triage lists
over a town's 50,000 periods never read the 1.4 million checks behind them: the latest slot reported
(``last_slot``), the latest temperature, and whether an alert is open (``alert_open``). "Not
reporting" is then a comparison of ``last_slot`` with the latest slot whose deadline has passed.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet
from cordon.observation import protocol


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class ProtocolEdition(models.Model):
    """A national edition of the rules (or a deployment's own), its values held as JSON."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    effective_from = models.DateField(_("effective from"))
    is_default = models.BooleanField(_("default"), default=False)
    rules = models.JSONField(_("rules"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["effective_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="edition_one_default"
            )
        ]
        verbose_name = _("protocol edition")
        verbose_name_plural = _("protocol editions")

    def __str__(self):
        return self.name

    def parsed(self) -> protocol.Rules:
        return protocol.Rules.from_json(self.rules, edition=self.code)


class ProtocolChoice(models.Model):
    """The edition an area (a town, or a county above it) follows, and the values it overrides.

    The nearest choice at or above a village decides its rules; without one, the default edition.
    """

    area = models.OneToOneField(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    edition = models.ForeignKey(ProtocolEdition, to_field="code", on_delete=models.PROTECT, related_name="+")
    overrides = models.JSONField(_("local values"), default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("protocol in force")
        verbose_name_plural = _("protocols in force")

    def __str__(self):
        return f"{self.area_id}: {self.edition_id}"


class Period(models.Model):
    """A person's observation period: why, how, from when, until when, and how it ended."""

    class Mode(models.TextChoices):
        HOME = "home", protocol.MODES["home"]
        CENTRALISED = "centralised", protocol.MODES["centralised"]
        MONITORING = "monitoring", protocol.MODES["monitoring"]

    class Reason(models.TextChoices):
        ARRIVAL = "arrival", protocol.REASONS["arrival"]
        CONTACT = "contact", protocol.REASONS["contact"]
        SECONDARY_CONTACT = "secondary_contact", protocol.REASONS["secondary_contact"]
        FEVER = "fever", protocol.REASONS["fever"]
        MANUAL = "manual", protocol.REASONS["manual"]

    class Status(models.TextChoices):
        ACTIVE = "active", _("Under observation")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed early")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed the period")
        BECAME_CASE = "became_case", _("Became a case")
        LEFT_AREA = "left_area", _("Left the area")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="observation_periods",
        verbose_name=_("person"),
    )
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason_detail = models.CharField(_("about the reason"), max_length=200, blank=True)
    arrival = models.OneToOneField(
        "people.Arrival", null=True, blank=True, on_delete=models.SET_NULL, related_name="observation_period"
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    # The day of the latest move between modes (``plan["transfers"]``, kept by ``period_transfer``):
    # a report of an earlier day reads the mode of that day from the transfers of these periods only.
    moved_on = models.DateField(null=True, blank=True)
    place = models.CharField(_("place of observation"), max_length=200, blank=True)
    exposure_date = models.DateField(_("last exposure"))
    opened_on = models.DateField(_("opened on"))
    planned_end = models.DateField(_("planned end"))
    actual_end = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("about the outcome"), max_length=200, blank=True)
    # What the period was planned with: the edition, the values in force (rules JSON) and the dates.
    edition = models.ForeignKey(
        ProtocolEdition, to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rules = models.JSONField()
    plan = models.JSONField()
    checks_per_day = models.PositiveSmallIntegerField()
    first_slot = models.PositiveIntegerField()
    tests_waived_reason = models.CharField(_("why missing tests were waived"), max_length=200, blank=True)
    tests_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept by the services (see the module's docstring).
    last_slot = models.PositiveIntegerField(null=True, blank=True)
    last_temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    alert_open = models.BooleanField(default=False)
    # Follow-up: the team member of the village who visits and measures this person (SORMAS's contact
    # officer); set by ``services_followup.period_assign``.
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_periods",
        verbose_name=_("followed up by"),
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_end", "id"]
        constraints = [
            # One period at a time: a second reason for someone already observed extends the first.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="period_one_active_per_person"
            ),
        ]
        # The triage lists and the round read a town's 50,000 active periods (among its completed
        # ones) in these indexes alone: each holds every column the lists filter on, so counting skips
        # the wide rows (their rules and plan), and only a page's rows are read whole. (PostgreSQL
        # still visits each counted row to see it is visible, unless VACUUM has marked its page.)
        indexes = [
            # A town's or a village's active periods: the triage counts, the round and its progress.
            models.Index(
                fields=[
                    "status",
                    "area",
                    "alert_open",
                    "checks_per_day",
                    "first_slot",
                    "planned_end",
                    "last_slot",
                    "opened_on",
                    "person",
                    "id",
                ],
                name="period_triage_idx",
            ),
            # The lists ordered by end date, walked in order over a whole town, stopping at a page.
            models.Index(
                fields=[
                    "status",
                    "planned_end",
                    "id",
                    "area",
                    "alert_open",
                    "checks_per_day",
                    "first_slot",
                    "last_slot",
                ],
                name="period_triage_end_idx",
            ),
            # The daily report's and the dashboard's counts over a town's or a county's periods, of
            # any status, as of a day: every column they read, so the wide rows are never visited.
            models.Index(
                fields=[
                    "area",
                    "opened_on",
                    "actual_end",
                    "status",
                    "mode",
                    "moved_on",
                    "reason",
                    "arrival",
                    "person",
                    "id",
                ],
                name="period_report_idx",
            ),
            # The same counts for the periods of arrivals from a ledger category (湖北旅居史), joined to
            # the arrivals by their key in index order, from this index and the arrivals' category
            # index alone: through the wide rows a county's took 125 ms, through these 23 ms.
            models.Index(
                fields=["arrival", "area", "opened_on", "actual_end", "status", "id"],
                condition=Q(reason="arrival"),
                name="period_arrival_report_idx",
            ),
            # Fever or symptoms, the latest first: the 1% with an open alert, sorted at once.
            models.Index(
                fields=["status", "area", "last_checked_at"],
                condition=Q(alert_open=True),
                name="period_alert_checked_idx",
            ),
        ]
        verbose_name = _("observation period")
        verbose_name_plural = _("observation periods")

    def __str__(self):
        return f"{self.person} · {self.exposure_date:%Y-%m-%d}–{self.planned_end:%Y-%m-%d}"

    @property
    def parsed_rules(self) -> protocol.Rules:
        return protocol.Rules.from_json(self.rules, edition=self.edition_id)

    @property
    def parsed_plan(self) -> protocol.Plan:
        return protocol.Plan.from_json(self.plan)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def mode_on(self, day) -> str:
        """The mode the period was in on ``day`` (see ``mode_on``)."""
        return mode_on(mode=self.mode, transfers=self.plan.get("transfers", []), day=day)

    @property
    def mode_label(self) -> str:
        """The mode's name, as ``get_mode_display`` gives it without rebuilding the choices each time
        (a triage page shows fifty)."""
        return protocol.MODES.get(self.mode, self.mode)


def mode_on(*, mode: str, transfers: list[dict], day) -> str:
    """The mode of a period on ``day``, from its mode now and its transfers (``{"on", "from", "to"}``,
    in the order made): a move counts from its own day, so the mode on a day is the one left by the
    first move after it, or the mode now when none came later."""
    iso = day.isoformat()
    for move in transfers:
        if move["on"] > iso:
            return move["from"]
    return mode


class HealthCheck(models.Model):
    """A temperature and symptoms at a check slot — or the slot's absence, recorded as missed."""

    class Slot(models.TextChoices):
        DAY = "day", protocol.SLOT_LABELS["day"]
        AM = "am", protocol.SLOT_LABELS["am"]
        PM = "pm", protocol.SLOT_LABELS["pm"]
        EXTRA = "extra", protocol.SLOT_LABELS["extra"]

    class Status(models.TextChoices):
        MEASURED = "measured", _("Measured")
        MISSED = "missed", _("Missed")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        SELF = "self", _("Self-reported")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="checks", db_index=False)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    slot = models.CharField(_("check"), max_length=6, choices=Slot.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MEASURED)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Made by the phone that entered the check: the same save sent twice is the same check.
    client_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["day", "slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day", "slot"], condition=~Q(slot="extra"), name="check_one_per_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "day"], name="check_period_day_idx"),
            models.Index(fields=["area", "day"], name="check_area_day_idx"),
        ]
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_slot_display()} {self.temperature or '—'}"

    @property
    def slot_label(self) -> str:
        """The slot's name, as ``get_slot_display`` gives it without rebuilding the choices each time
        (a round page shows one or two a row)."""
        return protocol.SLOT_LABELS.get(self.slot, self.slot)


class LabTest(models.Model):
    """A nucleic acid test: when the sample was taken and what it showed."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INVALID = "invalid", _("Invalid (test again)")
        # A pooled sample (混检) tested positive: everyone in the tube is tested again singly.
        RETEST = "retest", _("Pool positive: retest singly")

    class Sample(models.TextChoices):
        THROAT = "throat", _("Throat swab")
        NOSE = "nose", _("Nasopharyngeal swab")
        OTHER = "other", _("Other sample")

    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.SET_NULL, related_name="tests")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="lab_tests", db_index=False
    )
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sample_date = models.DateField(_("sample date"))
    sample_type = models.CharField(_("sample"), max_length=10, choices=Sample.choices, default=Sample.THROAT)
    lab = models.CharField(_("laboratory"), max_length=100, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.PENDING)
    result_date = models.DateField(_("result date"), null=True, blank=True)
    tube = models.CharField(_("pooled tube"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sample_date", "id"]
        verbose_name = _("nucleic acid test")
        verbose_name_plural = _("nucleic acid tests")

    def __str__(self):
        return f"{self.sample_date:%Y-%m-%d} {self.get_result_display()}"


class Alert(models.Model):
    """A fever, a listed symptom or a positive test during a period: open until closed with an outcome."""

    class Kind(models.TextChoices):
        FEVER = "fever", _("Fever")
        SYMPTOM = "symptom", _("Symptoms")
        POSITIVE_TEST = "positive_test", _("Positive test")

    class Outcome(models.TextChoices):
        REMEASURED_NORMAL = "remeasured_normal", _("Re-measured normal")
        REFERRED = "referred", _("Referred to the fever clinic")
        SUSPECTED_CASE = "suspected_case", _("Became a suspected case")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="alerts")
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    health_check = models.ForeignKey(
        HealthCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lab_test = models.ForeignKey(LabTest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    readings = models.PositiveSmallIntegerField(_("readings"), default=1)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    clinic = models.CharField(_("fever clinic"), max_length=100, blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(closed_at__isnull=True), name="alert_one_open_per_period"
            ),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.get_kind_display()} {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SelfReportLink(models.Model):
    """A personal link for reporting one's own temperature without an account: signed by its secret
    (only a hash is stored), expiring with the period, revocable."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="links")
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Made for a reminder SMS (each reminder carries a fresh one and stops the one before); the link
    # the health worker hands out is not touched by reminders.
    for_reminder = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("self-report link")
        verbose_name_plural = _("self-report links")

    def __str__(self):
        return f"{self.hint}…"


class SelfReminder(models.Model):
    """A monitored person's own reminder (Sara Alert's daily reminder): the self-report link by SMS
    each morning and evening to the phone they gave, while under home observation.

    Without a row the defaults apply (on, 08:00 and 18:00); the row records the person's preference as
    the health worker set it, and an opt-out — by the person (the link's "stop" button, a reply to
    the SMS) or by the health worker — with when and how. The SMS never carries a name, an ID number
    or the phone: only a reminder link whose secret is stored hashed."""

    class Via(models.TextChoices):
        LINK = "link", _("the link in the SMS")
        REPLY = "reply", _("a reply to the SMS")
        WORKER = "worker", _("the health worker")

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="reminder")
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    enabled = models.BooleanField(_("SMS reminders"), default=True)
    morning_at = models.TimeField(_("morning reminder"), default=datetime.time(8, 0))
    evening_at = models.TimeField(_("evening reminder"), default=datetime.time(18, 0))
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    opted_out_via = models.CharField(_("opted out by"), max_length=10, choices=Via.choices, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-report reminder")
        verbose_name_plural = _("self-report reminders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(morning_at__lt=models.F("evening_at")), name="reminder_morning_first"
            )
        ]

    def __str__(self):
        return f"{self.period_id} {self.morning_at:%H:%M}/{self.evening_at:%H:%M}"

    @property
    def sends(self) -> bool:
        return self.enabled and self.opted_out_at is None
