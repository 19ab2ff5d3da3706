"""A person with a fever let through is an override like any other flag.

Passages logged before: an "allowed" entry flagged with a fever (and no other flag, which 0006 marked
already) was such an override, taken without a reason; it is marked, and the day's roll-up recounts
its overrides.
"""

from django.db import migrations
from django.db.models import Count


def mark_fevers(apps, schema_editor):
    Passage = apps.get_model("checkpoints", "Passage")
    PassageDayCount = apps.get_model("checkpoints", "PassageDayCount")
    allowed = Passage.objects.filter(decision="allowed", fever=True, override=False)
    days = set(allowed.values_list("checkpoint_id", "day").distinct().order_by())
    if not days:
        return
    allowed.update(override=True)
    per_day = Passage.objects.filter(override=True).values("checkpoint_id", "day").annotate(n=Count("id"))
    for row in per_day.order_by():
        if (row["checkpoint_id"], row["day"]) in days:
            PassageDayCount.objects.filter(checkpoint_id=row["checkpoint_id"], day=row["day"]).update(
                overrides=row["n"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0007_passage_shown_code"),
    ]

    operations = [
        migrations.RunPython(mark_fevers, migrations.RunPython.noop),
    ]
