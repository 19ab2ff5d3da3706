"""Dates as ledgers write them: ISO, slashes, dots, 年月日, Excel serials, month-day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordon.core.edge import EARLIEST_YEAR, LATEST_YEAR
from cordon.people.validation.text import _cell_text, _error, _required, normalize

# --- Dates -------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0 in the 1900 date system, counting its phantom 29 Feb 1900
_EARLIEST_SERIAL = 61  # 1900-03-01: before it, serials are off by Lotus 1-2-3's leap-year bug
_LATEST_DATE = date(LATEST_YEAR, 12, 31)
_LATEST_SERIAL = (_LATEST_DATE - _EXCEL_EPOCH).days
_EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)
# A year-less date is read in the context year unless that puts it this far ahead of today; then it
# is last year's (a ledger sent on 25 January 2020 that lists "12月28日").
MONTH_DAY_LOOKAHEAD = timedelta(days=61)

_TIME = r"(?:\s*T?\s*\d{1,2}\s*[:：时点]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}(?:\.\d+)?)?\s*[分秒]?)?"
_SEP = r"\s*[-/.。—]\s*"
_YMD_RE = re.compile(
    rf"(\d{{4}})(?:{_SEP}|\s*年\s*)(\d{{1,2}})(?:{_SEP}|\s*月\s*)(\d{{1,2}})\s*[日号]?{_TIME}"
)
_YMD_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD_RE = re.compile(rf"(\d{{1,2}})(?:{_SEP}|\s*月\s*)(\d{{1,2}})\s*[日号]?")


def parse_date(
    value: Any, *, today: date, context_year: int | None = None, allow_future: bool = True
) -> date:
    """Read a date from a ledger cell.

    Accepts date and datetime objects, Excel serial numbers (1900 date system, 1900-03-01 to 2099),
    and text: "2020-02-03", "2020/2/3", "2020.2.3", "2020年2月3日", "20200203", "2020-02-03 14:30".
    A month and day alone ("2月3日", "2.3", "2/3") take ``context_year`` (else today's year) unless
    that lands more than two months after today, when the year before is meant. Excel turns a typed
    "2.3" into the number 2.3; such a number is read as month.day when only one date fits it.
    """
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        # A date already read (a form's, the API's, a date cell) is held to the same years as text.
        return _checked_future(
            _make_date(value.year, value.month, value.day, value.isoformat()), today, allow_future
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _checked_future(_date_from_number(value, today, context_year), today, allow_future)
    text = normalize(value)
    if not text:
        raise _required()
    return _checked_future(_date_from_text(text, today, context_year), today, allow_future)


def _checked_future(value: date, today: date, allow_future: bool) -> date:
    if not allow_future and value > today:
        raise _error(_("%(date)s is in the future."), "future_date", date=value.isoformat())
    return value


def _date_from_text(text: str, today: date, context_year: int | None) -> date:
    match = _YMD_RE.fullmatch(text) or _YMD_COMPACT_RE.fullmatch(text)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    match = _MD_RE.fullmatch(text)
    if match:
        return _month_day(int(match.group(1)), int(match.group(2)), text, today, context_year)
    try:
        # ISO 8601 with a time zone or seconds' fractions: "2020-02-03T14:30:00+08:00".
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            _("“%(value)s” is not a date that can be read; write it like 2020-02-03."),
            "date_unreadable",
            value=text,
        ) from None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return _make_date(parsed.year, parsed.month, parsed.day, text)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise _error(_("%(value)s is not a real date."), "date_invalid", value=shown) from None
    if not _EARLIEST_DATE <= result <= _LATEST_DATE:
        raise _error(
            _("%(value)s is outside the years a ledger can hold (1880 to 2099)."),
            "date_out_of_range",
            value=shown,
        )
    return result


def _month_day(month: int, day: int, shown: str, today: date, context_year: int | None) -> date:
    year = context_year or today.year
    result = _make_date(year, month, day, shown)
    if result > today + MONTH_DAY_LOOKAHEAD:
        result = _make_date(year - 1, month, day, shown)
    return result


def _date_from_number(value: int | float, today: date, context_year: int | None) -> date:
    if 19000101 <= value <= 20991231 and float(value).is_integer():
        # A date typed as 20200203 into a numeric cell.
        return _date_from_text(str(int(value)), today, context_year)
    if isinstance(value, float) and 1 <= value < 13 and not value.is_integer():
        return _month_dot_day(value, today, context_year)
    serial = int(value)  # a fraction is the time of day
    if not _EARLIEST_SERIAL <= serial <= _LATEST_SERIAL:
        raise _error(
            _("%(value)s is not a date: as a spreadsheet date number it falls outside 1900 to 2099."),
            "date_out_of_range",
            value=_cell_text(value),
        )
    return _EXCEL_EPOCH + timedelta(days=serial)


def _month_dot_day(value: float, today: date, context_year: int | None) -> date:
    # Excel keeps "2.3" as the number 2.3 and "2.10" as 2.1: a single decimal digit d can be day d
    # or day 10·d. Read it only when one of the two is a real date.
    shown = repr(value)
    month_text, day_text = shown.split(".")
    if len(day_text) > 2:
        raise _error(
            _("“%(value)s” is not a date that can be read; write it like 2020-02-03."),
            "date_unreadable",
            value=shown,
        )
    month = int(month_text)
    readings = []
    for day in {int(day_text), int(day_text.ljust(2, "0"))}:
        try:
            readings.append(_month_day(month, day, shown, today, context_year))
        except ValidationError:
            continue
    if len(readings) == 1:
        return readings[0]
    if not readings:
        raise _error(_("%(value)s is not a real date."), "date_invalid", value=shown)
    first, second = sorted(readings)
    raise _error(
        _("%(value)s could be %(first)s or %(second)s: write the date in full, like 2020-02-03."),
        "date_ambiguous",
        value=shown,
        first=first.isoformat(),
        second=second.isoformat(),
    )
