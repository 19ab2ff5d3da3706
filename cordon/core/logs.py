"""Logging filters."""

import logging


class NoTracebackForRefusals(logging.Filter):
    """A refusal (403, 404) is an answer, not a fault: Django logs it with the exception's traceback,
    which filled the log with a stack per denied request. The line stays; the traceback goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404) and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
