from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_user_username_case_insensitive_unique"),
        ("observation", "0002_shipped_editions"),
        ("people", "0005_arrival_day_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="period",
            name="period_area_status_end_idx",
        ),
        migrations.RemoveIndex(
            model_name="period",
            name="period_status_end_idx",
        ),
        migrations.AddIndex(
            model_name="period",
            index=models.Index(
                fields=[
                    "status",
                    "area",
                    "alert_open",
                    "checks_per_day",
                    "first_slot",
                    "planned_end",
                    "last_slot",
                    "opened_on",
                    "person",
                    "id",
                ],
                name="period_triage_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="period",
            index=models.Index(
                fields=[
                    "status",
                    "planned_end",
                    "id",
                    "area",
                    "alert_open",
                    "checks_per_day",
                    "first_slot",
                    "last_slot",
                ],
                name="period_triage_end_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="period",
            index=models.Index(
                condition=models.Q(("alert_open", True)),
                fields=["status", "area", "last_checked_at"],
                name="period_alert_checked_idx",
            ),
        ),
    ]
