"""A forked child that reads an untrusted file, with its memory and CPU limited, dying with its parent.

The bounds of cordon.core.spreadsheet_bounds refuse what they can see; a reader bug they cannot see
must cost one child, not the worker (nor the web server): the child's address space and CPU time are
limited with setrlimit, so it fails alone, and the parent turns its death into a message naming the
bound. The child asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so a killed
import leaves no orphan; and it never touches the database connections it inherited — they belong to
the parent, whose transaction they may be in the middle of — any query in the child raises.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import resource
import signal
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext_lazy as _

_PR_SET_PDEATHSIG = 1
# Kept here, never closed nor collected: closing the parent's socket from the child would end the
# parent's session on the server.
_INHERITED: list = []


@dataclass(frozen=True)
class Limits:
    memory_mb: int  # address space the child may add to what it inherited
    cpu_seconds: int
    wall_seconds: int


def import_limits() -> Limits:
    return Limits(
        memory_mb=getattr(settings, "IMPORT_CHILD_MEMORY_MB", 1536),
        cpu_seconds=getattr(settings, "IMPORT_CHILD_CPU_SECONDS", 600),
        wall_seconds=getattr(settings, "IMPORT_CHILD_WALL_SECONDS", 900),
    )


class NoDatabaseInChild(RuntimeError):
    pass


def _virtual_size() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when the thread that forked it ends (Linux)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(libc_name, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took hold
        os._exit(1)


def forget_connections() -> None:
    """Make every inherited database connection unusable here, without closing the parent's socket."""

    def refuse(*args, **kwargs):
        raise NoDatabaseInChild("a file-reading child process must not use the database")

    for alias in connections:
        conn = connections[alias]
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None
        conn.connect = refuse
        conn.ensure_connection = refuse


def limit_this_process(limits: Limits, parent_pid: int) -> None:
    """Called first thing in the child."""
    die_with_parent(parent_pid)
    forget_connections()
    memory = _virtual_size() + limits.memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def death_message(exitcode: int | None, limits: Limits, *, timed_out: bool = False) -> str:
    """What to tell the user when the reading child died without finishing: which limit it met."""
    if timed_out or exitcode == -signal.SIGXCPU:
        return str(
            _(
                "Reading the file took longer than the limit of %(seconds)s seconds and was stopped. "
                "Split the ledger into smaller files and import them one by one."
            )
            % {"seconds": limits.wall_seconds if timed_out else limits.cpu_seconds}
        )
    # An allocation refused under the limit ends in MemoryError, or in an abort from the reader's
    # native code; the kernel's OOM killer sends SIGKILL.
    return str(
        _(
            "Reading the file needed more than the %(mb)s MB of memory an import may use, and was "
            "stopped. Open it in Excel, save it again (only the table), or split it into smaller files."
        )
        % {"mb": limits.memory_mb}
    )
