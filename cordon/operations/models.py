"""Field operations: disinfection (消杀) tasks and their rounds, counselling (心理疏导) sessions, notices
(宣传) and rumours with their rebuttals (辟谣).

A disinfection task plans its rounds when it is created (one row per planned date), so "overdue" is a
plain indexed filter — planned date passed, not done — and a round recorded twice for the same date
is the same row. Counselling sessions are sensitive: only counsellors and the commander read them,
every read is written to the access log, and they are never exported.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.accounts.scope import visible_prefixes
from cordon.core.scope import AreaScopedQuerySet, prefixes_q


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class NoticeQuerySet(ScopedQuerySet):
    def visible_to(self, user, roles=None):
        """A notice is read where it was issued, and, once published, in every area it is addressed
        to: the village that reads a town's notice out on its loudspeaker sees it."""
        issued = super().visible_to(user, roles)
        audience = prefixes_q("audience__code", visible_prefixes(user, roles))
        if audience is None:
            return issued
        addressed = self.filter(audience, status="published").values("pk")
        return self.filter(models.Q(pk__in=issued.values("pk")) | models.Q(pk__in=addressed))


def _area(verbose_name=None, **kwargs):
    return models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name or _("area"),
        **kwargs,
    )


class DisinfectionTaskQuerySet(ScopedQuerySet):
    def with_counts(self, today):
        """Each task with its number of rounds, rounds done and rounds overdue on ``today``."""
        return self.annotate(
            rounds_total=models.Count("round_set", distinct=True),
            rounds_done=models.Count("round_set", filter=Q(round_set__done_at__isnull=False), distinct=True),
            rounds_overdue=models.Count(
                "round_set",
                filter=Q(round_set__done_at__isnull=True, round_set__planned_on__lt=today),
                distinct=True,
            ),
        )


class DisinfectionTask(models.Model):
    """Disinfection of one target (a house, a road, an alley, a public place, a whole village) with an
    agent at a concentration, by a method, over an area, in rounds every N days from a start date."""

    class Kind(models.TextChoices):
        HOUSE = "house", _("House")
        ROAD = "road", _("Road")
        ALLEY = "alley", _("Alley")
        PUBLIC_PLACE = "public_place", _("Public place")
        VILLAGE = "village", _("Whole village")

    class Method(models.TextChoices):
        SPRAY = "spray", _("Spray")
        WIPE = "wipe", _("Wipe")
        SOAK = "soak", _("Soak")
        FUMIGATE = "fumigate", _("Fumigate")
        MOP = "mop", _("Mop")

    class Unit(models.TextChoices):
        MG_L = "mg/L", _("mg/L (available chlorine)")
        PERCENT = "%", _("% (by volume)")
        PPM = "ppm", _("ppm")

    area = _area()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("target"), max_length=200)
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("household"),
    )
    people = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name=_("whose home it is")
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    agent = models.CharField(_("agent"), max_length=60)
    concentration = models.DecimalField(_("concentration"), max_digits=10, decimal_places=2)
    concentration_unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.MG_L)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    area_m2 = models.DecimalField(_("area covered (m²)"), max_digits=10, decimal_places=1)
    starts_on = models.DateField(_("first round"))
    every_days = models.PositiveSmallIntegerField(_("every how many days"), default=1)
    rounds = models.PositiveSmallIntegerField(_("number of rounds"))
    team = models.ForeignKey(
        "forces.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    client_id = models.CharField(max_length=36, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DisinfectionTaskQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concentration__gt=0), name="disinfection_concentration_positive"
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="disinfection_area_positive"),
            models.CheckConstraint(condition=Q(every_days__gte=1), name="disinfection_every_days_positive"),
            models.CheckConstraint(condition=Q(rounds__gte=1), name="disinfection_rounds_positive"),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~Q(client_id=""),
                name="disinfection_client_once",
            ),
        ]
        indexes = [models.Index(fields=["area", "kind"], name="disinfection_area_kind_idx")]
        verbose_name = _("disinfection task")
        verbose_name_plural = _("disinfection tasks")

    def __str__(self):
        return f"{self.get_kind_display()}：{self.target}"

    @property
    def concentration_label(self) -> str:
        return f"{self.concentration.normalize():f} {self.concentration_unit}"


