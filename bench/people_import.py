"""Importing a ledger: a 100,000-row .xlsx through ``run_import``, versus reading it and inserting it raw.

The file is what a town sends (bench.data.ledger_rows: the brief's eight columns, phones typed as
numbers, dates as dates and as text, about 1% of rows a clerk got wrong). Cordon's path is the one the
web, the API and the CLI share — ``cordon.people.importer.run_import`` by the town's commander, with
validation, matching against the registry (dedup) and the write — timed three ways: the preview (dry
run) on an empty registry, the import itself, and the same file imported again (idempotent: nothing
created). The floor, measured in the same run on the same database: read the file with
python-calamine and insert its rows with the database's fastest raw bulk path (executemany on SQLite,
COPY on PostgreSQL) into a table of the same columns with one index; taken before and after Cordon's
runs, the faster of the two counts. Target: import ≤ 2.0× the floor (issue 3).

A second floor, ``schema_floor``, inserts the same rows the same raw way into Cordon's own tables — a
person and an arrival per row, with the registry's indexes (search columns, the unique number, the
ledger index) — in one transaction, with no checking at all: what writing *these* rows costs before
any of Cordon's work. ``ratio_to_schema_floor`` is the import against it.

Then, because a town's registry grows, a re-sent ledger of 10,000 rows (half people already
registered, a tenth of those with a new phone; half new people) is imported into the registry of a
million people that the export and search benchmarks use (bench.common.people_database), against the
same kind of floor on that database. It adds people to that registry, so this benchmark runs after
them in bench/run.py.

BENCH_IMPORT_ROWS scales the file (default 100000); BENCH_IMPORT_BAD_SHARE sets the share of bad rows
(default 0.01); BENCH_IMPORT_REGISTRY_ROWS the re-sent ledger (default 10000, 0 skips it), whose
registry has BENCH_SEARCH_ROWS people (default 1000000). See bench.common for the databases.
"""

import os
import tempfile
import time

from bench.common import databases, note, people_database, scratch_database, step

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
BAD_SHARE = float(os.environ.get("BENCH_IMPORT_BAD_SHARE", "0.01"))
REGISTRY_ROWS = int(os.environ.get("BENCH_IMPORT_REGISTRY_ROWS", "10000"))
REGISTRY_PEOPLE = int(os.environ.get("BENCH_SEARCH_ROWS", "1000000"))
TARGET_RATIO = 2.0


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="cordon-bench-ledger-") as filedir:
        path = os.path.join(filedir, "返乡人员台账.xlsx")
        made = step("bench.people_import:make_file", "sqlite://:memory:", filedir, path=path, rows=ROWS)
        resent = os.path.join(filedir, "返乡人员台账（重报）.xlsx")
        if REGISTRY_ROWS:
            step(
                "bench.people_import:make_file", "sqlite://:memory:", filedir, path=resent, rows=REGISTRY_ROWS
            )
        runs = []
        for kind in databases():
            with scratch_database(kind, "people_import") as (url, workdir):
                runs.append(step("bench.people_import:measure", url, workdir, path=path))
            if REGISTRY_ROWS:
                url, workdir, _loaded = people_database(kind, REGISTRY_PEOPLE)
                runs[-1]["resent_into_registry"] = step(
                    "bench.people_import:measure_resent", url, workdir, path=resent, people=REGISTRY_PEOPLE
                )
    return {
        "benchmark": "people_import",
        "rows": ROWS,
        "file": made,
        "target_ratio": TARGET_RATIO,
        "runs": runs,
    }


# --- steps, each in a process of its own ------------------------------------------------------------


def make_file(*, path: str, rows: int) -> dict:
    """Write the ledger with Cordon's own .xlsx writer (phones as numbers, as Excel keeps them): a new
    one, or (``resent`` in the name) one re-sent to the registry of bench.common.people_database."""
    import django

    django.setup()
    from bench.data import LEDGER_HEADERS, Generator, ledger_rows, resent_ledger_rows
    from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx

    start = time.perf_counter()
    columns = [Column(h, text=h == "身份证号") for h in LEDGER_HEADERS]
    if "重报" in os.path.basename(path):
        values = resent_ledger_rows(rows)
    else:
        values = ledger_rows(Generator(), rows, bad_share=BAD_SHARE)
    sheet = SheetSpec(
        name="返乡人员",
        columns=columns,
        rows=values,
        header_lines=["堂二里镇返乡人员摸排台账（2020年1月10日至2月29日）"],  # a title row above the headers
    )
    write_xlsx(path, [sheet], properties={"title": "堂二里镇返乡人员摸排台账"})
    return {
        "columns": len(LEDGER_HEADERS),
        "bad_share": BAD_SHARE,
        "size_mb": round(os.path.getsize(path) / 2**20, 1),
        "write_seconds": round(time.perf_counter() - start, 2),
    }


