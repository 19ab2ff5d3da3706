"""The teams' stock (A10): protective items kept in stores and moved between them.

A store is the town's, a village's, a checkpoint's or a team's. Every change of stock is one row
(``Movement``) with a positive quantity: received into a store (from a supplier, or from another
store), issued out of a store (to another store, or to a sealed area's gate as a recorded delivery),
used up by the store's holders. An issue to another store writes two rows — issued at the source,
received at the destination, linked — so each store's and each area's figures are plain sums of its
own rows and always add up: received − issued − used = on hand.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.scope import AreaScopedQuerySet


class ScopedQuerySet(AreaScopedQuerySet):
    scope_field = "area_id"


class Item(models.Model):
    """A kind of protective supply counted in one unit, shared by the server's towns. Its warning
    level is the default a town starts from (``ItemLevel`` holds the level a town set)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    unit = models.CharField(_("unit"), max_length=10)
    warning_level = models.DecimalField(
        _("default warning level"), max_digits=12, decimal_places=2, default=0
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")

    def __str__(self):
        return self.name


class ItemLevel(models.Model):
    """The warning level a town set for an item: below it, the town's total stock is flagged."""

    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="levels")
    warning_level = models.DecimalField(_("warning level"), max_digits=12, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "item"], name="stock_level_once_per_town")]
        verbose_name = _("warning level")
        verbose_name_plural = _("warning levels")

    def __str__(self):
        return f"{self.area_id} {self.item_id} {self.warning_level}"


class Store(models.Model):
    """Where stock is kept: one per town and per village, and one per checkpoint and per team that
    holds any."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town store")
        VILLAGE = "village", _("Village store")
        CHECKPOINT = "checkpoint", _("Checkpoint store")
        TEAM = "team", _("Team store")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The area's, team's or checkpoint's own name, as it was when the store was set up.
    name = models.CharField(_("name"), max_length=60)
    area = models.ForeignKey(
        "accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    team = models.OneToOneField(
        "forces.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="store"
    )
    checkpoint = models.OneToOneField(
        "checkpoints.Checkpoint", null=True, blank=True, on_delete=models.PROTECT, related_name="store"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"], condition=Q(kind__in=["town", "village"]), name="stock_store_one_per_area"
            ),
            models.CheckConstraint(
                condition=Q(kind="team", team__isnull=False) | ~Q(kind="team"),
                name="stock_team_store_has_team",
            ),
            models.CheckConstraint(
                condition=Q(kind="checkpoint", checkpoint__isnull=False) | ~Q(kind="checkpoint"),
                name="stock_checkpoint_store_has_checkpoint",
            ),
        ]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """ "四间房村（村物资库）": the name with the kind of store, in the reader's language."""
        return f"{self.name}（{self.get_kind_display()}）"


class Movement(models.Model):
    """One change of one item's stock in one store."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ISSUED = "issued", _("Issued")
        USED = "used", _("Used")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="movements")
    # The store's area, copied: the scope and the figures read it without a join.
    area = models.ForeignKey("accounts.Area", to_field="code", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    at = models.DateTimeField(_("when"))
    day = models.DateField(_("day"))  # ``at``'s local day: figures group by it without a time-zone cut
    # An issue to another store and the receipt it made there point at each other's store.
    counterpart = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="counterpart_of"
    )
    other_store = models.ForeignKey(
        Store, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to / from")
    )
    # An issue that is a delivery to a sealed area's gate already recorded there: counted once.
    delivery = models.OneToOneField(
        "lockdowns.SupplyDelivery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_issue",
        verbose_name=_("delivery to a sealed gate"),
    )
    party = models.CharField(_("supplier or recipient"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The key the page or phone gave the act: sent twice, it is recorded once.
    client_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["store", "item", "day"], name="stock_move_store_item_day"),
            models.Index(fields=["area", "day"], name="stock_move_area_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_movement_quantity_positive"),
        ]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_id} {self.quantity}"

    @property
    def sign(self) -> int:
        return 1 if self.kind == self.Kind.RECEIVED else -1
