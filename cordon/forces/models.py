"""Forces: the personnel a town mobilises, the teams they work in, where they are sent, and what the
command centre writes about them (发现干部、重用人才).

A member of the forces is a ``people.Person`` (kept once, by ID number) with what the campaign needs
to know about them: kind, unit, phone, skills, availability and — only for the few who use Cordon
themselves — an account. Every row carries the area it serves, so scoping is the same indexed prefix
match as everywhere else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Personnel(models.Model):
    """A person serving in the campaign: one row per person."""

    class Kind(models.TextChoices):
        CADRE = "cadre", _("Cadre")
        PARTY_MEMBER = "party_member", _("Party member")
        ACTIVIST = "activist", _("Party activist")
        MILITIA_RESERVE = "militia_reserve", _("Militia reserve")
        VOLUNTEER = "volunteer", _("Volunteer")
        MEDICAL = "medical", _("Medical staff")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    class Availability(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        DAYTIME = "daytime", _("Daytime")
        NIGHT = "night", _("Nights")
        ON_CALL = "on_call", _("On call")
        UNAVAILABLE = "unavailable", _("Unavailable")

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="personnel", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default=Availability.FULL_TIME
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personnel",
        verbose_name=_("account"),
    )
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("serves in"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "id"]
        indexes = [models.Index(fields=["area", "kind"], name="personnel_area_kind_idx")]
        verbose_name = _("personnel")
        verbose_name_plural = _("personnel")

    def __str__(self):
        return f"{self.person} ({self.get_kind_display()})"


class Team(models.Model):
    """A team with a leader, members and the area it works in."""

    class Kind(models.TextChoices):
        SCREENING = "screening", _("Screening team")
        DISINFECTION = "disinfection", _("Disinfection team")
        CHECKPOINT_CREW = "checkpoint_crew", _("Checkpoint crew")
        COUNSELLING = "counselling", _("Counselling team")
        INSPECTION = "inspection", _("Inspection team")
        OTHER = "other", _("Other team")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area of work"),
    )
    leader = models.ForeignKey(
        Personnel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
        verbose_name=_("leader"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="team_unique_name_in_area")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    """A person's membership of a team, from the day they joined to the day they left."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    personnel = models.ForeignKey(Personnel, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role in the team"), max_length=40, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "personnel"],
                condition=Q(left_on__isnull=True),
                name="team_member_once_active",
            )
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return f"{self.team_id}:{self.personnel_id}"


class Assignment(models.Model):
    """A team or one person sent to an area, a checkpoint and/or a duty shift, for some days.

    ``area`` is where the work is (the checkpoint's or the shift's village when one is given): the
    scope of the assignment.
    """

    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("team"),
    )
    personnel = models.ForeignKey(
        Personnel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("person"),
    )
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checkpoint"),
    )
    shift = models.ForeignKey(
        "checkpoints.DutyShift",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("duty shift"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True, personnel__isnull=False)
                | Q(team__isnull=False, personnel__isnull=True),
                name="assignment_team_or_personnel",
            )
        ]
        indexes = [models.Index(fields=["area", "starts_on"], name="assignment_area_start_idx")]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.team_id or self.personnel_id} → {self.area_id}"


class Commendation(models.Model):
    """A commendation or a note on a person, written by the command centre (发现干部、重用人才)."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("Commendation")
        NOTE = "note", _("Remark")

    personnel = models.ForeignKey(Personnel, on_delete=models.PROTECT, related_name="commendations")
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("commendation or note")
        verbose_name_plural = _("commendations and notes")

    def __str__(self):
        return f"{self.personnel_id} {self.kind}"
