"""The import's write half: match checked rows against the registry in bulk and store them in chunks.

Per chunk of rows: one query finds the people already known by document number (anywhere: a number
held in another village is refused, without saying where), one by name and phone or address, one
their arrivals on the rows' days; then new people and arrivals are inserted through the database's
fast path (executemany on SQLite, COPY on PostgreSQL) with ids allocated up front, and changed ones
updated — all in one transaction, so a row is never half-written.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cordon.accounts import codes
from cordon.core import audit
from cordon.people.classify import classify
from cordon.people.importer import CheckedRow, Report, RowProblem
from cordon.people.models import Arrival, Person

CHUNK = 2000

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
# Fields a re-sent ledger may change on a known person / arrival (when the cell is filled).
PERSON_UPDATABLE = ("name", "sex", "phone", "phone_other", "address", "registered_address")
ARRIVAL_UPDATABLE = (
    "origin_text",
    "origin_code",
    "means",
    "plate",
    "transport_number",
    "route",
    "screening_team",
    "note",
)
PERSON_FIELD_OF = {
    "sex": "sex",
    "name": "name",
    "phone": "phone",
    "phone_other": "phone_other",
    "address": "address",
    "registered_address": "registered_address",
}


class Writer:
    def __init__(self, *, actor, area, report: Report, dry_run: bool, batch, categories, prefixes, now):
        self.actor, self.area, self.report, self.dry_run = actor, area, report, dry_run
        self.batch_id = batch.pk if batch is not None else None
        self.categories, self.prefixes, self.now = categories, prefixes, now
        self.buffer: list[tuple[CheckedRow, list, list]] = []

    # --- rows in ------------------------------------------------------------------------------------

    def reject(self, sheet: str, row: int, labels: list, values: list, problems: list[tuple[str, str]]):
        report = self.report
        report.rejected += 1
        for column, message in problems:
            report.errors.append(RowProblem(sheet, row, column, str(message)))
        report.rejected_rows.append(
            (
                sheet,
                labels,
                values,
                "；".join(f"{column}：{message}" if column else str(message) for column, message in problems),
            )
        )

    def add(self, checked: CheckedRow, labels: list, values: list) -> None:
        self.buffer.append((checked, labels, values))
        if len(self.buffer) >= CHUNK:
            self.flush()

    # --- matching and writing -----------------------------------------------------------------------

    def _visible(self, area_code: str) -> bool:
        return any(codes.covers(prefix, area_code) for prefix in self.prefixes)

    def _known_people(self, rows: list[CheckedRow]) -> dict[tuple, dict]:
        wanted_numbers = [r.key[2] for r in rows if r.key[0] == "doc"]
        others = [r for r in rows if r.key[0] in ("phone", "address")]
        found: dict[tuple, dict] = {}
        fields = ("id", "area_id", "document_type", "document_number", *PERSON_UPDATABLE)
        for start in range(0, len(wanted_numbers), 500):
            for person in Person.objects.filter(
                document_number__in=wanted_numbers[start : start + 500]
            ).values(*fields):
                found[("doc", person["document_type"], person["document_number"])] = person
        if others:
            query = Q(
                document_number="",
                area_id__in={r.area_code for r in others},
                name__in={r.person["name"] for r in others},
            )
            for person in Person.objects.filter(query).values(*fields):
                found.setdefault(("phone", person["area_id"], person["name"], person["phone"]), person)
                found.setdefault(("address", person["area_id"], person["name"], person["address"]), person)
        return found

    def _known_arrivals(self, person_ids: list[int], days: set) -> dict[tuple, dict]:
        found = {}
        fields = ("id", "person_id", "arrival_date", "category_id", "category_manual", *ARRIVAL_UPDATABLE)
        for start in range(0, len(person_ids), 500):
            rows = Arrival.objects.filter(
                person_id__in=person_ids[start : start + 500], arrival_date__in=days
            )
            for arrival in rows.values(*fields):
                found[(arrival["person_id"], arrival["arrival_date"])] = arrival
        return found

    def flush(self) -> None:
        if not self.buffer:
            return
        buffered, self.buffer = self.buffer, []
        rows = [item[0] for item in buffered]
        known = self._known_people(rows)
        new_people, person_updates, plans = [], [], []
        for checked, labels, values in buffered:
            existing = known.get(checked.key)
            if existing is not None and not self._visible(existing["area_id"]):
                column = labels[0] if labels else ""
                self.reject(
                    checked.sheet,
                    checked.row,
                    labels,
                    values,
                    [
                        (
                            column,
                            _("This number is registered in another village; ask the town's command centre."),
                        )
                    ],
                )
                continue
            changes = {}
            if existing is not None:
                for name in PERSON_UPDATABLE:
                    value = checked.person.get(name)
                    filled = name in checked.present or (name == "sex" and value)
                    if filled and value not in ("", None) and value != existing[name]:
                        changes[name] = value
                if changes:
                    person_updates.append((existing["id"], checked, changes))
            else:
                new_people.append(checked)
            plans.append((checked, existing, changes, labels, values))

        arrivals = self._known_arrivals(
            [p[1]["id"] for p in plans if p[1] is not None], {p[0].arrival["arrival_date"] for p in plans}
        )
        new_arrivals, arrival_updates = [], []
        person_ids: dict[int, int] = {}  # id(checked) -> person id for new people, filled when inserting
        for checked, existing, changes, _labels, _values in plans:
            category = classify(
                self.categories,
                origin_code=checked.arrival["origin_code"],
                area_code=checked.area_code,
                arrival_date=checked.arrival["arrival_date"],
            )
            if category is None:
                self.reject(
                    checked.sheet,
                    checked.row,
                    _labels,
                    _values,
                    [("", _("No ledger category applies to this origin and date."))],
                )
                continue
            checked.category = category.code
            current = arrivals.get((existing["id"], checked.arrival["arrival_date"])) if existing else None
            arrival_changes = {}
            if current is not None:
                for name in ARRIVAL_UPDATABLE:
                    value = checked.arrival.get(name)
                    if value not in ("", None) and value != current[name]:
                        arrival_changes[name] = value
                if not current["category_manual"] and current["category_id"] != category.code:
                    arrival_changes["category_id"] = category.code
                if arrival_changes:
                    arrival_updates.append((current["id"], arrival_changes))
            else:
                new_arrivals.append(checked)
            if existing is None or current is None:
                self.report.created += 1
            elif changes or arrival_changes:
                self.report.updated += 1
                if len(self.report.updates) < 200:
                    self.report.updates.append(
                        {
                            "sheet": checked.sheet,
                            "row": checked.row,
                            "name": checked.person["name"],
                            "fields": sorted({*changes, *arrival_changes} - {"category_id"}) or ["category"],
                        }
                    )
            else:
                self.report.unchanged += 1
            checked.person_id = existing["id"] if existing else None
        if self.dry_run:
            return
        with transaction.atomic():
            self._insert_people(new_people, person_ids)
            for person_id, _checked, changes in person_updates:
                Person.objects.filter(pk=person_id).update(**changes, updated_at=self.now)
            for arrival_id, changes in arrival_updates:
                Arrival.objects.filter(pk=arrival_id).update(**changes, updated_at=self.now)
            self._insert_arrivals([c for c in new_arrivals if hasattr(c, "category")], person_ids)

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
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            start = cursor.fetchone()[0]
            return list(range(start + 1, start + 1 + count))

    def _insert(self, table: str, columns: tuple, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608

    def _insert_people(self, new_people: list[CheckedRow], person_ids: dict) -> None:
        if not new_people:
            return
        ids = self._allocate_ids(Person._meta.db_table, len(new_people))
        adapt_date = connection.ops.adapt_datefield_value
        now = connection.ops.adapt_datetimefield_value(self.now)
        rows = []
        for person_id, checked in zip(ids, new_people, strict=True):
            p = checked.person
            checked.person_id = person_id
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
                    checked.area_code,
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

    def _insert_arrivals(self, new_arrivals: list[CheckedRow], person_ids: dict) -> None:
        adapt_date = connection.ops.adapt_datefield_value
        now = connection.ops.adapt_datetimefield_value(self.now)
        no = False if connection.vendor == "postgresql" else 0
        rows = [
            (
                c.person_id,
                c.area_code,
                a["origin_code"],
                a["origin_text"],
                a["means"],
                a["plate"],
                a["transport_number"],
                a["route"],
                adapt_date(a["arrival_date"]),
                c.category,
                no,
                "",
                "present",
                self.actor.pk,
                a["screening_team"],
                a["note"],
                self.batch_id,
                now,
                now,
            )
            for c in new_arrivals
            for a in (c.arrival,)
        ]
        self._insert(Arrival._meta.db_table, ARRIVAL_COLUMNS, rows)

    def finish(self) -> None:
        """One audit entry for the whole import (each row carries the batch it came from)."""
        report = self.report
        if self.dry_run or not (report.created or report.updated):
            return
        from cordon.core.models import Job

        target = Job.objects.get(pk=self.batch_id) if self.batch_id else self.area
        audit.record(
            actor=self.actor,
            action="people.import",
            target=target,
            area=self.area,
            changes={
                "file": [None, report.filename],
                "created": [None, report.created],
                "updated": [None, report.updated],
                "unchanged": [None, report.unchanged],
                "rejected": [None, report.rejected],
            },
        )
