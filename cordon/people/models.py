from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Household(models.Model):
    """A household: the unit for passes, shared phones and purchase rotation."""

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    address = models.CharField(_("address"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "address"]
        constraints = [models.UniqueConstraint(fields=["area", "address"], name="household_unique_address")]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.address


class Person(models.Model):
    """One real person, kept once: a known document number finds the existing person.

    Indexes are chosen for a million rows: the search columns, the scope (area first in the
    (area, name) index) and the unique document number; foreign keys nobody filters a big list by
    carry no index of their own (each one costs every import row).

    The search columns (pinyin, initials, reversed document number) are derived from the name and
    number by the services, so a search is an indexed prefix match.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Document(models.TextChoices):
        MAINLAND_ID = "mainland_id", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        HK_MACAU_PERMIT = "hk_macau_permit", _("Mainland travel permit for Hong Kong and Macau residents")
        TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
        OTHER = "other", _("Other document")
        NONE = "none", _("No document")

    name = models.CharField(_("name"), max_length=40)
    name_pinyin = models.CharField(max_length=160, editable=False)
    name_initials = models.CharField(max_length=40, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    document_type = models.CharField(
        _("document"), max_length=20, choices=Document.choices, default=Document.MAINLAND_ID
    )
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    # The number reversed, so "the last digits" is an indexed prefix match.
    document_reversed = models.CharField(max_length=30, editable=False, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Indexed only where filled (see Meta): nearly every row's is empty, and an index whose statistics
    # say "a million rows per value" is one SQLite will not use.
    phone_other = models.CharField(_("other phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
        db_index=False,  # indexed only where set (see Meta): an imported person has no household
    )
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village of residence"),
        db_index=False,
    )
    address = models.CharField(_("current address"), max_length=200, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    import_batch = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=~Q(document_number=""),
                name="person_unique_document",
            ),
        ]
        indexes = [
            models.Index(fields=["area", "name"], name="person_area_name_idx"),
            # The search columns, one index each. On PostgreSQL the pattern operator class answers both
            # "=" and LIKE 'prefix%' (core.search.prefix_q), so one index per column does what
            # Django's db_index did with two (a plain one and a "_like" one): five fewer indexes for
            # every imported row to update. SQLite ignores the operator class.
            *(
                models.Index(fields=[column], name=f"person_{label}_idx", opclasses=["varchar_pattern_ops"])
                for column, label in (
                    ("name", "name"),
                    ("name_pinyin", "pinyin"),
                    ("name_initials", "initials"),
                    ("document_reversed", "doc_tail"),
                    ("phone", "phone"),
                )
            ),
            models.Index(fields=["phone_other"], condition=~Q(phone_other=""), name="person_phone_other_idx"),
            models.Index(
                fields=["household"], condition=Q(household__isnull=False), name="person_household_idx"
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name


class RiskCategory(models.Model):
    """A ledger category and the rule that puts an arrival in it. Data, not constants.

    ``origins`` lists division-code prefixes ("4201" 武汉, "42" 湖北), or "@county" / "@province" for
    the county or province of the village the person arrives in, "*" for anywhere, or "?" for an
    origin that could not be resolved to a code. The category
    applies to arrivals between ``valid_from`` and ``valid_to``; the first match by ``priority`` wins.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    origins = models.CharField(_("origins"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")

    def __str__(self):
        return self.name


class Arrival(models.Model):
    """An arrival in the town: where from, how, when, and the ledger (category) it belongs to.

    The ledger index (area, category, day) serves a village's ledgers, (category, day) and (day) a
    town's newest-first pages, and the unique (person, day) a person's arrivals: the foreign keys need
    no indexes of their own.
    """

    class Means(models.TextChoices):
        CAR = "car", _("Car")
        TRAIN = "train", _("Train")
        FLIGHT = "flight", _("Flight")
        BUS = "bus", _("Bus")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PRESENT = "present", _("In the area")
        LEFT = "left", _("Left the area")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="arrivals", verbose_name=_("person"), db_index=False
    )
    area = models.ForeignKey(
        "accounts.Area",
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        db_index=False,
    )
    origin_code = models.CharField(_("origin code"), max_length=12, blank=True)
    origin_text = models.CharField(_("origin"), max_length=100)
    means = models.CharField(_("means of travel"), max_length=10, choices=Means.choices, blank=True)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    transport_number = models.CharField(_("train or flight number"), max_length=20, blank=True)
    route = models.CharField(_("route"), max_length=200, blank=True)
    arrival_date = models.DateField(_("arrival date"))
    category = models.ForeignKey(
        RiskCategory,
        to_field="code",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        db_index=False,
    )
    category_manual = models.BooleanField(_("classified by hand"), default=False)
    category_reason = models.CharField(_("reason for the category"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("screened by"),
        db_index=False,
    )
    screening_team = models.CharField(_("screening team"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    import_batch = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-arrival_date", "-id"]
        constraints = [
            # One arrival per person and day: a re-sent ledger updates it instead of adding another.
            models.UniqueConstraint(fields=["person", "arrival_date"], name="arrival_unique_person_day"),
        ]
        indexes = [
            models.Index(fields=["area", "category", "arrival_date"], name="arrival_ledger_idx"),
            # A category's arrivals, by day; with their key, so that the periods of a category's
            # arrivals (the report's 湖北旅居史 under observation) join to it without the rows.
            models.Index(fields=["category", "arrival_date", "id"], name="arrival_category_day_id_idx"),
            # A town's ledger walked by day (newest first); the dashboard's arrivals per day and
            # category over a county, from this index alone (every row in a window, no heap visit).
            models.Index(fields=["arrival_date", "category", "area"], name="arrival_day_category_area_idx"),
        ]
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")

    def __str__(self):
        return f"{self.person} · {self.arrival_date:%Y-%m-%d} · {self.origin_text}"


class HeaderMapping(models.Model):
    """A column header a town uses, mapped once by a user to a ledger field, and remembered."""

    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    header = models.CharField(max_length=60)
    field = models.CharField(max_length=30)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "header"], name="header_mapping_unique")]

    def __str__(self):
        return f"{self.header} → {self.field}"
