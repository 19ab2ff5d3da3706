from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


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


class PassageQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Passage(models.Model):
    """One passage through a checkpoint: a person, or a vehicle with the people on board; what the
    guard decided, and what was flagged on the screen before the decision.

    ``day`` is the local date of ``occurred_at``, stored so that a checkpoint's day list and the town's
    counts per day and checkpoint are index range scans (no time-zone arithmetic per row). An entry
    made offline carries the ``client_id`` its phone gave it: sent twice, it is stored once.
    """

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Subject(models.TextChoices):
        PERSON = "person", _("Person")
        VEHICLE = "vehicle", _("Vehicle")

    class Decision(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        TURNED_BACK = "turned_back", _("Turned back")
        REFERRED = "referred", _("Referred")

    checkpoint = models.ForeignKey(
        Checkpoint,
        on_delete=models.PROTECT,
        related_name="passages",
        db_index=False,
        verbose_name=_("checkpoint"),
    )
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    occurred_at = models.DateTimeField(_("time"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    subject = models.CharField(
        _("who or what"), max_length=10, choices=Subject.choices, default=Subject.PERSON
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passages",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    vehicle_type = models.CharField(_("vehicle type"), max_length=20, blank=True)
    passengers = models.PositiveSmallIntegerField(_("people on board"), null=True, blank=True)
    origin = models.CharField(_("from"), max_length=100, blank=True)
    destination = models.CharField(_("to"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # The local person a visitor comes to see, and their phone (2020's gate registers asked for both).
    visited_name = models.CharField(_("person visited"), max_length=40, blank=True)
    visited_phone = models.CharField(_("phone of the person visited"), max_length=20, blank=True)
    # The colour of the province's health code the person showed, as the guard saw it: recorded beside
    # Cordon's own status colour, never derived from it.
    shown_code = models.CharField(
        _("health code shown"),
        max_length=6,
        blank=True,
        choices=[("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green"))],
    )
    exit_pass = models.ForeignKey(
        "lockdowns.ExitPass",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
        db_index=False,
    )
    fever = models.BooleanField(_("fever"), default=False)  # among the flags; a column to count on
    # Let through though flagged (sealed area without a pass, under observation, in quarantine): the
    # guard's reason is in ``reason``; counted in the day's figures.
    override = models.BooleanField(_("override"), default=False)
    # Unique with the day (``passage_client_day``), not alone: on PostgreSQL the table is partitioned by
    # month, and every unique index of a partitioned table holds its partition key. A retry carries the
    # time its phone recorded, so it falls on the same day and is still refused.
    client_id = models.CharField(max_length=40, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PassageQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client_id", "day"], name="passage_client_day")]
        indexes = [
            models.Index(fields=["checkpoint", "day", "occurred_at"], name="passage_checkpoint_day_idx"),
            models.Index(fields=["area", "day", "checkpoint"], name="passage_area_day_idx"),
            models.Index(
                fields=["person", "occurred_at"],
                name="passage_person_idx",
                condition=models.Q(person__isnull=False),
            ),
        ]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")

    def __str__(self):
        return f"{self.checkpoint_id} {self.occurred_at:%m-%d %H:%M} {self.direction}"


class SelfRegistration(models.Model):
    """A visitor's own entry, filled in on their phone after scanning the gate's QR code (扫码登记): it
    waits in the guard's queue, and becomes a passage only when the guard checks the person and
    decides. ``device`` is a hash (of the form's cookie, or of the address of a post without it) that
    the rate limit counts by; nothing else of the visitor's phone is kept. Once decided (the passage
    holds what the guard checked), dismissed or lapsed, its personal fields are erased
    (``services_visit.PERSONAL``): a visitor's entry is not kept beside the town's records."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Self-registered, awaiting the guard")
        DECIDED = "decided", _("Decided by the guard")
        DISMISSED = "dismissed", _("Dismissed by the guard")
        LAPSED = "lapsed", _("Lapsed unchecked")

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="self_registrations")
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    name = models.CharField(_("name"), max_length=40)
    document_number = models.CharField(_("document number"), max_length=30)
    phone = models.CharField(_("phone"), max_length=20)
    origin = models.CharField(_("from"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    visited_name = models.CharField(_("person visited"), max_length=40, blank=True)
    visited_phone = models.CharField(_("phone of the person visited"), max_length=20, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    # No database constraint: on PostgreSQL the passages are partitioned by month and their id alone is
    # not a unique key a foreign key could point at. Django still sets it to null when a passage is
    # deleted, and retention does the same before it drops a month (``checkpoints.partitions``).
    passage = models.OneToOneField(
        Passage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_registration",
        db_constraint=False,
    )
    device = models.CharField(max_length=64)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["checkpoint", "status", "created_at"], name="selfreg_queue_idx"),
            models.Index(fields=["device", "created_at"], name="selfreg_device_idx"),
        ]
        verbose_name = _("self-registration")
        verbose_name_plural = _("self-registrations")

    def __str__(self):
        return f"{self.checkpoint_id} {self.created_at:%m-%d %H:%M}"


class Occupant(models.Model):
    """Someone on board a vehicle registered at an inspection station, with their temperature."""

    # No database constraint, as ``SelfRegistration.passage``: deleted with their passage by Django, or
    # before their month is dropped.
    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, related_name="occupants", db_constraint=False
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=40, blank=True)
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class DutyShift(models.Model):
    """People on duty at a checkpoint from one time to another (accounts for now; the forces module's
    personnel later)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="shifts")
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="duty_shifts", verbose_name=_("on duty")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["checkpoint", "ends_at", "starts_at"], name="shift_checkpoint_time_idx")
        ]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")

    def __str__(self):
        return f"{self.checkpoint_id} {self.starts_at:%m-%d %H:%M}–{self.ends_at:%H:%M}"


class PassageDayCount(models.Model):
    """A checkpoint's passages of one day, counted: the roll-up the day's counts and the town's table
    read, so that they cost the same over ten million passages as over ten.

    Passages are never changed or deleted, so the roll-up is kept exact by adding each new passage to
    its row in the same transaction as the insert (``services_counts.count_passage``); a passage
    sent late from an offline phone lands on its own day's row. ``passage_counts_rebuild`` recounts
    from the passages themselves (after a raw load, or to check).
    """

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+", db_index=False)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    total = models.PositiveIntegerField(default=0)
    came_in = models.PositiveIntegerField(default=0)
    went_out = models.PositiveIntegerField(default=0)
    turned_back = models.PositiveIntegerField(default=0)
    referred = models.PositiveIntegerField(default=0)
    fever = models.PositiveIntegerField(default=0)
    vehicles = models.PositiveIntegerField(default=0)  # the rest of the total are people on foot
    overrides = models.PositiveIntegerField(default=0)  # flagged people let through, with a reason

    objects = PassageQuerySet.as_manager()

    FIGURES = ("total", "came_in", "went_out", "turned_back", "referred", "fever", "vehicles", "overrides")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "day"], name="passage_count_checkpoint_day")
        ]
        indexes = [models.Index(fields=["area", "day", "checkpoint"], name="passage_count_area_day_idx")]
        verbose_name = _("passages of a day")
        verbose_name_plural = _("passages by day")

    def __str__(self):
        return f"{self.checkpoint_id} {self.day}: {self.total}"
