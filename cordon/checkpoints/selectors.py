from django.db.models import Count, Q

from cordon.checkpoints.models import Checkpoint


def checkpoints_for(user, *, area_code: str = "", kind: str = "", status: str = ""):
    """Checkpoints the user reaches, filtered as the list asks, with their area in the same query."""
    checkpoints = Checkpoint.objects.visible_to(user).select_related("area")
    if area_code:
        checkpoints = checkpoints.within(area_code)
    if kind:
        checkpoints = checkpoints.filter(kind=kind)
    if status:
        checkpoints = checkpoints.filter(status=status)
    return checkpoints.order_by("area_id", "name")


def checkpoint_counts(checkpoints) -> dict:
    """How many of the listed checkpoints there are, by kind and open around the clock: one query."""
    return checkpoints.aggregate(
        total=Count("pk"),
        stations=Count("pk", filter=Q(kind=Checkpoint.Kind.INSPECTION_STATION)),
        open_24h=Count("pk", filter=Q(status=Checkpoint.Status.OPEN_24H)),
        closed=Count("pk", filter=Q(status=Checkpoint.Status.CLOSED)),
    )
