"""Period.moved_on: the day of a period's latest move between modes, so that a past day's report
counts each period in the mode it was in that day. Filled from the transfers the plans already hold."""

import datetime as dt

from django.db import migrations, models


def fill(apps, schema_editor):
    Period = apps.get_model("observation", "Period")
    moved = []
    for period in Period.objects.filter(plan__has_key="transfers").only("id", "plan").iterator():
        transfers = (period.plan or {}).get("transfers") or []
        if transfers:
            period.moved_on = dt.date.fromisoformat(max(move["on"] for move in transfers))
            moved.append(period)
    Period.objects.bulk_update(moved, ["moved_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0007_lab_test_tube_retest"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="period",
            name="period_report_idx",
        ),
        migrations.AddField(
            model_name="period",
            name="moved_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="period",
            index=models.Index(
                fields=[
                    "area",
                    "opened_on",
                    "actual_end",
                    "status",
                    "mode",
                    "moved_on",
                    "reason",
                    "arrival",
                    "person",
                    "id",
                ],
                name="period_report_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
