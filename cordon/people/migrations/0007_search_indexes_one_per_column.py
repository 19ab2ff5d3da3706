"""One index per search column (issue 20): on PostgreSQL Django's db_index made two per text column
(a plain one and a "_like" one with the pattern operator class); the pattern one alone answers the
search's "=" and LIKE 'prefix%'. The household key is indexed only where set.

The fields' db_index changes only the state here: SQLite would rebuild the whole table once per
altered field (six copies of a million-row registry), so the old indexes are dropped by name.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The indexes Django made for db_index=True (PostgreSQL also had a "<name>_like" twin of each text one).
OLD = {
    "people_person_name_2a843d4b": "name",
    "people_person_name_pinyin_4d35398e": "name_pinyin",
    "people_person_name_initials_a0be91d8": "name_initials",
    "people_person_document_reversed_5b57f594": "document_reversed",
    "people_person_phone_13c6e3c0": "phone",
    "people_person_household_id_5312f7c5": "household_id",
}


def drop_old_indexes(apps, schema_editor):
    for name, column in OLD.items():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        if schema_editor.connection.vendor == "postgresql" and column != "household_id":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def restore_old_indexes(apps, schema_editor):
    for name, column in OLD.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "people_person" ("{column}")')
        if schema_editor.connection.vendor == "postgresql" and column != "household_id":
            schema_editor.execute(
                f'CREATE INDEX "{name}_like" ON "people_person" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_counsellor_role"),
        ("core", "0005_installation_key"),
        ("people", "0006_report_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="document_reversed",
                    field=models.CharField(blank=True, editable=False, max_length=30),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="household",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="members",
                        to="people.household",
                        verbose_name="household",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name",
                    field=models.CharField(max_length=40, verbose_name="name"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_initials",
                    field=models.CharField(editable=False, max_length=40),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_pinyin",
                    field=models.CharField(editable=False, max_length=160),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="phone",
                    field=models.CharField(blank=True, max_length=20, verbose_name="phone"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_old_indexes, restore_old_indexes)],
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name"], name="person_name_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["name_pinyin"], name="person_pinyin_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["name_initials"], name="person_initials_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["document_reversed"], name="person_doc_tail_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone"], name="person_phone_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("household__isnull", False)),
                fields=["household"],
                name="person_household_idx",
            ),
        ),
    ]
