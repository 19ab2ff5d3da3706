"""Where the current change comes from (web, API, CLI), for the audit trail.

Set once per request by middleware and once per command by the CLI; services never pass it around.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_source: ContextVar[str] = ContextVar("cordon_source", default="system")


def current_source() -> str:
    return _source.get()


@contextmanager
def source(name: str):
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)
