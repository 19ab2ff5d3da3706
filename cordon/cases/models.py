"""Cases, their close contacts, quarantine sites and placements — the records of a transmission chain.

The chain is a graph whose edges are contact links (a case → a person it exposed). When a contact
becomes a case, the link keeps that case in ``contact_case`` (set by the services), so walking the
chain is a recursive query over one indexed table and never touches people or periods. A case known
only by its number elsewhere (廊坊市第20例, who lived outside the town) is a case without a person:
its contacts are linked to it like any case's, and when it is registered later the person is filled
in and every link stays.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


def _area(verbose_name, **kwargs):
    return models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


class Case(models.Model):
    """A suspected, confirmed or asymptomatic case (or one excluded), in the area of its person — or,
    for a case known only elsewhere, of the town that recorded it."""

    class Classification(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected")
        CONFIRMED = "confirmed", _("Confirmed")
        ASYMPTOMATIC = "asymptomatic", _("Asymptomatic")
        EXCLUDED = "excluded", _("Excluded")

    class Outcome(models.TextChoices):
        IN_HOSPITAL = "in_hospital", _("In hospital")
        DISCHARGED = "discharged", _("Discharged")
        DIED = "died", _("Died")

    person = models.OneToOneField(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name=_("person"),
    )
    area = _area(_("area"))
    authority = models.CharField(_("numbering authority"), max_length=40, blank=True)
    number = models.CharField(_("case number"), max_length=20, blank=True)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    isolated_on = models.DateField(_("isolated on"), null=True, blank=True)
    reporting_source = models.CharField(_("reported by"), max_length=100, blank=True)
    hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    # For a case known only elsewhere: who they are and where they live, in words.
    external_name = models.CharField(_("name"), max_length=40, blank=True)
    external_note = models.CharField(_("where the case lives"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "number"],
                condition=~Q(number=""),
                name="case_number_unique_per_authority",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(number=""), name="case_external_has_number"
            ),
        ]
        indexes = [models.Index(fields=["area", "classification"], name="case_area_class_idx")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """廊坊市第23例, or the person's name for a case without a number yet."""
        if self.number:
            return _("%(authority)s case %(number)s") % {"authority": self.authority, "number": self.number}
        return self.person.name if self.person_id else ""

    @property
    def is_external(self) -> bool:
        return self.person_id is None

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else self.external_name


class ClassificationChange(models.Model):
    """One step of a case's classification history: suspected → confirmed, … — dated and by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="classifications")
    classification = models.CharField(_("classification"), max_length=20, choices=Case.Classification.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self):
        return f"{self.case} · {self.classification} · {self.on:%Y-%m-%d}"


class ContactLink(models.Model):
    """A person exposed to a case: degree, setting, exposure dates, who traced it.

    A secondary contact (次密接) is a contact of a close contact: ``via`` names the close contact's
    link, and ``case`` is that link's case. The link sits in the area of the contact, so a viewer
    sees the contacts living in their own areas and nothing of the others.
    """

    class Degree(models.TextChoices):
        CLOSE = "close", _("Close contact")
        SECONDARY = "secondary", _("Secondary contact")
        GENERAL = "general", _("General contact")

    class Setting(models.TextChoices):
        HOUSEHOLD = "household", _("Same household")
        WORK = "work", _("Work")
        MEAL = "meal", _("Shared meal")
        VEHICLE = "vehicle", _("Shared vehicle")
        CARE = "care", _("Care-giving")
        MEDICAL = "medical", _("Medical care")
        SOCIAL = "social", _("Social or family visit")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts", db_index=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="contact_links", verbose_name=_("person")
    )
    area = _area(_("village"), db_index=False)
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, default=Degree.CLOSE)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices)
    first_exposure = models.DateField(_("first exposure"))
    last_exposure = models.DateField(_("last exposure"))
    via = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondary",
        verbose_name=_("via"),
    )
    # The contact's own case, once they became one (kept by the services): the chain's next step.
    contact_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_links", db_index=False
    )
    period = models.ForeignKey(
        "observation.Period", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    traced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    traced_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["last_exposure", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case"),
            models.CheckConstraint(
                condition=Q(last_exposure__gte=F("first_exposure")), name="contact_exposure_order"
            ),
        ]
        indexes = [
            # The chain walks down (case → the cases among its contacts) and up (case → its sources).
            models.Index(fields=["case", "contact_case"], name="contact_down_idx"),
            models.Index(
                fields=["contact_case", "case"],
                condition=Q(contact_case__isnull=False),
                name="contact_up_idx",
            ),
            models.Index(fields=["area", "last_exposure"], name="contact_area_idx"),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.case} → {self.person}"


class QuarantineSite(models.Model):
    """A place of centralised quarantine (a hotel, a hospital ward) with its capacity."""

    name = models.CharField(_("name"), max_length=100)
    area = _area(_("area"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    rooms = models.CharField(_("rooms"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="site_name_unique_in_area")]
        verbose_name = _("quarantine site")
        verbose_name_plural = _("quarantine sites")

    def __str__(self):
        return self.name


class Placement(models.Model):
    """A person's stay at a quarantine site: in, out, and how it ended. One open stay per person."""

    class Outcome(models.TextChoices):
        RELEASED = "released", _("Released")
        HOSPITAL = "hospital", _("Moved to hospital")
        BECAME_CASE = "became_case", _("Became a case")
        MOVED = "moved", _("Moved to another site")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="placements")
    # The person's area: the village clerk sees that their villager is in quarantine, and where.
    area = _area(_("village"))
    site = models.ForeignKey(QuarantineSite, on_delete=models.PROTECT, related_name="placements")
    room = models.CharField(_("room"), max_length=20, blank=True)
    placed_on = models.DateField(_("in on"))
    transport = models.CharField(_("transport"), max_length=100, blank=True)
    left_on = models.DateField(_("out on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("about the outcome"), max_length=200, blank=True)
    period = models.ForeignKey(
        "observation.Period", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    contact = models.ForeignKey(
        ContactLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="placement_one_open_per_person"
            ),
        ]
        indexes = [models.Index(fields=["site", "left_on"], name="placement_site_open_idx")]
        verbose_name = _("quarantine placement")
        verbose_name_plural = _("quarantine placements")

    def __str__(self):
        return f"{self.person} @ {self.site}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None