class DisinfectionRound(models.Model):
    """One planned round of a task, and its record once done: when, by whom, a note, a photo."""

    task = models.ForeignKey(DisinfectionTask, on_delete=models.CASCADE, related_name="round_set")
    planned_on = models.DateField(_("planned for"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to="operations/disinfection/%Y/%m/", blank=True)

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "planned_on"], name="disinfection_round_once_a_day")
        ]
        indexes = [
            # Overdue rounds: not done, planned before today.
            models.Index(
                fields=["planned_on"], condition=Q(done_at__isnull=True), name="disinfection_round_open_idx"
            )
        ]
        verbose_name = _("disinfection round")
        verbose_name_plural = _("disinfection rounds")

    def __str__(self):
        return f"{self.task_id} {self.planned_on}"

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.planned_on < today


class CounsellingSession(models.Model):
    """A counsellor's session with a person or a household. Sensitive: read only by counsellors and
    the commander of the area, every read logged, never exported."""

    class Mode(models.TextChoices):
        VISIT = "visit", _("Home visit")
        PHONE = "phone", _("Phone")
        GROUP = "group", _("Group session")

    area = _area()
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("household"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counsellor")
    )
    held_on = models.DateField(_("date"))
    mode = models.CharField(_("counselling mode"), max_length=10, choices=Mode.choices)
    concerns = models.TextField(_("concerns"), max_length=2000)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    client_id = models.CharField(max_length=36, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False), name="counselling_has_someone"
            ),
            models.CheckConstraint(
                condition=Q(follow_up_needed=False) | Q(follow_up_on__isnull=False),
                name="counselling_follow_up_dated",
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_id"], condition=~Q(client_id=""), name="counselling_client_once"
            ),
        ]
        indexes = [models.Index(fields=["area", "held_on"], name="counselling_area_day_idx")]
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")

    def __str__(self):
        return f"{self.held_on} {self.get_mode_display()}"

    @property
    def who(self) -> str:
        if self.person_id:
            return self.person.name
        return self.household.address if self.household_id else ""


class Notice(models.Model):
    """A notice (宣传) to the town or chosen villages, through one or more channels; a draft until
    published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Channel(models.TextChoices):
        LOUDSPEAKER = "loudspeaker", _("Loudspeaker (大喇叭)")
        POSTER = "poster", _("Posters")
        CHAT = "chat", _("Chat groups (微信群)")
        VAN = "van", _("Broadcast van (宣传车)")

    # The issuing area: the town for a town-wide notice, a village for a village's own.
    area = _area(_("issued for"))
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=5000)
    audience = models.ManyToManyField("accounts.Area", related_name="+", verbose_name=_("audience"))
    channels = models.JSONField(_("channels"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status"], name="notice_area_status_idx")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.title

    def channel_labels(self) -> list[str]:
        labels = dict(self.Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class Rumour(models.Model):
    """A rumour heard in an area: what, where, when, who reported it; its verification; its rebuttal."""

    class Verification(models.TextChoices):
        REPORTED = "reported", _("Reported")
        VERIFYING = "verifying", _("Being verified")
        FALSE = "false", _("False")
        TRUE = "true", _("True")
        PARTLY_TRUE = "partly_true", _("Partly true")

    class Status(models.TextChoices):
        OPEN = "open", _("Open (not yet rebutted)")
        REBUTTED = "rebutted", _("Rebutted")
        CLOSED = "closed", _("Closed (true, no rebuttal)")

    area = _area(_("where"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    heard_on = models.DateField(_("heard on"))
    content = models.TextField(_("what was heard"), max_length=2000)
    reported_by_name = models.CharField(_("reporter"), max_length=40)
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default=Verification.REPORTED
    )
    finding = models.TextField(_("verification finding"), max_length=2000, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rebuttal = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rumours",
        verbose_name=_("rebuttal"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    client_id = models.CharField(max_length=36, blank=True, editable=False)  # a double tap, absorbed

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-heard_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"], condition=~Q(client_id=""), name="rumour_client_once"
            )
        ]
        indexes = [models.Index(fields=["area", "status"], name="rumour_area_status_idx")]
        verbose_name = _("rumour")
        verbose_name_plural = _("rumours")

    def __str__(self):
        return self.content[:40]
