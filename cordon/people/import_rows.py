"""Checking a ledger's rows: each row through the registration form's own plain functions, in this
process or — for a large file — in a forked second process while this one writes (import_writer)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.core.spreadsheet_types import LostPrecision, SpreadsheetError
from cordon.people import services, validation
from cordon.people.identity import file_name_conflict_message, same_name
from cordon.people.import_cells import floated, not_a_person, read_phone_cell
from cordon.people.import_types import (
    ARRIVAL_KEYS,
    DOCUMENTS,
    FIELDS,
    MEANS,
    PERSON_KEYS,
    REQUIRED,
    SEX,
    STATUSES,
    TABLES,
    CheckedRow,
    Report,
    field_for,
)
from cordon.people.origins import resolve_origin
from cordon.people.pinyin import name_keys

# Cells where a number Excel showed as 1.38123E+10 means digits are gone.
_NUMBER_FIELDS = frozenset(("document_number", "phone", "phone_other"))


def _choice(value, table: dict, default=""):
    if isinstance(value, str) or value is None:
        return _choice_of_text(value or "", id(table), default)
    return _choice_uncached(value, table, default)


@lru_cache(maxsize=4096)
def _choice_of_text(text: str, table_id: int, default: str):
    # Ledgers repeat a handful of words (自驾, 火车, 身份证): each is matched once per process.
    return _choice_uncached(text, TABLES[table_id], default)


def _choice_uncached(value, table: dict, default=""):
    text = validation.compact(validation.normalize(value)).lower()
    if not text:
        return default
    for key, words in table.items():
        if text == key or any(word in text for word in words):
            return key
    return None


class Checker:
    """Checks rows one by one with the registration form's own functions (fast plain functions)."""

    def __init__(self, area: Area, today: date):
        self.area = area
        self.today = today
        villages = Area.objects.within(area).filter(level__in=("village", "grid")).values_list("code", "name")
        self.villages = {name: code for code, name in villages} | {code: code for code, _n in villages}
        self.origins: dict[str, str] = {}
        self.context_year: int | None = None
        self.dates: dict[str, object] = {}
        self.date_reference: date | None = None
        self.unknown_statuses: dict[str, None] = {}  # a status column's words Cordon does not read

    def village(self, value) -> str:
        text = validation.normalize(value or "")
        if not text:
            if self.area.level in ("village", "grid"):
                return self.area.code
            raise ValidationError(_("Which village? Importing for the whole town needs a village column."))
        code = (
            self.villages.get(text)
            or self.villages.get(text.rstrip("村街") + "村")
            or self.villages.get(text + "村")
        )
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a village of %(area)s.") % {"value": text[:30], "area": self.area.name}
            )
        return code

    def origin_code(self, text: str) -> str:
        if text not in self.origins:
            origin = resolve_origin(text)
            self.origins[text] = origin.code if origin else ""
        return self.origins[text]

    def check(self, values: dict) -> tuple[dict, dict, str, dict[str, list], list]:
        """(person, arrival, village code, errors by field, notes): notes are (field, message) for what
        the row held that is not kept — a word in a phone cell, a third number."""
        errors: dict[str, list] = {}
        notes: list = []
        for name, value in values.items():
            if isinstance(value, LostPrecision):
                errors.setdefault(name, []).append(str(value.message))
            elif name in _NUMBER_FIELDS and (message := floated(value)):
                errors.setdefault(name, []).append(message)
        if errors:
            return {}, {}, "", errors, notes
        person_data = {k: values.get(k) for k in PERSON_KEYS}
        kind = _choice(values.get("document_type"), DOCUMENTS, default="mainland_id")
        if kind is None:
            errors["document_type"] = [
                _("Unknown kind of document: %(value)s")
                % {"value": validation.normalize(values.get("document_type"))[:20]}
            ]
        person_data["document_type"] = kind or "other"
        if not values.get("document_number") and not values.get("document_type"):
            person_data["document_type"] = "none"
        sex = validation.normalize(values.get("sex") or "").lower()
        person_data["sex"] = SEX.get(sex, "")
        person_data["phone"], person_data["phone_other"] = self.phones(values, errors, notes)
        if isinstance(values.get("document_number"), int | float):
            person_data["document_number"] = str(int(values["document_number"]))
        arrival_data = {k: values.get(k) for k in ARRIVAL_KEYS}
        arrival_data["arrival_date"] = self.arrival_date(arrival_data["arrival_date"])
        means = _choice(values.get("means"), MEANS)
        arrival_data["means"] = means if means is not None else "other"
        for key in ("origin_text", "plate", "transport_number", "route", "screening_team", "note"):
            if arrival_data[key] is not None and not isinstance(arrival_data[key], str):
                arrival_data[key] = str(arrival_data[key])
        self.plate_or_number(values.get("plate_or_number"), arrival_data)
        status = _choice(values.get("status"), STATUSES)
        if status is None:
            self.unknown_statuses.setdefault(validation.normalize(values.get("status"))[:20], None)
        area_code = ""
        try:
            area_code = self.village(values.get("village"))
        except ValidationError as exc:
            errors["village"] = exc.messages
        person, arrival = {}, {}
        try:
            person = services.clean_person(person_data, today=self.today)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        try:
            arrival = services.clean_arrival(
                arrival_data,
                today=self.today,
                resolve=False,
                context_year=self.context_year,
                date_reference=self.date_reference,
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if arrival.get("origin_text"):
            arrival["origin_code"] = self.origin_code(arrival["origin_text"])
        arrival["status"] = status or ""
        return person, arrival, area_code, errors, notes

    @staticmethod
    def phones(values: dict, errors: dict, notes: list) -> tuple[str, str]:
        """The mobile and the other phone a row's phone cells give: what is a phone is kept, a word
        (无, 本人) or an annotation is noted, a second number fills the other phone when it is free,
        a number beyond that is noted; digits that make no number are an error."""
        kept: dict[str, list[str]] = {}
        for name in ("phone", "phone_other"):
            numbers, not_numbers, error = read_phone_cell(values.get(name))
            if error is not None:
                errors.setdefault(name, []).extend(error.messages)
            kept[name] = numbers
            notes.extend(
                (name, _("“%(text)s” is not a phone number: not kept.") % {"text": text[:30]})
                for text in not_numbers
            )
        phone = kept["phone"][0] if kept["phone"] else ""
        other = kept["phone_other"][0] if kept["phone_other"] else ""
        extra = [(n, "phone") for n in kept["phone"][1:]]
        extra += [(n, "phone_other") for n in kept["phone_other"][1:]]
        if not other and extra:
            other = extra.pop(0)[0]
        for number, name in extra:
            notes.append(
                (
                    name,
                    _("%(phone)s: one mobile and one other phone are kept; this number was not.")
                    % {"phone": number},
                )
            )
        return phone, other

    @staticmethod
    def plate_or_number(value, arrival_data: dict) -> None:
        """A column that holds a plate or a train or flight number (Cordon's own export writes one)."""
        if value in (None, ""):
            return
        text = str(value)
        try:
            validation.parse_plate(text)
        except ValidationError:
            if not arrival_data.get("transport_number"):
                arrival_data["transport_number"] = text
        else:
            if not arrival_data.get("plate"):
                arrival_data["plate"] = text

    def arrival_date(self, value):
        """A ledger's dates repeat (a few dozen days over thousands of rows): each text is read once."""
        if not isinstance(value, str):
            return value
        if value not in self.dates:
            try:
                self.dates[value] = validation.parse_date(
                    value, today=self.date_reference or self.today, context_year=self.context_year
                )
            except ValidationError:
                self.dates[value] = value  # left for clean_arrival to refuse, with its message
        return self.dates[value]


def person_key(area_code: str, person: dict, arrival: dict) -> tuple:
    """What identifies a person across imports: the document number; without one, the name in the
    village with the phone, else the address, else the arrival itself (day and origin). The import
    writer also tries the weaker keys, so a re-sent ledger with a corrected phone finds the person."""
    if person["document_number"]:
        return ("doc", person["document_type"], person["document_number"])
    if person["phone"]:
        return ("phone", area_code, person["name"], person["phone"])
    if person["address"]:
        return ("address", area_code, person["name"], person["address"])
    return ("arrival", area_code, person["name"], arrival["arrival_date"], arrival["origin_text"])


# What a clerk writes for "the same as the row above" (同上, a ditto mark).
DITTO = frozenset({"同上", "同上。", "同前", "〃", "”", "''", '""'})
# A cell can only be one of DITTO if it holds one of these (before normalising: full-width quotes).
_DITTO_CHARS = re.compile("[同〃”'\"＇＂]")


def _ditto(values, above: list | None, labels: list, identity: tuple) -> tuple[list, list, list]:
    """The row with each 同上 (ditto) cell taking the value of the cell above, and (column, note) for
    each; a ditto in the name or ID number column, or with nothing above, is a problem to report:
    each person has their own name and number."""
    row = list(values)
    notes, problems = [], []
    for index, value in enumerate(row):
        # Most cells hold none of a ditto's characters: only those are normalised and compared.
        if not isinstance(value, str) or not _DITTO_CHARS.search(value):
            continue
        if validation.compact(value) not in DITTO:
            continue
        label = labels[index] if index < len(labels) else ""
        if index in identity:
            problems.append((label, _("“%(text)s” here: each person needs their own.") % {"text": value}))
            continue
        previous = above[index] if above is not None and index < len(above) else None
        if previous in (None, ""):
            problems.append((label, _("“%(text)s”, but the row above has nothing here.") % {"text": value}))
            continue
        row[index] = previous
        notes.append(
            (
                label,
                _("“%(text)s”: the value of the row above, “%(value)s”, was taken.")
                % {
                    "text": value,
                    "value": str(previous)[:30],
                },
            )
        )
    return row, notes, problems


def _by_field(fields: list, labels: list, values: list) -> tuple[dict, list]:
    """A row's values by ledger field. Two columns of one field (身份证号 and 证件号码) give the value
    of whichever is filled; two different values are a problem to report, never a silent choice."""
    by_field: dict = {}
    source: dict = {}
    conflicts = []
    for name, label, value in zip(fields, labels, values, strict=True):
        if not name:
            continue
        if by_field.get(name) in (None, ""):
            by_field[name], source[name] = value, label
        elif value not in (None, "") and str(value).strip() != str(by_field[name]).strip():
            conflicts.append(
                (
                    label,
                    _("“%(value)s” differs from “%(other)s” in the column %(column)s.")
                    % {"value": str(value)[:30], "other": str(by_field[name])[:30], "column": source[name]},
                )
            )
    return by_field, conflicts


_YEARLESS = re.compile(r"^\s*\d{1,2}\s*(?:月\s*\d{1,2}\s*[日号]?|[./-]\s*\d{1,2})\s*$")


def _ledger_year(sheet, fields: list, sample: int = 5000) -> tuple[int | None, date | None, str]:
    """The year a ledger's dates are in and its latest full date, read from the arrival dates that
    carry a year, and the first date that omits it (""). A February 2020 ledger imported in 2026 must
    read "2月3日" as 2020-02-03, and "12月28日" in a ledger that ends in January 2020 as 2019-12-28."""
    from collections import Counter

    try:
        column = fields.index("arrival_date")
    except ValueError:
        return None, None, ""
    years: Counter = Counter()
    latest: date | None = None
    yearless = ""
    try:
        for index, (_row, values) in enumerate(sheet.rows()):
            if index >= sample:
                break
            value = values[column]
            day = None
            if hasattr(value, "year"):
                day = value if isinstance(value, date) and not hasattr(value, "hour") else value.date()
            elif isinstance(value, str):
                if _YEARLESS.match(value):
                    yearless = yearless or value
                    continue
                try:
                    day = validation.parse_date(value, today=date(2099, 12, 31))
                except ValidationError:
                    continue
            if day is not None:
                years[day.year] += 1
                latest = day if latest is None or day > latest else latest
    except SpreadsheetError:
        pass  # the rows themselves report where the file breaks
    return (years.most_common(1)[0][0] if years else None), latest, yearless


class Direct:
    """Where checked rows go when they are checked in this process: straight to the writer."""

    def __init__(self, writer, report: Report, on_progress):
        self.writer, self.report, self.on_progress = writer, report, on_progress

    def sheet(self, info: dict) -> None:
        self.report.sheets.append(info)

    def reject(self, *args) -> None:
        self.writer.reject(*args)

    def add(self, *args) -> None:
        self.writer.add(*args)

    def skip(self, *args) -> None:
        self.writer.skip(*args)

    def note(self, *args) -> None:
        self.writer.note(*args)

    def progress(self, done: int, total: int) -> None:
        if self.on_progress:
            self.on_progress(done, total)


@dataclass
class Run:
    checker: Checker
    sink: object
    total: int
    done: int = 0
    # The person of each key seen in this file: (first row, name), so a number under a second name is
    # a conflict; and each (person, arrival day) with its first row, so a row that repeats one is said.
    seen_keys: dict = field(default_factory=dict)
    seen_trips: dict = field(default_factory=dict)

    def all_sheets(self, table, remembered: dict[str, str]) -> str:
        """Check every sheet's rows; returns the file's problem, if a row stopped the reading."""
        for sheet in table.sheets:
            try:
                self.sheet(sheet, remembered)
            except SpreadsheetError as exc:
                # A row the reader cannot get past (an unclosed quote, too many rows): say so; the
                # rows before it are reported as usual and nothing is half-written.
                return str(exc)
        return ""

    def _year_note(self, yearless: str, year: int | None) -> str:
        if year is not None:
            return _(
                "Dates without a year (such as %(example)s) were read as in %(year)s, the year of "
                "this sheet's other dates."
            ) % {"example": yearless[:20], "year": year}
        return _(
            "Dates without a year (such as %(example)s) were read as in %(year)s, the current year "
            "(or the year before for a date more than two months ahead): check them."
        ) % {"example": yearless[:20], "year": self.checker.today.year}

    def sheet(self, sheet, remembered: dict[str, str]) -> None:
        sink = self.sink
        fields = [field_for(h.text, remembered) for h in sheet.headers]
        labels = [h.text for h in sheet.headers]
        mapped = {h.text: f for h, f in zip(sheet.headers, fields, strict=True) if f}
        missing = [f for f in REQUIRED if f not in mapped.values()]
        info = {
            "name": sheet.name,
            "mapped": mapped,
            "unknown": [h.text for h, f in zip(sheet.headers, fields, strict=True) if f is None],
            "missing": [str(FIELDS[f][0]) for f in missing],
        }
        column_of: dict[str, str] = {}
        for header, name in mapped.items():
            column_of.setdefault(name, header)
        year, latest, yearless = _ledger_year(sheet, fields)
        self.checker.context_year, self.checker.date_reference = year, latest
        self.checker.dates.clear()
        self.checker.unknown_statuses.clear()
        if yearless:
            info["notes"] = [self._year_note(yearless, year)]
        sink.sheet(info)
        for message in info.get("notes", []):
            sink.note(sheet.name, None, column_of.get("arrival_date", ""), message)
        name_at = fields.index("name") if "name" in fields else None
        document_at = fields.index("document_number") if "document_number" in fields else None
        unread = []  # rows that fill only columns Cordon does not read (numbered in advance)
        above: list | None = None  # the last person's row, for its 同上 (ditto) cells
        for row_number, values in sheet.rows():
            self.done += 1
            if self.done % 1000 == 0:
                sink.progress(self.done, self.total)
            why = not_a_person(values, labels, name_at=name_at, document_at=document_at)
            if why:
                sink.skip(sheet.name, row_number, why)
                continue
            values, ditto_notes, ditto_errors = _ditto(values, above, labels, (name_at, document_at))
            above = values
            if ditto_errors:
                sink.reject(sheet.name, row_number, labels, values, ditto_errors)
                continue
            by_field, conflicts = _by_field(fields, labels, values)
            if not any(v not in (None, "") for v in by_field.values()):
                unread.append(row_number)
                sink.skip(sheet.name, row_number, None)
                continue
            if conflicts:
                sink.reject(sheet.name, row_number, labels, values, conflicts)
                continue
            if missing:
                why = _("The sheet has no column for: %(fields)s.") % {
                    "fields": "、".join(str(FIELDS[f][0]) for f in missing)
                }
                sink.reject(sheet.name, row_number, labels, values, [("", why)])
                continue
            person, arrival, area_code, errors, notes = self.checker.check(by_field)
            if errors:
                problems = [
                    (column_of.get(f, str(FIELDS[f][0]) if f in FIELDS else ""), m)
                    for f, ms in errors.items()
                    for m in ms
                ]
                sink.reject(sheet.name, row_number, labels, values, problems)
                continue
            key = person_key(area_code, person, arrival)
            first = self.seen_keys.get(key)
            if first is not None and key[0] == "doc" and not same_name(first[1], person["name"]):
                why = file_name_conflict_message(row=first[0], other_name=first[1], given_name=person["name"])
                sink.reject(sheet.name, row_number, labels, values, [(column_of.get("name", ""), why)])
                continue
            if first is None:
                self.seen_keys[key] = (row_number, person["name"])
            trip = (key, arrival["arrival_date"])
            same_trip_as = self.seen_trips.setdefault(trip, row_number)
            person["name_pinyin"], person["name_initials"] = name_keys(person["name"])
            present = {k for k, v in by_field.items() if v not in (None, "")}
            for name in ("phone", "phone_other"):
                # A phone cell that held only a word keeps what is stored; a second number fills
                # the other phone even without its own column.
                (present.add if person[name] else present.discard)(name)
            checked = CheckedRow(
                document_column=column_of.get("document_number", ""),
                village_column=column_of.get("village", ""),
                sheet=sheet.name,
                row=row_number,
                area_code=area_code,
                person=person,
                arrival=arrival,
                present=frozenset(present),
                key=key,
                notes=tuple((column_of.get(f, str(FIELDS[f][0])), m) for f, m in notes) + tuple(ditto_notes),
                same_trip_as=same_trip_as if same_trip_as != row_number else None,
            )
            sink.add(checked, labels, values)
        if unread:
            sink.note(
                sheet.name,
                unread[0],
                "",
                _("%(count)s rows fill only columns Cordon does not read (such as 序号): skipped.")
                % {"count": len(unread)},
            )
        if self.checker.unknown_statuses:
            words = "、".join(list(self.checker.unknown_statuses)[:3])
            sink.note(
                sheet.name,
                None,
                column_of.get("status", ""),
                _(
                    "The column %(column)s holds words Cordon does not read as a status (such as "
                    "%(words)s): they were left alone."
                )
                % {"column": column_of.get("status", ""), "words": words},
            )
