"""Passages through checkpoints: the guard's hot path.

A passage is recorded in one call, with what was flagged before the guard decided (someone under
observation, in centralised quarantine, or running a fever by the rules in force). Entries made
offline carry the id the phone gave them: the same id again returns the stored passage, so a batch
sent twice, or in another order, stores each entry once. Passages are not written to the audit trail
(there are millions a month); each carries who recorded it and when.
"""

import functools
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordon.accounts.models import User
from cordon.accounts.permissions import GUARDS
from cordon.accounts.scope import require_role
from cordon.checkpoints import services_visit
from cordon.checkpoints.models import Checkpoint, Occupant, Passage
from cordon.checkpoints.services_counts import count_params, count_passage, insert_and_count_sql
from cordon.core.statements import execute, first_instance
from cordon.observation import protocol
from cordon.observation.selectors import rules_in_force
from cordon.people import validation
from cordon.people.models import Person
from cordon.people.services import holders

# An offline entry may be this old when it is finally sent, and a phone's clock this far ahead.
OFFLINE_LIMIT = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=10)
MAX_BATCH = 500
_BATCH_CHUNK = 50  # entries of a batch stored in one transaction
MAX_OCCUPANTS = 60
# The choices, as sets made once (an enum's ``values`` builds a new list at each call).
_DIRECTIONS = frozenset(Passage.Direction.values)
_SUBJECTS = frozenset(Passage.Subject.values)
_DECISIONS = frozenset(Passage.Decision.values)
_SHOWN_CODES = frozenset({"", "red", "yellow", "green"})

# Flags that make letting a person through an override: allowed only with the guard's reason, marked
# on the passage and counted in the day's figures. A fever (anyone's on board at or over the
# threshold in force) is one: the rule is to stop and refer, so letting them on is the guard's call.
OVERRIDDEN = frozenset({"under_observation", "in_quarantine", "sealed_no_pass", "fever"})

FLAG_LABELS = {
    "under_observation": gettext_lazy("Under medical observation"),
    "in_quarantine": gettext_lazy("In centralised quarantine"),
    "fever": gettext_lazy("Fever"),
    "sealed_no_pass": gettext_lazy("From a sealed area, no valid pass"),
}

# The gate form's fields as the guard reads them, so a refusal names the field in Chinese, never its
# key. A field not listed here (one added later) is answered by its message alone.
FIELD_LABELS = {
    "direction": gettext_lazy("direction"),
    "subject": gettext_lazy("who or what"),
    "document_number": gettext_lazy("ID number"),
    "name": gettext_lazy("Full name"),
    "phone": gettext_lazy("Phone"),
    "plate": gettext_lazy("Plate"),
    "vehicle_type": gettext_lazy("Vehicle type"),
    "passengers": gettext_lazy("People on board"),
    "origin": gettext_lazy("Coming from"),
    "destination": gettext_lazy("Going to"),
    "purpose": gettext_lazy("Purpose"),
    "temperature": gettext_lazy("Temperature (℃)"),
    "decision": gettext_lazy("Decision at the gate"),
    "reason": gettext_lazy("Reason"),
    "occurred_at": gettext_lazy("Time of passage"),
    "client_id": gettext_lazy("Entry id"),
    "occupants": gettext_lazy("People on board"),
    "visited_name": gettext_lazy("Person visited"),
    "visited_phone": gettext_lazy("Phone of the person visited"),
    "self_registration": gettext_lazy("Self-registration"),
}


def labelled_messages(exc: ValidationError) -> list[str]:
    """A refusal's messages, each led by its field's Chinese label ("原因：请写明原因。")."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for key, messages in exc.message_dict.items():
        label = FIELD_LABELS.get(key.partition(".")[0]) if key != "__all__" else None
        out.extend(f"{label}：{m}" if label else m for m in messages)
    return out


def field_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A refusal's messages by field key, for the page to show next to each field."""
    if not hasattr(exc, "error_dict"):
        return {"__all__": list(exc.messages)}
    return {key: list(messages) for key, messages in exc.message_dict.items()}


