"""A contact link carries the day its tracing happened, which the daily figures count it on.

Links made before: the day their observation period opened (``contact_add`` opens it on the day of
the tracing, typed-in-later tracing included); without a period, the local day they were entered, but
never before the last exposure.
"""

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    ContactLink = apps.get_model("cases", "ContactLink")
    links = ContactLink.objects.select_related("period").only(
        "pk", "traced_at", "last_exposure", "period__opened_on"
    )
    changed = []
    for link in links.iterator(chunk_size=2000):
        if link.period_id is not None:
            day = link.period.opened_on
        else:
            day = max(timezone.localtime(link.traced_at).date(), link.last_exposure)
        link.traced_on = day
        changed.append(link)
        if len(changed) >= 500:
            ContactLink.objects.bulk_update(changed, ["traced_on"])
            changed = []
    if changed:
        ContactLink.objects.bulk_update(changed, ["traced_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactlink",
            name="traced_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="traced on"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
