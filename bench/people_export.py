"""Exporting the ledgers: a million arrivals to .xlsx through ``write_ledger``, versus xlsxwriter alone.

The registry holds 1,000,000 people of 堂二里镇, each with one arrival (bench.data, loaded raw). Cordon's
path: ``cordon.people.exports.write_ledger`` for the town's commander, everything in their areas, masked
numbers — one sheet per category, streamed from the database into xlsxwriter in constant-memory mode,
in a fresh process whose peak resident memory (VmHWM) is read before and after. The floor, in another
fresh process: the very same values (taken from Cordon's own row generator beforehand, untimed) held
as Python tuples and written with xlsxwriter in constant-memory mode, one typed write per cell, the
same sheets and header lines. Targets (issue 3): time ≤ 1.3× the floor; peak RSS under 300 MB.

BENCH_EXPORT_ROWS scales the registry (default 1000000). See bench.common for the databases.
"""

import os
import time

from bench.common import databases, note, people_database, step

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "1000000"))
TARGET_RATIO = 1.3
TARGET_RSS_MB = 300


def run() -> dict:
    runs = []
    for kind in databases():
        url, workdir, loaded = people_database(kind, ROWS)
        path = os.path.join(workdir, "ledger.xlsx")
        cordon = step("bench.people_export:export_cordon", url, workdir, path=path)
        floor = step("bench.people_export:export_floor", url, workdir, path=path + ".floor.xlsx")
        runs.append(
            {
                "database": cordon.pop("database"),
                "load": loaded,
                "cordon": cordon,
                "floor": floor,
                "ratio": round(cordon["seconds"] / floor["seconds"], 2),
                "target_met": cordon["seconds"] / floor["seconds"] <= TARGET_RATIO
                and cordon["memory"]["peak_rss_mb"] < TARGET_RSS_MB,
            }
        )
    return {
        "benchmark": "people_export",
        "rows": ROWS,
        "target_ratio": TARGET_RATIO,
        "target_peak_rss_mb": TARGET_RSS_MB,
        "runs": runs,
    }


# --- steps, each in a process of its own ------------------------------------------------------------


def export_cordon(*, path: str) -> dict:
    from bench.common import commander, peak_rss_mb, setup_django

    setup_django()
    from django.db import connection

    from cordon.people.exports import ExportRequest, write_ledger
    from cordon.people.selectors import LedgerFilters

    user = commander()
    before = peak_rss_mb()
    note(f"{connection.vendor}: exporting")
    start = time.perf_counter()
    rows = write_ledger(user, ExportRequest(filters=LedgerFilters()), path)
    seconds = time.perf_counter() - start
    after = peak_rss_mb()
    return {
        "database": connection.vendor,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "file_mb": round(os.path.getsize(path) / 2**20, 1),
        "memory": {
            "rss_before_mb": before["rss_mb"],
            "peak_rss_before_mb": before["peak_rss_mb"],
            "peak_rss_mb": after["peak_rss_mb"],
            "peak_growth_mb": round(after["peak_rss_mb"] - before["rss_mb"], 1),
        },
    }


def export_floor(*, path: str) -> dict:
    """xlsxwriter in constant-memory mode writing Cordon's own values, already in memory as tuples."""
    from bench.common import commander, setup_django

    setup_django()
    import xlsxwriter

    from cordon.people import exports
    from cordon.people.models import RiskCategory
    from cordon.people.selectors import LedgerFilters, ledger_arrivals

    user = commander()
    labels = exports._labels()
    headers = [str(c.header) for c in exports.columns()]
    line = "导出人：堂二里镇指挥长 · 2020-02-29 21:00 · 筛选：全部 · 号码已遮蔽"
    start = time.perf_counter()
    sheets = []
    for category in RiskCategory.objects.order_by("priority", "code"):
        arrivals = ledger_arrivals(user, LedgerFilters(category=category.code)).order_by(
            "-arrival_date", "id"
        )
        sheets.append((category.name, list(exports._rows(arrivals, False, labels))))
    prepared = time.perf_counter() - start
    note(f"floor: {sum(len(rows) for _n, rows in sheets)} rows in memory after {prepared:.0f} s")

    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        write_string, write_number, write_datetime = (
            sheet.write_string,
            sheet.write_number,
            sheet.write_datetime,
        )
        write_string(0, 0, line)
        for c, header in enumerate(headers):
            write_string(1, c, header)
        for r, values in enumerate(rows, start=2):
            for c, v in enumerate(values):
                if v is None or v == "":
                    continue
                t = type(v)
                if t is str:
                    write_string(r, c, v)
                elif t is int:
                    write_number(r, c, v)
                else:
                    write_datetime(r, c, v, day)
    workbook.close()
    seconds = time.perf_counter() - start
    return {
        "rows": sum(len(rows) for _n, rows in sheets),
        "seconds": round(seconds, 2),
        "file_mb": round(os.path.getsize(path) / 2**20, 1),
        "prepare_seconds_untimed": round(prepared, 1),
    }