@dataclass
class GateCheck:
    """What the guard's screen shows for a person before the decision."""

    person: Person | None
    flags: list[str] = field(default_factory=list)
    until: str = ""  # the end of the observation or quarantine, when flagged
    turn: dict | None = None  # the household's purchase turn, in a sealed area with a rotation

    def as_dict(self) -> dict:
        return {
            "known": self.person is not None,
            "name": self.person.name if self.person else "",
            "flags": self.flags,
            "flag_labels": [str(FLAG_LABELS[f]) for f in self.flags],
            "until": self.until,
            "turn": _turn_text(self.turn),
        }


def _turn_text(turn: dict | None) -> str:
    if turn is None:
        return ""
    if turn["today"]:
        return _("Shopping day for this household (%(n)s per trip).") % {"n": turn["people_per_trip"]}
    return _("Not this household's shopping day: next on %(day)s.") % {"day": turn["next"].strftime("%m-%d")}


def _person_for(document_type: str, raw_number: str, now: datetime) -> Person | None:
    """The registered holder of a document number, with what the flags need (as of ``now``) read in
    the same query."""
    if not (raw_number or "").strip():
        return None
    kind = document_type or Person.Document.MAINLAND_ID
    try:
        number = validation.parse_document(kind, raw_number, today=timezone.localtime(now).date()).number
    except ValueError:
        raise ValidationError({"document_type": [_("Unknown document type.")]}) from None
    sql, slots = _holder_statement(connection.vendor)
    filled = {"kind": kind, "number": number, "now": connection.ops.adapt_datetimefield_value(now)}
    params = [filled[value] if is_slot else value for is_slot, value in slots]
    return first_instance(Person, sql, params)


# Stand-ins put where the lookup's values go when the ORM writes its SQL once (see _holder_statement).
_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_KIND, _NUMBER = "\x00kind", "\x00number"


@functools.cache
def _holder_statement(vendor: str) -> tuple[str, list[tuple[bool, object]]]:
    """The holder-with-flag-facts query as SQL, written by the ORM once per process: building and
    compiling its five subqueries cost a passage more than everything else it does (25 of 39 ms on
    this machine). Each parameter is either a constant or a slot ("kind", "number", "now") that
    ``_person_for`` fills."""
    queryset = _with_flag_facts(holders(_KIND, [_NUMBER]), now=_NOW)[:1]
    sql, params = queryset.query.sql_with_params()
    stand_ins = {_KIND: "kind", _NUMBER: "number", connection.ops.adapt_datetimefield_value(_NOW): "now"}
    slot = lambda value: isinstance(value, str | datetime) and value in stand_ins  # noqa: E731
    return sql, [(True, stand_ins[value]) if slot(value) else (False, value) for value in params]


def _with_flag_facts(people, *, now: datetime | None = None):
    """Annotate people with the facts behind the gate's flags: one query, however many flags."""
    from django.db.models import Exists, OuterRef, Q, Subquery
    from django.db.models.functions import Substr

    from cordon.cases.models import Placement
    from cordon.lockdowns.models import ExitPass, Lockdown
    from cordon.observation.models import Period

    now = now or timezone.now()
    stay = Placement.objects.filter(person=OuterRef("pk"), left_on__isnull=True)
    period = Period.objects.filter(person=OuterRef("pk"), status=Period.Status.ACTIVE)
    # A village's seal covers its grids: the person's own area, or the village their grid is in.
    sealed = Lockdown.objects.filter(ended_at__isnull=True, starts_at__lte=now).filter(
        Q(area_id=OuterRef("area_id")) | Q(area_id=Substr(OuterRef("area_id"), 1, 12))
    )
    valid_pass = ExitPass.objects.filter(
        people=OuterRef("pk"), status=ExitPass.Status.APPROVED, valid_from__lte=now, valid_until__gte=now
    )
    return people.annotate(
        flag_stay=Exists(stay),
        flag_stay_until=Subquery(stay.values("period__planned_end")[:1]),
        flag_period_until=Subquery(period.values("planned_end")[:1]),
        flag_sealed=Exists(sealed),
        flag_pass=Exists(valid_pass),
    )


