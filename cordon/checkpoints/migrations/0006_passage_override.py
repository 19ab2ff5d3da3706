"""A passage let through though flagged is an override, marked and counted per day.

Passages logged before: an "allowed" entry whose flags held a sealed area without a pass, an
observation or a quarantine was such an override (then taken without a reason); it is marked, and
the day's roll-up counts it.
"""

from django.db import migrations, models
from django.db.models import Count

OVERRIDDEN = {"under_observation", "in_quarantine", "sealed_no_pass"}


def mark_overrides(apps, schema_editor):
    Passage = apps.get_model("checkpoints", "Passage")
    PassageDayCount = apps.get_model("checkpoints", "PassageDayCount")
    allowed = Passage.objects.filter(decision="allowed").exclude(flags=[]).values_list("pk", "flags")
    marked = [pk for pk, flags in allowed.iterator(chunk_size=2000) if OVERRIDDEN.intersection(flags or [])]
    for start in range(0, len(marked), 500):
        Passage.objects.filter(pk__in=marked[start : start + 500]).update(override=True)
    per_day = Passage.objects.filter(override=True).values("checkpoint_id", "day").annotate(n=Count("id"))
    for row in per_day.order_by():
        PassageDayCount.objects.filter(checkpoint_id=row["checkpoint_id"], day=row["day"]).update(
            overrides=row["n"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0005_passage_day_vehicles"),
    ]

    operations = [
        migrations.AddField(
            model_name="passage",
            name="override",
            field=models.BooleanField(default=False, verbose_name="override"),
        ),
        migrations.AddField(
            model_name="passagedaycount",
            name="overrides",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(mark_overrides, migrations.RunPython.noop),
    ]
