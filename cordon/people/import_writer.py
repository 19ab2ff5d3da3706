"""The import's write half: match checked rows against the registry in bulk and store them in chunks.

Per chunk of rows, inside one transaction: one query finds the people already known by document
number (anywhere: a number held outside the importer's villages is refused, without saying where),
one the people without a document by name in the village (then by phone, address, or the arrival
itself), one their arrivals on the rows' days; every row is weighed against its person as the rows
before it left them and refused when it would rename them or move them to another village
(people.identity), and classified into its ledger, *before* anything is written, so a rejected row
changes nothing; then new people and arrivals are inserted
through the database's fast path (executemany on SQLite, COPY on PostgreSQL) with ids allocated up
front, changed ones updated with an audit entry each, and the chunk's audit entry written. A chunk
that meets a concurrent insert of the same number is planned again once from a fresh lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.core import audit, codes
from cordon.core.models import AuditEntry
from cordon.core.privacy import mask_phone
from cordon.people.classify import classify
from cordon.people.identity import move_message, name_conflict_message, same_name, same_place
from cordon.people.import_inserts import FastInserts
from cordon.people.import_types import CheckedRow, Report, RowProblem
from cordon.people.models import Arrival, Person
from cordon.people.services import REGISTERED_ELSEWHERE, holders

CHUNK = 5000


def chunk_size() -> int:
    """Rows per transaction. SQLite commits cost an fsync each while it holds the whole write lock,
    so its chunks are larger (50 commits were 2 s of a 100,000-row import)."""
    return CHUNK * 2 if connection.vendor == "sqlite" else CHUNK


PERSON_UPDATABLE = ("sex", "phone", "phone_other", "address", "registered_address")
ARRIVAL_UPDATABLE = (
    "origin_text",
    "origin_code",
    "means",
    "plate",
    "transport_number",
    "route",
    "screening_team",
    "note",
    "status",
)
PERSON_LOOKUP = ("id", "area_id", "document_type", "document_number", "name", *PERSON_UPDATABLE)
# How a changed field is named in the report, and in the audit trail (as the services name it).
_SHOWN = {"area_id": "village", "category_id": "category"}
_AUDITED = {"area_id": "area"}


@dataclass
class _Plan:
    """What a chunk will do; the report is only told once the chunk is written."""

    rows: list = field(default_factory=list)  # (checked, labels, values, outcome, problems, changed fields)
    new_people: list = field(default_factory=list)  # person states to insert
    person_updates: list = field(default_factory=list)  # (person state, changes, before, checked)
    new_arrivals: list = field(default_factory=list)  # arrival states to insert
    arrival_updates: list = field(default_factory=list)  # (arrival state, changes)


class Writer(FastInserts):
    """Plans and writes checked rows chunk by chunk, remembering what this import did to each person.

    Each row is weighed against the person as the rows before it left them — stored, or made or
    changed by an earlier row of the same file — so a second trip is a second arrival, a newer phone
    an update, and a repeated row unchanged, in a preview exactly as in the import. The memory is a
    dict per person and per arrival ("states", shaped as the registry's rows), keyed as rows find
    people (people.import_rows.person_key); an import clears it after each chunk it writes (the
    database holds the same then), a preview keeps it to the end.
    """

    def __init__(
        self, *, actor, area, report: Report, dry_run: bool, batch, categories, prefixes, now, move=False
    ):
        self.actor, self.area, self.report, self.dry_run = actor, area, report, dry_run
        self.batch_id = batch.pk if batch is not None else None
        # The areas where the actor may register people: a read-only role elsewhere changes nothing.
        self.categories, self.prefixes, self.now = categories, prefixes, now
        self.move = move
        self.buffer: list[tuple[CheckedRow, list, list]] = []
        self.chunk = chunk_size()
        self.chunks = 0
        self.flushes = 0
        self.categories_seen: dict[tuple, object] = {}
        self.people: dict[tuple, dict] = {}  # person states this import touched, by every key that finds them
        self.created_rows: dict[int, int] = {}  # people this import registered: id -> the row that did
        self.area_names: dict[str, str] = {}

    # --- rows in ------------------------------------------------------------------------------------

    def reject(self, sheet: str, row: int, labels: list, values: list, problems: list[tuple[str, str]]):
        report = self.report
        report.rejected += 1
        for column, message in problems:
            report.errors.append(RowProblem(sheet, row, column, str(message)))
        why = "；".join(f"{column}：{message}" if column else str(message) for column, message in problems)
        report.rejected_rows.append((sheet, labels, values, why))

    def skip(self, sheet: str, row: int, message) -> None:
        """A row that is not a person (a total, a signature line): counted, and said when ``message``."""
        self.report.skipped += 1
        if message:
            self.report.notes.append(RowProblem(sheet, row, "", str(message)))

    def note(self, sheet: str, row: int | None, column: str, message) -> None:
        self.report.notes.append(RowProblem(sheet, row, column, str(message)))

    def add(self, checked: CheckedRow, labels: list, values: list) -> None:
        self.buffer.append((checked, labels, values))
        if len(self.buffer) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        buffered, self.buffer = self.buffer, []
        for attempt in (1, 2):
            if not self.dry_run:
                self.people = {}  # what earlier chunks did is in the database now
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
                    self.people = {}
                    why = _("Someone changed the registry at the same moment; import the file again.")
                    for checked, labels, values in buffered:
                        self.reject(checked.sheet, checked.row, labels, values, [("", why)])
                    return
        if not self.dry_run:
            self.people = {}
        self._report(plan)

    # --- matching ----------------------------------------------------------------------------------

    def _visible(self, area_code: str) -> bool:
        return any(codes.covers(prefix, area_code) for prefix in self.prefixes)

    def _area_name(self, code: str) -> str:
        if code not in self.area_names:
            self.area_names[code] = (
                Area.objects.filter(code=code).values_list("name", flat=True).first() or code
            )
        return self.area_names[code]

    def _known_people(self, rows: list[CheckedRow]) -> dict[tuple, dict]:
        found: dict[tuple, dict] = {}
        by_type: dict[str, list] = {}
        for r in rows:
            if r.key[0] == "doc":
                by_type.setdefault(r.key[1], []).append(r.key[2])
        for kind, numbers in by_type.items():
            for start in range(0, len(numbers), 500):
                for person in holders(kind, numbers[start : start + 500]).values(*PERSON_LOOKUP):
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
            .values(*PERSON_LOOKUP)
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

    def _lookup(self, checked: CheckedRow, known: dict) -> dict | None:
        """The person a row names: as this import left them, else as stored."""
        keys = self._candidate_keys(checked)
        for key in keys:
            if key in self.people:
                return self.people[key]
        for key in keys:
            if key in known:
                person = known[key]
                person.setdefault("_arrivals", {})
                return person
        return None

    def _remember(self, person: dict, checked: CheckedRow) -> None:
        """Let later rows find ``person`` by every key a row could name them with."""
        keys = self._candidate_keys(checked)
        if person["document_number"]:
            keys.append(("doc", person["document_type"], person["document_number"]))
        else:
            area, name = person["area_id"], person["name"]
            if person["phone"]:
                keys.append(("phone", area, name, person["phone"]))
            if person["address"]:
                keys.append(("address", area, name, person["address"]))
        for key in keys:
            self.people[key] = person

    def _load_arrivals(self, rows: list[CheckedRow], known: dict) -> None:
        """The stored arrivals, on the chunk's days, of the stored people the chunk's rows name."""
        people = {}
        for checked in rows:
            person = self._lookup(checked, known)
            if person is not None and person["id"] is not None and not person.get("_new"):
                people[person["id"]] = person
        if not people:
            return
        fields = (
            "id",
            "person_id",
            "arrival_date",
            "area_id",
            "category_id",
            "category_manual",
            *ARRIVAL_UPDATABLE,
        )
        days = {r.arrival["arrival_date"] for r in rows}
        ids = list(people)
        for start in range(0, len(ids), 500):
            found = Arrival.objects.order_by().filter(
                person_id__in=ids[start : start + 500], arrival_date__in=days
            )
            for arrival in found.values(*fields):
                people[arrival["person_id"]]["_arrivals"].setdefault(arrival["arrival_date"], arrival)

    def _plan(self, buffered) -> _Plan:
        plan = _Plan()
        rows = [item[0] for item in buffered]
        known = self._known_people(rows)
        self._load_arrivals(rows, known)
        for checked, labels, values in buffered:
            outcome, problems, changed = self._plan_row(checked, known, plan)
            plan.rows.append((checked, labels, values, outcome, problems, changed))
        return plan

    def _refusal(self, checked: CheckedRow, person: dict) -> tuple[str, tuple[str, str]] | None:
        """Why a row may not be applied to the person it names: they live outside the actor's villages;
        their number comes with another name; the row puts them in another village (without --move)."""
        if not self._visible(person["area_id"]):
            return "rejected", (checked.document_column, str(REGISTERED_ELSEWHERE))
        # A person this import registered is named by the row that did, in a preview as in the import.
        row = person["_row"] if person.get("_new") else self.created_rows.get(person["id"])
        if checked.key[0] == "doc" and not same_name(person["name"], checked.person["name"]):
            message = name_conflict_message(
                stored_name=person["name"],
                given_name=checked.person["name"],
                document_number=person["document_number"],
                record=person["id"],
                row=row,
                full=True,  # the actor registers people where this person lives
            )
            return "rejected", (checked.document_column, message)
        if not same_place(person["area_id"], checked.area_code) and not self.move:
            message = move_message(
                name=person["name"],
                home=self._area_name(person["area_id"]),
                here=self._area_name(checked.area_code),
                record=person["id"],
                row=row,
                full=True,
            )
            return "refused_move", (checked.village_column or checked.document_column, message)
        return None

    def _plan_row(self, checked: CheckedRow, known: dict, plan: _Plan) -> tuple[str, list, list]:
        """Weigh one row against its person and arrival as the rows before it left them; change the
        states only once the row is accepted, so a rejected row changes nothing."""
        person = self._lookup(checked, known)
        day = checked.arrival["arrival_date"]
        arrival = None
        person_changes: dict = {}
        if person is not None:
            refused = self._refusal(checked, person)
            if refused is not None:
                outcome, problem = refused
                return outcome, [problem], []
            arrival = person["_arrivals"].get(day)
            person_changes = self._person_changes(checked, person)
            if not same_place(person["area_id"], checked.area_code):
                person_changes["area_id"] = checked.area_code  # --move: audited as a transfer
        category = None
        arrival_changes: dict = {}
        if arrival is None:
            # Only a new arrival is filed by today's rules; one already filed keeps its ledger.
            category = self._classify(checked)
            if category is None:
                return "rejected", [("", _("No ledger category applies to this origin and date."))], []
        else:
            arrival_changes = self._arrival_changes(checked, arrival)

        created = person is None
        if created:
            person = self._new_person(checked)
            plan.new_people.append(person)
        elif person_changes:
            before = {name: person[name] for name in person_changes}
            person.update(person_changes)
            if not person.get("_new"):
                plan.person_updates.append((person, person_changes, before, checked))
        self._remember(person, checked)
        if arrival is None:
            arrival = self._new_arrival(checked, person, category)
            person["_arrivals"][day] = arrival
            plan.new_arrivals.append(arrival)
        elif arrival_changes:
            arrival.update(arrival_changes)
            if not arrival.get("_new"):
                plan.arrival_updates.append((arrival, arrival_changes))
        if created:
            outcome = "created"
        elif person_changes:
            outcome = "updated"
        elif category is not None:
            outcome = "created"  # a new arrival of a known person whose stored fields stay as they are
        elif arrival_changes:
            outcome = "updated"
        else:
            outcome = "unchanged"
        changed = [
            _SHOWN.get(name, name) for name in sorted({*person_changes, *arrival_changes} - {"category_id"})
        ]
        return outcome, [], changed

    def _new_person(self, checked: CheckedRow) -> dict:
        p = checked.person
        return {
            **{name: p[name] for name in ("name", "name_pinyin", "name_initials", "birth_date", "note")},
            **{name: p[name] for name in ("document_type", "document_number", *PERSON_UPDATABLE)},
            "id": None,
            "area_id": checked.area_code,
            "_new": True,
            "_row": checked.row,
            "_arrivals": {},
        }

    def _new_arrival(self, checked: CheckedRow, person: dict, category) -> dict:
        a = checked.arrival
        return {
            **{name: a[name] for name in ARRIVAL_UPDATABLE},
            "status": a["status"] or Arrival.Status.PRESENT,
            "id": None,
            "arrival_date": a["arrival_date"],
            "area_id": checked.area_code,
            "category_id": category.code,
            "category_manual": False,
            "_new": True,
            "_person": person,
        }

    def _arrival_changes(self, checked: CheckedRow, arrival: dict) -> dict:
        changes = {}
        for name in ARRIVAL_UPDATABLE:
            value = checked.arrival.get(name)
            if value not in ("", None) and value != arrival[name]:
                changes[name] = value
        if "origin_code" in changes and not arrival["category_manual"]:
            category = classify(
                self.categories,
                origin_code=checked.arrival["origin_code"],
                area_code=arrival["area_id"],
                arrival_date=checked.arrival["arrival_date"],
            )
            if category is not None and category.code != arrival["category_id"]:
                changes["category_id"] = category.code
        return changes

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
    def _person_changes(checked: CheckedRow, person: dict) -> dict:
        changes = {}
        for name in PERSON_UPDATABLE:
            value = checked.person.get(name)
            filled = name in checked.present or (name == "sex" and value)
            if filled and value not in ("", None) and value != person[name]:
                changes[name] = value
        return changes

    def _report(self, plan: _Plan) -> None:
        report = self.report
        for checked, labels, values, outcome, problems, changed in plan.rows:
            if outcome in ("rejected", "refused_move"):
                self.reject(checked.sheet, checked.row, labels, values, problems)
                report.moves_refused += outcome == "refused_move"
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            for column, message in checked.notes:
                report.notes.append(RowProblem(checked.sheet, checked.row, column, str(message)))
            if outcome == "unchanged" and checked.same_trip_as:
                report.notes.append(
                    RowProblem(
                        checked.sheet,
                        checked.row,
                        "",
                        _("The same person and arrival as row %(row)s of this file: counted once.")
                        % {"row": checked.same_trip_as},
                    )
                )
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
        masked = {"phone", "phone_other"}
        for person, changes, before, checked in plan.person_updates:
            Person.objects.filter(pk=person["id"]).update(**changes, updated_at=self.now)
            shown = {
                _AUDITED.get(k, k): [
                    mask_phone(before[k]) if k in masked else before[k],
                    mask_phone(v) if k in masked else v,
                ]
                for k, v in changes.items()
            }
            entries.append(
                AuditEntry(
                    actor=self.actor,
                    actor_label=self.actor.username,
                    source=audit.current_source(),
                    action="person.transfer" if "area_id" in changes else "person.update",
                    target_type=Person._meta.label_lower,
                    target_id=str(person["id"]),
                    target_label=person["name"],
                    area_id=person["area_id"],
                    changes=shown,
                    reason=_("Ledger import %(file)s, row %(row)s")
                    % {"file": self.report.filename[:100], "row": checked.row},
                )
            )
        for arrival, changes in plan.arrival_updates:
            Arrival.objects.filter(pk=arrival["id"]).update(**changes, updated_at=self.now)
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
