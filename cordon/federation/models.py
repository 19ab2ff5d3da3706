"""The other servers this one exchanges with, what waits to be sent to them, and what came from them.

An instance knows its **parent** (the county's server, for a town's) and its **children** (the towns'
servers, for a county's), each by URL and Ed25519 public key, set up once by the command centres. A
sent report becomes a signed package (``packages``), queued in the ``Outbox`` until the parent took
it; a package taken from a child is kept whole in ``Inbox`` (its digest refuses a replay).

The peers' areas are national division codes (``area_code``), not foreign keys: a town's server
need not hold its county's area row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Peer(models.Model):
    class Kind(models.TextChoices):
        PARENT = "parent", _("Parent server")
        CHILD = "child", _("Child server")
        # A server beside this one (another county's): only hand-overs of people cross to it.
        NEIGHBOUR = "neighbour", _("Neighbouring server")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), blank=True, help_text=_("Empty when packages go by file only."))
    area_code = models.CharField(_("area code"), max_length=12)
    public_key = models.CharField(_("public key"), max_length=64)
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="parent"), name="federation_one_parent"
            )
        ]
        verbose_name = _("federated server")
        verbose_name_plural = _("federated servers")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name} ({self.area_code})"


class Outbox(models.Model):
    """A signed package waiting for (or taken by) the parent; retried with backoff while it is down."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Delivered")
        REFUSED = "refused", _("Refused by the receiver")

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=20)
    area_code = models.CharField(max_length=12)
    day = models.DateField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    package = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing package")
        verbose_name_plural = _("outgoing packages")

    def __str__(self):
        return f"{self.kind} {self.area_code} {self.day} v{self.version} → {self.peer_id}"


class Inbox(models.Model):
    """A package taken from a child, kept as received (the version it stored is a ``DailyReport``)."""

    key_id = models.CharField(max_length=16)
    kind = models.CharField(max_length=20)
    area_code = models.CharField(max_length=12)
    day = models.DateField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    package = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10)  # "api" or "file"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received package")
        verbose_name_plural = _("received packages")

    def __str__(self):
        return f"{self.kind} {self.area_code} {self.day} v{self.version} ← {self.key_id}"


class RemoteHandover(models.Model):
    """A person handed to (``out``) or from (``in``) a town on another server, as signed packages.

    The sender's row keeps its person and period until the receiver's answer says accepted; the
    receiver's row holds what the package carried until its command centre decides, then the person
    and the period it made. ``uid`` is the sender's, the same on both servers."""

    class Direction(models.TextChoices):
        OUT = "out", _("Handed to another server")
        IN = "in", _("Handed from another server")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the receiver")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    uid = models.CharField(max_length=32)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="handovers")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    from_code = models.CharField(_("from"), max_length=12)
    from_name = models.CharField(max_length=100)
    to_code = models.CharField(_("to"), max_length=12)
    to_name = models.CharField(max_length=100)
    person_name = models.CharField(_("name"), max_length=40)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    # The package's person and period (erased on decline).
    content = models.JSONField(default=dict, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        "observation.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    handed_on = models.DateField(_("handed over on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "uid"], name="federation_handover_uid"),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending", direction="out"),
                name="federation_handover_one_pending_out",
            ),
        ]
        verbose_name = _("hand-over to another server")
        verbose_name_plural = _("hand-overs to other servers")

    def __str__(self):
        return f"{self.direction} {self.uid} {self.from_code} → {self.to_code} ({self.status})"
