"""The home page's figures: for each top area a user reaches, what lies below it."""

from cordon.accounts import selectors as area_selectors
from cordon.accounts.models import Area, User
from cordon.checkpoints.models import Checkpoint
from cordon.checkpoints.selectors import checkpoint_counts, counted_under_areas
from cordon.observation.selectors import triage_counts


def home_overview(user) -> list[dict]:
    """One section per top area of the user: the area's own figures and its children with theirs.

    A town's command centre sees its villages with their checkpoints and accounts; a village clerk sees
    their village, its checkpoints and colleagues. Every figure is counted through the scope.
    """
    sections = []
    for area in area_selectors.top_areas(user):
        checkpoints = Checkpoint.objects.visible_to(user).within(area)
        section = {
            "area": area,
            "ancestors": area_selectors.ancestors(area),
            "counts": checkpoint_counts(checkpoints),
            "subarea_count": Area.objects.within(area).exclude(code=area.code).count(),
            "account_count": User.objects.visible_to(user).within(area).filter(is_active=True).count(),
            "children": area_selectors.child_summaries(area, counted_under_areas()),
            # Open alerts show here until someone closes them, with the rest of the triage.
            "observation": triage_counts(user, area.code),
        }
        if area.is_village_level:
            section["checkpoints"] = checkpoints.select_related("area")
            section["colleagues"] = area_selectors.colleagues(user, area)
        sections.append(section)
    return sections