def measure(*, path: str) -> dict:
    from bench.common import build_town, commander, setup_django

    setup_django(migrate=True)
    from django.db import connection

    from bench.data import TOWN
    from cordon.accounts.models import Area

    build_town()
    town = Area.objects.get(code=TOWN[0])
    result = {"database": connection.vendor}
    floors = [_floor(path)]
    note(f"{connection.vendor}: floor {floors[0]['total_seconds']:.2f} s")

    preview = _cordon_import(path, commander(), town, dry_run=True)
    note(f"{connection.vendor}: preview {preview['seconds']:.2f} s")
    first = _cordon_import(path, commander(), town, dry_run=False)
    note(f"{connection.vendor}: import {first['seconds']:.2f} s")
    again = _cordon_import(path, commander(), town, dry_run=False)
    note(f"{connection.vendor}: import again {again['seconds']:.2f} s")

    floors.append(_floor(path))
    floor = min(floors, key=lambda f: f["total_seconds"])
    schema_floor = _schema_floor(path)
    note(f"{connection.vendor}: schema floor {schema_floor['total_seconds']:.2f} s")
    for label, figures in (("preview", preview), ("import", first), ("import_again", again)):
        figures["ratio"] = round(figures["seconds"] / floor["total_seconds"], 2)
        figures["ratio_to_schema_floor"] = round(figures["seconds"] / schema_floor["total_seconds"], 2)
        figures["seconds"] = round(figures["seconds"], 2)
        if label != "import":
            figures.pop("error_sample")
        result[label] = figures
    result["floor"] = {**floor, "runs_seconds": [round(f["total_seconds"], 3) for f in floors]}
    result["floor"]["total_seconds"] = round(floor["total_seconds"], 3)
    result["schema_floor"] = {**schema_floor, "total_seconds": round(schema_floor["total_seconds"], 3)}
    result["target_met"] = first["ratio"] <= TARGET_RATIO
    result["target_met_against_schema_floor"] = first["ratio_to_schema_floor"] <= TARGET_RATIO
    return result


def measure_resent(*, path: str, people: int) -> dict:
    """The re-sent ledger into the registry of ``people``: one import, against the floor there."""
    from bench.common import commander, setup_django

    setup_django()
    from django.db import connection

    from bench.data import TOWN
    from cordon.accounts.models import Area

    town = Area.objects.get(code=TOWN[0])
    floor = _floor(path)
    figures = _cordon_import(path, commander(), town, dry_run=False)
    note(f"{connection.vendor}: re-sent ledger into {people} people {figures['seconds']:.2f} s")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_ledger_floor")
    figures["ratio"] = round(figures["seconds"] / floor["total_seconds"], 2)
    figures["seconds"] = round(figures["seconds"], 2)
    floor["total_seconds"] = round(floor["total_seconds"], 3)
    return {"registry_people": people, **figures, "floor": floor}


def _cordon_import(path: str, actor, area, *, dry_run: bool) -> dict:
    from cordon.people import import_writer
    from cordon.people.importer import run_import

    phases = _Phases(import_writer.Writer, ("flush", "_known_people", "_load_arrivals", "_insert"))
    start = time.perf_counter()
    with open(path, "rb") as source:
        report = run_import(
            actor=actor, area=area, source=source, filename=os.path.basename(path), dry_run=dry_run
        )
    seconds = time.perf_counter() - start
    phases.restore()
    figures = {
        "seconds": seconds,
        "rows_per_second": round(report.total / seconds),
        **report.summary(),
        "message": report.message,
        "phases_seconds": {
            # Everything outside the write half: reading the file, checking each row, pinyin.
            "read_and_check": _round(
                None if phases.seconds["flush"] is None else seconds - phases.seconds["flush"]
            ),
            "write_half_total": _round(phases.seconds["flush"]),
            "match_people": _round(phases.seconds["_known_people"]),
            "match_arrivals": _round(phases.seconds["_load_arrivals"]),
            "raw_inserts": _round(phases.seconds["_insert"]),
        },
    }
    figures["error_sample"] = figures.pop("errors")[:3]
    figures["note_sample"] = figures.pop("notes")[:3]
    return figures


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


