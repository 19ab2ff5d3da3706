"""The import's write half: match checked rows against the registry in bulk and store them in chunks.

Per chunk of rows, inside one transaction: one query finds the people already known by document
number (anywhere: a number held outside the importer's villages is refused, without saying where),
one the people without a document by name in the village (then by phone, address, or the arrival
itself), one their arrivals on the rows' days; every row is classified into its ledger *before*
anything is written, so a rejected row changes nothing; then new people and arrivals are inserted
through the database's fast path (executemany on SQLite, COPY on PostgreSQL) with ids allocated up
front, changed ones updated with an audit entry each, and the chunk's audit entry written. A chunk
that meets a concurrent insert of the same number is planned again once from a fresh lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from cordon.accounts import codes
from cordon.core import audit
from cordon.core.models import AuditEntry
from cordon.core.privacy import mask_phone
from cordon.people.classify import classify
from cordon.people.importer import CheckedRow, Report, RowProblem
from cordon.people.models import Arrival, Person
from cordon.people.services import REGISTERED_ELSEWHERE, holders

CHUNK = 5000


def chunk_size() -> int:
    """Rows per transaction. SQLite commits cost an fsync each while it holds the whole write lock,
    so its chunks are larger (50 commits were 2 s of a 100,000-row import)."""
    return CHUNK * 2 if connection.vendor == "sqlite" else CHUNK


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


@dataclass
class _Plan:
    """What a chunk will do; the report is only told once the chunk is written."""

    rows: list = field(default_factory=list)  # (checked, labels, values, outcome, problems, changed fields)
    new_people: list = field(default_factory=list)
    person_updates: list = field(default_factory=list)  # (person id, changes, before, checked)
    new_arrivals: list = field(default_factory=list)
    arrival_updates: list = field(default_factory=list)  # (arrival id, changes)


class Writer:
    def __init__(self, *, actor, area, report: Report, dry_run: bool, batch, categories, prefixes, now):
        self.actor, self.area, self.report, self.dry_run = actor, area, report, dry_run
        self.batch_id = batch.pk if batch is not None else None
        # The areas where the actor may register people: a read-only role elsewhere changes nothing.
        self.categories, self.prefixes, self.now = categories, prefixes, now
        self.buffer: list[tuple[CheckedRow, list, list]] = []
        self.chunk = chunk_size()
        self.chunks = 0
        self.flushes = 0
        self.categories_seen: dict[tuple, object] = {}

    # --- rows in ------------------------------------------------------------------------------------

    def reject(self, sheet: str, row: int, labels: list, values: list, problems: list[tuple[str, str]]):
        report = self.report
        report.rejected += 1
        for column, message in problems:
            report.errors.append(RowProblem(sheet, row, column, str(message)))
        why = "；".join(f"{column}：{message}" if column else str(message) for column, message in problems)
        report.rejected_rows.append((sheet, labels, values, why))

    def add(self, checked: CheckedRow, labels: list, values: list) -> None:
        self.buffer.append((checked, labels, values))
        if len(self.buffer) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        buffered, self.buffer = self.buffer, []
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    plan = self._plan(buffered)
                    if not self.dry_run:
                        self._write(plan)
                self.flushes += 1
                created = any(row[3] == "created" for row in plan.rows)
                if not self.dry_run and created and self.flushes <= 2 and connection.vendor == "postgresql":
                    # A registry that was empty a moment ago has no statistics: without them the
                    # planner scans the table for every lookup of the next chunks. Cheap while small.
                    with connection.cursor() as cursor:
                        cursor.execute(f"ANALYZE {Person._meta.db_table}, {Arrival._meta.db_table}")
                break
            except IntegrityError:
                # Someone registered one of these numbers between our lookup and our insert: plan the
                # chunk again from a fresh lookup (the row now finds the person); a second clash is
                # reported row by row, nothing of the chunk written.
                if attempt == 2:
                    for checked, labels, values in buffered:
                        self.reject(
                            checked.sheet,
                            checked.row,
                            labels,
                            values,
                            [
                                (
                                    "",
                                    _(
                                        "Someone changed the registry at the same moment; "
                                        "import the file again."
                                    ),
                                )
                            ],
                        )
                    return
        self._report(plan)

    # --- matching ----------------------------------------------------------------------------------

    def _visible(self, area_code: str) -> bool:
        return any(codes.covers(prefix, area_code) for prefix in self.prefixes)

    def _known_people(self, rows: list[CheckedRow]) -> dict[tuple, dict]:
        fields = ("id", "area_id", "document_type", "document_number", *PERSON_UPDATABLE)
        found: dict[tuple, dict] = {}
        by_type: dict[str, list] = {}
        for r in rows:
            if r.key[0] == "doc":
                by_type.setdefault(r.key[1], []).append(r.key[2])
        for kind, numbers in by_type.items():
            for start in range(0, len(numbers), 500):
                for person in holders(kind, numbers[start : start + 500]).values(*fields):
                    found[("doc", person["document_type"], person["document_number"])] = person
        others = [r for r in rows if r.key[0] != "doc"]
        if not others:
            return found
        candidates = list(
            Person.objects.order_by()
            .filter(
                document_number="",
                area_id__in={r.area_code for r in others},
                name__in={r.person["name"] for r in others},
            )
            .values(*fields)
        )
        for person in candidates:
            if person["phone"]:
                found.setdefault(("phone", person["area_id"], person["name"], person["phone"]), person)
            if person["address"]:
                found.setdefault(("address", person["area_id"], person["name"], person["address"]), person)
        by_id = {p["id"]: p for p in candidates}
        if by_id:
            arrivals = (
                Arrival.objects.order_by()
                .filter(
                    person_id__in=list(by_id), arrival_date__in={r.arrival["arrival_date"] for r in others}
                )
                .values_list("person_id", "arrival_date", "origin_text")
            )
            for person_id, day, origin in arrivals:
                person = by_id[person_id]
                found.setdefault(("arrival", person["area_id"], person["name"], day, origin), person)
        return found

    @staticmethod
    def _candidate_keys(checked: CheckedRow) -> list[tuple]:
        """The row's own key first; a person without a document is also looked for by the weaker keys,
        so a corrected phone or address still finds them."""
        if checked.key[0] == "doc":
            return [checked.key]
        p, a, area = checked.person, checked.arrival, checked.area_code
        keys = [checked.key]
        if p["phone"]:
            keys.append(("phone", area, p["name"], p["phone"]))
        if p["address"]:
            keys.append(("address", area, p["name"], p["address"]))
        keys.append(("arrival", area, p["name"], a["arrival_date"], a["origin_text"]))
        return list(dict.fromkeys(keys))

    def _known_arrivals(self, person_ids: list[int], days: set) -> dict[tuple, dict]:
        found = {}
        fields = ("id", "person_id", "arrival_date", "category_id", "category_manual", *ARRIVAL_UPDATABLE)
        for start in range(0, len(person_ids), 500):
            rows = Arrival.objects.order_by().filter(
                person_id__in=person_ids[start : start + 500], arrival_date__in=days
            )
            for arrival in rows.values(*fields):
                found[(arrival["person_id"], arrival["arrival_date"])] = arrival
        return found

    def _plan(self, buffered) -> _Plan:
        plan = _Plan()
        known = self._known_people([item[0] for item in buffered])
        matched = []
        for checked, labels, values in buffered:
            existing = next((known[k] for k in self._candidate_keys(checked) if k in known), None)
            if existing is not None and not self._visible(existing["area_id"]):
                plan.rows.append(
                    (
                        checked,
                        labels,
                        values,
                        "rejected",
                        [
                            (
                                checked.document_column,
                                REGISTERED_ELSEWHERE,
                            )
                        ],
                        [],
                    )
                )
                continue
            matched.append((checked, labels, values, existing))
        arrivals = self._known_arrivals(
            [m[3]["id"] for m in matched if m[3] is not None], {m[0].arrival["arrival_date"] for m in matched}
        )
        for checked, labels, values, existing in matched:
            current = arrivals.get((existing["id"], checked.arrival["arrival_date"])) if existing else None
            arrival_changes = {}
            if current is None:
                # Only a new arrival is filed by today's rules; one already filed keeps its ledger.
                category = self._classify(checked)
                if category is None:
                    plan.rows.append(
                        (
                            checked,
                            labels,
                            values,
                            "rejected",
                            [("", _("No ledger category applies to this origin and date."))],
                            [],
                        )
                    )
                    continue
                checked.category = category.code
            else:
                for name in ARRIVAL_UPDATABLE:
                    value = checked.arrival.get(name)
                    if value not in ("", None) and value != current[name]:
                        arrival_changes[name] = value
                if "origin_code" in arrival_changes and not current["category_manual"]:
                    category = classify(
                        self.categories,
                        origin_code=checked.arrival["origin_code"],
                        area_code=checked.area_code,
                        arrival_date=checked.arrival["arrival_date"],
                    )
                    if category is not None and category.code != current["category_id"]:
                        arrival_changes["category_id"] = category.code
            person_changes = self._person_changes(checked, existing)
            if existing is None:
                plan.new_people.append(checked)
            elif person_changes:
                plan.person_updates.append((existing["id"], person_changes, existing, checked))
            checked.person_id = existing["id"] if existing else None
            if current is None:
                plan.new_arrivals.append(checked)
            elif arrival_changes:
                plan.arrival_updates.append((current["id"], arrival_changes))
            if existing is None or current is None:
                outcome = "created"
            elif person_changes or arrival_changes:
                outcome = "updated"
            else:
                outcome = "unchanged"
            changed = sorted(
                {*person_changes, *arrival_changes} - {"category_id", "name_pinyin", "name_initials"}
            )
            plan.rows.append((checked, labels, values, outcome, [], changed))
        return plan

    def _classify(self, checked: CheckedRow):
        """The category of a new arrival. Rows repeat a few hundred (origin, county, day) triples, and
        those are all a category depends on (with the province, which the county's code contains)."""
        arrival = checked.arrival
        key = (arrival["origin_code"], checked.area_code[:6], arrival["arrival_date"])
        if key not in self.categories_seen:
            self.categories_seen[key] = classify(
                self.categories,
                origin_code=arrival["origin_code"],
                area_code=checked.area_code,
                arrival_date=arrival["arrival_date"],
            )
        return self.categories_seen[key]

    @staticmethod
    def _person_changes(checked: CheckedRow, existing: dict | None) -> dict:
        if existing is None:
            return {}
        changes = {}
        for name in PERSON_UPDATABLE:
            value = checked.person.get(name)
            filled = name in checked.present or (name == "sex" and value)
            if filled and value not in ("", None) and value != existing[name]:
                changes[name] = value
        if "name" in changes:
            changes["name_pinyin"] = checked.person["name_pinyin"]
            changes["name_initials"] = checked.person["name_initials"]
        return changes

    def _report(self, plan: _Plan) -> None:
        report = self.report
        for checked, labels, values, outcome, problems, changed in plan.rows:
            if outcome == "rejected":
                self.reject(checked.sheet, checked.row, labels, values, problems)
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if changed and len(report.updates) < 200:
                report.updates.append(
                    {
                        "sheet": checked.sheet,
                        "row": checked.row,
                        "name": checked.person["name"],
                        "fields": changed,
                    }
                )

    # --- writing -----------------------------------------------------------------------------------

    def _write(self, plan: _Plan) -> None:
        self._insert_people(plan.new_people)
        entries = []
        for person_id, changes, before, checked in plan.person_updates:
            Person.objects.filter(pk=person_id).update(**changes, updated_at=self.now)
            shown = {k: v for k, v in changes.items() if k not in ("name_pinyin", "name_initials")}
            masked = {"phone", "phone_other"}
            entries.append(
                AuditEntry(
                    actor=self.actor,
                    actor_label=self.actor.username,
                    source=audit.current_source(),
                    action="person.update",
                    target_type=Person._meta.label_lower,
                    target_id=str(person_id),
                    target_label=checked.person["name"],
                    area_id=before["area_id"],
                    changes={
                        k: [
                            mask_phone(before[k]) if k in masked else before[k],
                            mask_phone(v) if k in masked else v,
                        ]
                        for k, v in shown.items()
                    },
                    reason=_("Ledger import %(file)s, row %(row)s")
                    % {"file": self.report.filename[:100], "row": checked.row},
                )
            )
        for arrival_id, changes in plan.arrival_updates:
            Arrival.objects.filter(pk=arrival_id).update(**changes, updated_at=self.now)
        self._insert_arrivals(plan.new_arrivals)
        AuditEntry.objects.bulk_create(entries)
        counts = {k: sum(1 for row in plan.rows if row[3] == k) for k in ("created", "updated", "unchanged")}
        if counts["created"] or counts["updated"]:
            self.chunks += 1
            target = self._target()
            audit.record(
                actor=self.actor,
                action="people.import",
                target=target,
                area=self.area,
                changes={
                    "file": [None, self.report.filename],
                    "rows": [None, f"{plan.rows[0][0].row}–{plan.rows[-1][0].row}"],
                    **{k: [None, v] for k, v in counts.items()},
                },
            )

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

    def _insert_people(self, new_people: list[CheckedRow]) -> None:
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

    def _insert_arrivals(self, new_arrivals: list[CheckedRow]) -> None:
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
        """Each written chunk recorded its own audit entry. After a large import the planner's
        statistics are refreshed, or a database that grew from nothing keeps choosing scans."""
        if self.dry_run or self.report.created < 10_000:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {Person._meta.db_table}, {Arrival._meta.db_table}")
            else:
                cursor.execute("PRAGMA optimize")
