"""The second process of an import: the untrusted file read and its rows checked in a forked child,
under limits, while the parent writes what comes back (``check_in_a_second_process``)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import time
from queue import Empty
from typing import TYPE_CHECKING

from cordon.core import sandbox
from cordon.core.spreadsheet_types import SpreadsheetError

if TYPE_CHECKING:
    from cordon.people.import_rows import Run


class _ToParent:
    """Where checked rows go from the checking process: to the writing one, in batches."""

    def __init__(self, queue):
        self.queue, self.events = queue, []

    def _event(self, *event) -> None:
        self.events.append(event)
        if len(self.events) >= 500:
            self.send()

    def send(self) -> None:
        if self.events:
            # Pickled here, in the checking thread: left to the queue's feeder thread, the pickling
            # fought the checking for the interpreter lock and the writer waited for rows.
            self.queue.put(pickle.dumps(self.events, protocol=pickle.HIGHEST_PROTOCOL))
            self.events = []

    def sheet(self, info):
        self._event("sheet", info)

    def reject(self, *args):
        self._event("reject", *args)

    def add(self, *args):
        self._event("add", *args)

    def skip(self, *args):
        self._event("skip", *args)

    def note(self, *args):
        self._event("note", *args)

    def progress(self, done, total):
        self._event("progress", done, total)


def check_in_a_second_process(run: Run, read, remembered: dict) -> tuple[int, str, bool]:
    """Read the file and check its rows in a forked child while this process writes what is checked.

    The file is untrusted: the child reads it (``read()`` returns the cordon.core.spreadsheets.Table)
    under memory and CPU limits and dies with this process (cordon.core.sandbox), so a hostile or
    broken workbook costs the child, never the worker or the web server. It checks rows with plain
    functions and no database (everything it needs from the database was read before the fork; the
    connections it inherited raise if touched) and sends them back in batches; the queue is bounded,
    so it runs at most a couple of chunks ahead. Returns (rows read, the file's problem or "", whether
    the file could be read at all).
    """
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=200)
    direct = run.sink
    limits = sandbox.import_limits()
    parent = os.getpid()

    def child() -> None:
        # Everything inherited from the parent (Django, the caches, the worker's own objects) stays
        # alive and unchanged here: left to the collector, every full pass walked all of it (and
        # wrote to its pages, which the fork then had to copy) — a third of the checking's time.
        gc.freeze()
        try:
            sandbox.limit_this_process(limits, parent)
            try:
                table = read()
            except SpreadsheetError as exc:
                queue.put(pickle.dumps([("unreadable", str(exc), sandbox.peak_rss_kb())]))
                return
            run.total = sum(sheet.row_count_hint for sheet in table.sheets)
            run.sink = _ToParent(queue)
            run.sink._event("total", run.total)
            message = run.all_sheets(table, remembered)
            run.sink.send()
            queue.put(pickle.dumps([("end", run.done, message, sandbox.peak_rss_kb())]))
        except MemoryError:
            queue.put(pickle.dumps([("memory",)]))
        except BaseException as exc:
            queue.put(pickle.dumps([("crash", f"{exc.__class__.__name__}: {exc}")]))
        finally:
            queue.close()
            queue.join_thread()
            os._exit(0)  # no interpreter clean-up: the parent's database connections are not ours

    process = context.Process(target=child, daemon=True)
    process.start()
    deadline = time.monotonic() + limits.wall_seconds
    try:
        while True:
            try:
                events = pickle.loads(queue.get(timeout=0.5))  # noqa: S301 — our own child's rows
            except Empty:
                if time.monotonic() > deadline:
                    return 0, sandbox.death_message(None, limits, timed_out=True), False
                if not process.is_alive():
                    try:  # what it sent just before it ended
                        events = pickle.loads(queue.get(timeout=0.5))  # noqa: S301
                    except Empty:
                        process.join(timeout=1)
                        return 0, sandbox.death_message(process.exitcode, limits), False
                else:
                    continue
            for kind, *args in events:
                if kind == "add":
                    direct.add(*args)
                elif kind == "reject":
                    direct.reject(*args)
                elif kind == "skip":
                    direct.skip(*args)
                elif kind == "note":
                    direct.note(*args)
                elif kind == "sheet":
                    direct.sheet(*args)
                elif kind == "progress":
                    direct.progress(*args)
                elif kind == "total":
                    run.total = args[0]
                elif kind == "end":
                    LAST_CHILD_PEAK_RSS_KB[0] = args[2]
                    return args[0], args[1], True
                elif kind == "unreadable":
                    LAST_CHILD_PEAK_RSS_KB[0] = args[1]
                    return 0, args[0], False
                elif kind == "memory":
                    return 0, sandbox.death_message(None, limits), False
                else:
                    raise RuntimeError(f"checking the rows failed: {args[0]}")
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


# The peak resident memory of the last checking child (KB), as it measured itself: for tests and logs.
LAST_CHILD_PEAK_RSS_KB = [0]