def gate_check(
    *, actor: User, checkpoint: Checkpoint, document_number: str, document_type: str = ""
) -> GateCheck:
    """Look a person up at the barrier by their document number: their name and the flags, and
    nothing else of their record (the guard holds their ID card; their village may be any)."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    person = _person_for(document_type, document_number, timezone.now())
    return person_flags(person)


def person_flags(person: Person | None) -> GateCheck:
    """The flags for a person, from the facts ``_with_flag_facts`` read (read here when missing)."""
    if person is None:
        return GateCheck(person=None)
    if not hasattr(person, "flag_stay"):
        person = _with_flag_facts(Person.objects.filter(pk=person.pk)).get()
    check = GateCheck(person=person)
    if person.flag_stay:
        check.flags.append("in_quarantine")
        check.until = _day_text(person.flag_stay_until)
    if person.flag_period_until is not None:
        check.flags.append("under_observation")
        check.until = check.until or _day_text(person.flag_period_until)
    if person.flag_sealed and not person.flag_pass:
        check.flags.append("sealed_no_pass")
        from cordon.lockdowns.services_supplies import turn_of

        check.turn = turn_of(person, timezone.localdate())
    return check


def _day_text(value: date | str | None) -> str:
    """A date read by raw SQL: a date from PostgreSQL, its ISO text from SQLite."""
    if not value:
        return ""
    return value if isinstance(value, str) else value.isoformat()


@functools.lru_cache(maxsize=256)
def _threshold(area_code: str, minute: int):
    """The fever threshold in force at a checkpoint, read at most once a minute per area (the rules
    change by the commander's hand, rarely; a passage must not pay two queries for them)."""
    return rules_in_force(area_code).rules.fever_threshold


def fever_threshold(area_code: str):
    return _threshold(area_code, int(time.time() // 60))


def _moment(value, now: datetime) -> datetime:
    if value is None:
        return now
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError({"occurred_at": [_("Give the time as YYYY-MM-DDTHH:MM.")]}) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW:
        raise ValidationError({"occurred_at": [_("This time is in the future: check the phone's clock.")]})
    if value < now - OFFLINE_LIMIT:
        raise ValidationError({"occurred_at": [_("More than 7 days ago: such an entry is not taken.")]})
    return value


def _text(data: dict, key: str, limit: int) -> str:
    return validation.clean_text(data.get(key), key, limit)


def _clean(checkpoint: Checkpoint, data: dict, now: datetime) -> tuple[dict, list[dict]]:
    """The passage's fields from what the guard sent, each checked, every message at once."""
    errors: dict[str, list[str]] = {}

    def attempt(key, fn):
        try:
            return fn()
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
            return None

    direction = data.get("direction")
    if direction not in _DIRECTIONS:
        errors["direction"] = [_("Choose in or out.")]
    subject = data.get("subject") or Passage.Subject.PERSON
    if subject not in _SUBJECTS:
        errors["subject"] = [_("Choose a person or a vehicle.")]
    decision = data.get("decision")
    if decision not in _DECISIONS:
        errors["decision"] = [_("Choose the decision: allowed, turned back or referred.")]
    if (data.get("shown_code") or "") not in _SHOWN_CODES:
        errors["shown_code"] = [_("The health code shown is red, yellow or green.")]
    cleaned = {
        "direction": direction,
        "subject": subject,
        "decision": decision,
        "occurred_at": attempt("occurred_at", lambda: _moment(data.get("occurred_at"), now)),
        "name": attempt("name", lambda: _text(data, "name", 40)),
        "origin": attempt("origin", lambda: _text(data, "origin", 100)),
        "destination": attempt("destination", lambda: _text(data, "destination", 100)),
        "purpose": attempt("purpose", lambda: _text(data, "purpose", 100)),
        "reason": attempt("reason", lambda: _text(data, "reason", 200)),
        "vehicle_type": attempt("vehicle_type", lambda: _text(data, "vehicle_type", 20)),
        "visited_name": attempt("visited_name", lambda: _text(data, "visited_name", 40)),
        "visited_phone": "",
        "shown_code": data.get("shown_code") or "",
        "phone": "",
        "plate": "",
        "person": None,
        "temperature": None,
        "passengers": None,
    }
    if data.get("phone"):
        cleaned["phone"] = attempt("phone", lambda: validation.parse_optional_phone(data["phone"])) or ""
    if data.get("visited_phone"):
        cleaned["visited_phone"] = (
            attempt("visited_phone", lambda: validation.parse_optional_phone(data["visited_phone"])) or ""
        )
    if data.get("temperature") not in (None, ""):
        cleaned["temperature"] = attempt(
            "temperature", lambda: protocol.parse_temperature(data["temperature"])
        )
    if data.get("document_number"):
        cleaned["person"] = attempt(
            "document_number",
            lambda: _person_for(data.get("document_type", ""), data["document_number"], now),
        )
    if subject == Passage.Subject.VEHICLE:
        cleaned["plate"] = attempt("plate", lambda: validation.parse_plate(data.get("plate"))) or ""
        passengers = data.get("passengers")
        if passengers not in (None, ""):
            try:
                passengers = int(passengers)
                if not 0 <= passengers <= 99:
                    raise ValueError
                cleaned["passengers"] = passengers
            except (TypeError, ValueError):
                errors["passengers"] = [_("The number of people on board is from 0 to 99.")]
    elif not (cleaned["person"] or cleaned["name"]):
        errors.setdefault("name", []).append(
            _("Give the ID number, or the name (and phone) of someone unknown.")
        )
    if decision in (Passage.Decision.TURNED_BACK, Passage.Decision.REFERRED) and not cleaned["reason"]:
        errors.setdefault("reason", []).append(_("Say why."))
    occupants = []
    for index, raw in enumerate((data.get("occupants") or [])[:MAX_OCCUPANTS]):
        occupant = {
            "name": attempt(f"occupants.{index}", lambda raw=raw: _text(raw, "name", 40)),
            "document_number": "",
            "person": None,
            "temperature": None,
        }
        if raw.get("document_number"):
            occupant["person"] = attempt(
                f"occupants.{index}", lambda raw=raw: _person_for("", raw["document_number"], now)
            )
            occupant["document_number"] = validation.compact(raw["document_number"]).upper()[:30]
        if raw.get("temperature") not in (None, ""):
            occupant["temperature"] = attempt(
                f"occupants.{index}", lambda raw=raw: protocol.parse_temperature(raw["temperature"])
            )
        occupants.append(occupant)
    if len(data.get("occupants") or []) > MAX_OCCUPANTS:
        errors["occupants"] = [_("At most %(n)s people on board.") % {"n": MAX_OCCUPANTS}]
    if errors:
        raise ValidationError(errors)
    return cleaned, occupants


def passage_record(
    *,
    actor: User,
    checkpoint: Checkpoint,
    data: dict,
    client_id: str | None = None,
    received_at: datetime | None = None,
) -> tuple[Passage, bool]:
    """Record a passage (returns it and whether it is new). The same ``client_id`` again returns the
    passage first stored with it, whatever else was sent: a retry never duplicates. The hot path:
    the person and every fact behind the flags in one query, then one insert.

    ``received_at`` is the moment the entry reached the server: now, except when the demo replays
    February 2020, whose passages are checked and flagged as they would have been then."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    client_id = (client_id or "").strip()[:40] or None
    if data.get("self_registration"):
        return _record_self_registered(actor, checkpoint, data, client_id, received_at)
    now = received_at or timezone.now()
    exit_pass = data.get("exit_pass")  # a pass checked at the gate (gate.passes.pass_use)
    try:
        if checkpoint.status == Checkpoint.Status.CLOSED:
            raise ValidationError(_("This checkpoint is closed."))
        cleaned, occupants = _clean(checkpoint, data, now)
        flags = _flags(checkpoint, cleaned, occupants, exit_pass)
        override = _override(cleaned, flags)
    except ValidationError:
        # A retry is answered with what was stored, even if what it carries now would be refused.
        existing = Passage.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return _same_entry(existing, checkpoint), False
    if client_id and data.get("occurred_at") is None:
        # Timed by the server: a retry after midnight falls on another day, which the unique (client
        # id, day) the monthly partitions need cannot catch. Entries from the phone carry their time.
        since = timezone.localtime(now - OFFLINE_LIMIT).date()
        existing = Passage.objects.filter(client_id=client_id, day__gte=since).first()
        if existing is not None:
            return _same_entry(existing, checkpoint), False
    if cleaned["person"] is not None and not cleaned["name"]:
        cleaned["name"] = cleaned["person"].name
    passage = Passage(
        exit_pass=exit_pass,
        checkpoint=checkpoint,
        area_id=checkpoint.area_id,
        day=timezone.localtime(cleaned["occurred_at"]).date(),
        flags=flags,
        fever="fever" in flags,
        override=override,
        client_id=client_id,
        recorded_by=actor,
        created_at=now,
        **cleaned,
    )
    try:
        _store(passage, occupants)
    except IntegrityError:
        # The same entry again (a retry, a batch sent twice): the unique client id refused it.
        existing = Passage.objects.filter(client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return _same_entry(existing, checkpoint), False
    return passage, True


@transaction.atomic
def _record_self_registered(actor, checkpoint, data, client_id, received_at) -> tuple[Passage, bool]:
    """The guard's decision on a visitor's self-registration: the passage, and the registration
    marked as become that passage, together; a retry of the same entry answers the stored passage."""
    existing = Passage.objects.filter(client_id=client_id).first() if client_id else None
    if existing is not None:
        return _same_entry(existing, checkpoint), False
    registration = services_visit.visit_waiting(
        actor=actor, checkpoint=checkpoint, pk=data["self_registration"]
    )
    registration = type(registration).objects.select_for_update().get(pk=registration.pk)
    rest = {key: value for key, value in data.items() if key != "self_registration"}
    passage, created = passage_record(
        actor=actor, checkpoint=checkpoint, data=rest, client_id=client_id, received_at=received_at
    )
    if created:
        services_visit.visit_decided(actor=actor, registration=registration, passage=passage)
    return passage, created


def _flags(checkpoint: Checkpoint, cleaned: dict, occupants: list[dict], exit_pass) -> list[str]:
    """What the guard's screen flagged: the person's and everyone's on board, and a fever."""
    flags = person_flags(cleaned["person"]).flags
    for occupant in occupants:  # someone on board under observation is flagged like the driver
        flags += [f for f in person_flags(occupant["person"]).flags if f not in flags]
    temperatures = [cleaned["temperature"], *(o["temperature"] for o in occupants)]
    if any(t is not None and t >= fever_threshold(checkpoint.area_id) for t in temperatures):
        flags.append("fever")
    if exit_pass is not None and "sealed_no_pass" in flags:
        flags.remove("sealed_no_pass")
    return flags


def _override(cleaned: dict, flags: list[str]) -> bool:
    """Whether letting this entry through overrides a flag; refused without the guard's reason."""
    if cleaned["decision"] != Passage.Decision.ALLOWED or OVERRIDDEN.isdisjoint(flags):
        return False
    if not cleaned["reason"]:
        flagged = "、".join(str(FLAG_LABELS[f]) for f in flags if f in OVERRIDDEN)
        raise ValidationError(
            {
                "reason": [
                    _("Flagged: %(flags)s. Letting them through is an override: say why.")
                    % {"flags": flagged}
                ]
            }
        )
    return True


def _store(passage: Passage, occupants: list[dict]) -> None:
    """Write a new passage, its count in the day's roll-up and its people on board, all or nothing.

    The statements are written once per process (``Model.save`` building its INSERT cost a passage a
    fifth of its time) and the values prepared by the fields, as ``save`` would. On PostgreSQL a
    passage with nobody listed on board is one statement, insert and count together: outside a
    transaction it needs no BEGIN and COMMIT, two of the round trips a passage paid the database."""
    one_statement = connection.vendor == "postgresql" and not occupants
    if one_statement and not connection.in_atomic_block:
        _insert(passage, counted=True)
        return
    with transaction.atomic():  # a savepoint inside a caller's transaction, so a retry can be read
        _insert(passage, counted=one_statement)
        if not one_statement:
            count_passage(passage)
        if occupants:
            Occupant.objects.bulk_create([Occupant(passage=passage, **o) for o in occupants])


def _insert(passage: Passage, *, counted: bool) -> None:
    sql, fields = _insert_statement(connection.vendor, counted)
    values = [field.get_db_prep_save(getattr(passage, field.attname), connection) for field in fields]
    if counted:
        values += count_params(passage)
    with connection.cursor() as cursor:
        execute(cursor, sql, values)
        # SQLite: a plain INSERT and its rowid. With RETURNING, a duplicate entry sent twice at once
        # could answer no row and leave the statement open, so the transaction could not end.
        passage.pk = cursor.fetchone()[0] if connection.vendor == "postgresql" else cursor.lastrowid
    passage._state.adding, passage._state.db = False, connection.alias


@functools.cache
def _insert_statement(vendor: str, counted: bool) -> tuple[str, list]:
    meta, quote = Passage._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 — names are ours, values are parameters
    if vendor == "postgresql":
        insert += f" RETURNING {quote(meta.pk.column)}"
    return (insert_and_count_sql(insert) if counted else insert), fields


def _same_entry(existing: Passage, checkpoint: Checkpoint) -> Passage:
    if existing.checkpoint_id != checkpoint.pk:
        raise ValidationError({"client_id": [_("This entry id was already used at another checkpoint.")]})
    return existing


_BATCH_LOCK = 2017  # the advisory lock's first key: a gate's offline batches (its second: the gate)


def passages_record_batch(*, actor: User, checkpoint: Checkpoint, entries: list[dict]) -> list[dict]:
    """Record a phone's offline entries, each on its own: [{"client_id", "status": created | duplicate
    | refused, "id", "errors"}] in the order sent; a refused one also carries "fields", its messages by
    field. Every message is the guard's language, a field named by its label. A refused entry stops
    nothing else."""
    require_role(actor, checkpoint.area_id, *GUARDS)
    if len(entries) > MAX_BATCH:
        raise ValidationError(_("At most %(n)s entries at a time.") % {"n": MAX_BATCH})
    results: list[dict] = []
    # On PostgreSQL a transaction per few dozen entries, not a commit per entry: each commit waits
    # for the disk (200 entries took 2.3 s). Each entry still stands alone (a savepoint in
    # ``_store``). On SQLite each entry is its own transaction, as a single passage is: a commit
    # there does not wait for the disk (synchronous=NORMAL), so chunks would save nothing. (The
    # "SQL statements in progress" once blamed on kept connections came from the browser tests'
    # live server sharing one in-memory connection between threads: tests/browser/conftest.py.)
    if connection.vendor != "postgresql":
        return [_batch_entry(actor, checkpoint, entry) for entry in entries]
    for start in range(0, len(entries), _BATCH_CHUNK):
        with transaction.atomic():
            # One gate's batches one after another: the page may send the same batch twice at once,
            # and two chunks inserting the same entries in another order waited on each other's
            # entries and counts (a deadlock, a 500). The second now finds every entry stored.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_BATCH_LOCK, checkpoint.pk % 2**31])
            for entry in entries[start : start + _BATCH_CHUNK]:
                results.append(_batch_entry(actor, checkpoint, entry))
    return results


def _batch_entry(actor: User, checkpoint: Checkpoint, entry: dict) -> dict:
    """One offline entry of a batch, recorded or refused, as the batch answers it."""
    client_id = str(entry.get("client_id") or "")[:40]
    if not client_id:
        return {"client_id": "", "status": "refused", "id": None, "errors": [_("An entry needs its id.")]}
    try:
        passage, created = passage_record(actor=actor, checkpoint=checkpoint, data=entry, client_id=client_id)
    except ValidationError as exc:
        return {
            "client_id": client_id,
            "status": "refused",
            "id": None,
            "errors": labelled_messages(exc),
            "fields": field_messages(exc),
        }
    return {
        "client_id": client_id,
        "status": "created" if created else "duplicate",
        "id": passage.pk,
        "errors": [],
    }