class _Phases:
    """Time spent in some methods of a class (called per chunk of rows, so the wrapping costs nothing).

    A method the class no longer has (the writer is being reworked) is reported as None, not a crash.
    """

    def __init__(self, cls, names):
        self.cls = cls
        self.originals = {name: getattr(cls, name) for name in names if hasattr(cls, name)}
        self.seconds = {name: (0.0 if name in self.originals else None) for name in names}
        for name, original in self.originals.items():
            setattr(cls, name, self._timed(name, original))

    def _timed(self, name, original):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        return timed

    def restore(self):
        for name, original in self.originals.items():
            setattr(self.cls, name, original)


_FLOOR_COLUMNS = ("name", "document_number", "phone", "village", "address", "origin", "arrival_date", "means")


def _floor(path: str) -> dict:
    """calamine reads the file; the rows go in raw, in one transaction, into an indexed table."""
    import python_calamine
    from django.db import connection, transaction

    from bench.data import raw_insert

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ledger_floor")
        key = (
            "INTEGER PRIMARY KEY"
            if connection.vendor == "sqlite"
            else "bigint GENERATED BY DEFAULT AS IDENTITY"
        )
        real = "REAL" if connection.vendor == "sqlite" else "double precision"
        cursor.execute(
            f"CREATE TABLE bench_ledger_floor (id {key}, name text, document_number text, phone {real},"
            " village text, address text, origin text, arrival_date text, means text)"
        )
        cursor.execute("CREATE INDEX bench_ledger_floor_number ON bench_ledger_floor (document_number)")
    start = time.perf_counter()
    with python_calamine.CalamineWorkbook.from_path(path) as workbook:
        rows = workbook.get_sheet_by_index(0).to_python()[2:]  # below the title line and the header
    read = time.perf_counter() - start
    with transaction.atomic():
        for i in range(0, len(rows), 20_000):
            raw_insert("bench_ledger_floor", _FLOOR_COLUMNS, rows[i : i + 20_000])
    total = time.perf_counter() - start
    return {
        "rows": len(rows),
        "read_seconds": round(read, 3),
        "insert_seconds": round(total - read, 3),
        "total_seconds": total,
    }


def _schema_floor(path: str) -> dict:
    """calamine reads the file; each row goes in raw as a person and an arrival, into Cordon's own
    tables with their indexes, in one transaction; then they are deleted again."""
    import python_calamine
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.data import TOWN, raw_insert
    from cordon.people.import_inserts import ARRIVAL_COLUMNS, PERSON_COLUMNS
    from cordon.people.models import Arrival, Person

    village = TOWN[0][:9] + "201"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    no = False if connection.vendor == "postgresql" else 0
    start = time.perf_counter()
    with python_calamine.CalamineWorkbook.from_path(path) as workbook:
        rows = workbook.get_sheet_by_index(0).to_python()[2:]
    read = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first_id = cursor.fetchone()[0] + 1_000_000
    people, arrivals = [], []
    for offset, row in enumerate(rows):
        pk = first_id + offset
        text = [str(v) if v is not None else "" for v in row]
        number = f"{text[1]}#{pk}"  # unique whatever the file holds: the floor checks nothing
        people.append(
            (
                pk,
                text[0][:40],
                "",
                "",
                "",
                None,
                "mainland_id",
                number,
                number[::-1],
                text[2][:20],
                "",
                village,
                text[4][:200],
                "",
                "",
                None,
                now,
                now,
                None,
            )
        )
        arrivals.append(
            (
                pk,
                village,
                "",
                text[5][:100],
                "",
                "",
                "",
                "",
                f"2020-01-{offset % 28 + 1:02d}",
                "outside",
                no,
                "",
                "present",
                None,
                "",
                "",
                None,
                now,
                now,
            )
        )
    with transaction.atomic():
        raw_insert(Person._meta.db_table, PERSON_COLUMNS, people)
        raw_insert(Arrival._meta.db_table, ARRIVAL_COLUMNS, arrivals)
    total = time.perf_counter() - start
    with transaction.atomic():
        Arrival.objects.filter(person_id__gte=first_id).delete()
        Person.objects.filter(pk__gte=first_id).delete()
    return {
        "rows": len(rows),
        "read_seconds": round(read, 3),
        "insert_seconds": round(total - read, 3),
        "total_seconds": total,
    }
