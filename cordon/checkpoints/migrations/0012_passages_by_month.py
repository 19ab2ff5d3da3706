"""On PostgreSQL, the passages table becomes partitioned by month (``PARTITION BY RANGE (day)``), so that
retention drops old months whole; on SQLite nothing changes (a town's volume does not need it).

The table is rebuilt: the old one renamed, a partitioned one made like it (columns, defaults, checks,
the identity and its sequence's position), a partition for every month its rows hold plus the months
ahead and a DEFAULT one, the rows copied in one statement, then the keys and indexes built (faster on
full partitions than kept up row by row): the primary key becomes ``(id, day)`` and every unique
constraint already holds ``day`` (0011). Foreign keys from the passages are made again as they were;
none points at them any more (0011). One transaction: a failure leaves the table as it was.
"""

from django.db import migrations
from django.utils import timezone

from cordon.core import partitions

TABLE = "checkpoints_passage"
OLD = f"{TABLE}_old"


def _rebuild(cursor, *, partitioned: bool, today) -> None:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY conname",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
        [TABLE],
    )
    indexes = cursor.fetchall()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 — the catalog's name
    last_value, is_called = cursor.fetchone()
    cursor.execute(f"SELECT MIN(day), MAX(day) FROM {TABLE}")  # noqa: S608
    first, last = cursor.fetchone()

    # The old table's unique keys and indexes are dropped (their names are the new table's), then it and
    # its sequence step aside. Its foreign keys stay until it is dropped: their names are per table.
    for name, _definition, kind in constraints:
        if kind in ("p", "u"):
            cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {OLD}_id_seq")

    like = (
        f"(LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE "
        "INCLUDING COMMENTS)"
    )
    if partitioned:
        cursor.execute(f"CREATE TABLE {TABLE} {like} PARTITION BY RANGE (day)")
        cursor.execute(f"CREATE TABLE {partitions.default_name(TABLE)} PARTITION OF {TABLE} DEFAULT")
        if first is not None:
            start = partitions.month_start(first)
            while start <= last:
                end = partitions.next_month(start)
                cursor.execute(
                    f"CREATE TABLE {partitions.month_name(TABLE, start)} PARTITION OF {TABLE} "
                    f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
                )
                start = end
    else:
        cursor.execute(f"CREATE TABLE {TABLE} {like}")
    cursor.execute(
        "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [OLD],
    )
    columns = cursor.fetchone()[0]
    cursor.execute(f"INSERT INTO {TABLE} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {OLD}")  # noqa: S608
    cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, last_value, is_called])

    for name, definition, kind in constraints:
        if kind == "p":
            definition = "PRIMARY KEY (id, day)" if partitioned else "PRIMARY KEY (id)"
        elif kind == "u" and partitioned and "day" not in definition:
            raise RuntimeError(f"{name} ({definition}) must hold day to be kept on the partitioned table")
        if kind in ("p", "u"):
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:  # read before the rename: they name the table as it is now
        cursor.execute(definition)
    for name, definition, kind in constraints:
        if kind == "f":
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f"DROP TABLE {OLD}")
    if partitioned:
        partitions.months_make(TABLE, "day", today=today)


def by_month(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or partitions.is_partitioned(TABLE):
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=True, today=timezone.localdate())


def one_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not partitions.is_partitioned(TABLE):
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=False, today=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0011_passage_keys_for_partitions"),
    ]

    operations = [migrations.RunPython(by_month, one_table, elidable=False)]
