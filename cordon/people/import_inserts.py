"""How an import writes its new rows: ids allocated in one step and rows inserted through each
database's fast path (``FastInserts``, the part of ``import_writer.Writer`` that talks to the tables)."""

from __future__ import annotations

from django.db import connection

from cordon.people.models import Arrival, Person

PERSON_COLUMNS = (
    "id",
    "name",
    "name_pinyin",
    "name_initials",
    "sex",
    "birth_date",
    "document_type",
    "document_number",
    "document_reversed",
    "phone",
    "phone_other",
    "area_id",
    "address",
    "registered_address",
    "note",
    "import_batch_id",
    "created_at",
    "updated_at",
    "created_by_id",
)
ARRIVAL_COLUMNS = (
    "person_id",
    "area_id",
    "origin_code",
    "origin_text",
    "means",
    "plate",
    "transport_number",
    "route",
    "arrival_date",
    "category_id",
    "category_manual",
    "category_reason",
    "status",
    "screened_by_id",
    "screening_team",
    "note",
    "import_batch_id",
    "created_at",
    "updated_at",
)
# Fields a re-sent ledger may change on a known person / arrival (when the cell is filled). Never the
# name: a known number under another name is a conflict (people.identity), not a correction.


class FastInserts:
    """Mixed into ``Writer``: it reads the writer's connection target and its tables."""

    def _target(self):
        from cordon.core.models import Job

        return Job.objects.get(pk=self.batch_id) if self.batch_id else self.area

    def _allocate_ids(self, table: str, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
                    "FROM generate_series(1, %s)",
                    [count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: Django's IMMEDIATE transactions hold the write lock, so nobody takes these ids.
            # AUTOINCREMENT remembers the highest id ever used: a deleted (merged-away) person's id is
            # never handed out again, so a new person never inherits its history.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            start = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
            return list(range(start + 1, start + 1 + count))

    def _insert(self, table: str, columns: tuple, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The raw psycopg cursor raises psycopg's own errors; Django's wrapper turns a clash
                # into the IntegrityError that flush() retries on.
                copying = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with connection.wrap_database_errors, cursor.cursor.copy(copying) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608

    def _insert_people(self, new_people: list[dict]) -> None:
        if not new_people:
            return
        ids = self._allocate_ids(Person._meta.db_table, len(new_people))
        adapt_date = connection.ops.adapt_datefield_value
        now = connection.ops.adapt_datetimefield_value(self.now)
        rows = []
        for person_id, p in zip(ids, new_people, strict=True):
            p["id"] = person_id
            self.created_rows[person_id] = p["_row"]
            rows.append(
                (
                    person_id,
                    p["name"],
                    p["name_pinyin"],
                    p["name_initials"],
                    p["sex"],
                    adapt_date(p["birth_date"]),
                    p["document_type"],
                    p["document_number"],
                    p["document_number"][::-1],
                    p["phone"],
                    p["phone_other"],
                    p["area_id"],
                    p["address"],
                    p["registered_address"],
                    p["note"],
                    self.batch_id,
                    now,
                    now,
                    self.actor.pk,
                )
            )
        self._insert(Person._meta.db_table, PERSON_COLUMNS, rows)

    def _insert_arrivals(self, new_arrivals: list[dict]) -> None:
        adapt_date = connection.ops.adapt_datefield_value
        now = connection.ops.adapt_datetimefield_value(self.now)
        no = False if connection.vendor == "postgresql" else 0
        rows = [
            (
                a["_person"]["id"],
                a["area_id"],
                a["origin_code"],
                a["origin_text"],
                a["means"],
                a["plate"],
                a["transport_number"],
                a["route"],
                adapt_date(a["arrival_date"]),
                a["category_id"],
                no,
                "",
                a["status"],
                self.actor.pk,
                a["screening_team"],
                a["note"],
                self.batch_id,
                now,
                now,
            )
            for a in new_arrivals
        ]
        self._insert(Arrival._meta.db_table, ARRIVAL_COLUMNS, rows)
