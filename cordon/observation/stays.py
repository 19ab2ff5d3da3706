"""When a stay ends: ONE rule for an observation period, a quarantine placement and a quarantine stay,
used by the period's completion, the placement's release, the round's "今日期满" and every figure.

A stay's end date is the first day it no longer holds the person:

- ended by completing it (a period completed, a placement released): the end date is the release
  day, which owes no check — the stay is over from 00:00 of that day, so at "24:00 on the 21st" a
  stay released on the 22nd is over, and the 22nd's figures count it among "released that day" only
  when asked during the 22nd itself;
- ended otherwise (closed early, moved to hospital or another site, became a case): over at the end
  of its end date (it ended during that day).

A period is due ("今日期满") on its planned end, the same release day; a placement may be released
from its period's planned end on, and the period is completed on the same day, so the period and the
placement end together and every figure agrees.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def release_day(as_of_day: dt.date, *, end_of_day: bool) -> dt.date:
    """The release day whose stays are over at the moment: the next day at "24:00", else the day."""
    return as_of_day + dt.timedelta(days=1) if end_of_day else as_of_day


def over(*, end: dt.date | None, completed: bool, day: dt.date, released_by: dt.date) -> bool:
    """Whether a stay with this end date is over at the moment of ``day`` (see the module)."""
    if end is None:
        return False
    return end <= released_by if completed else end <= day


def over_q(*, end: str, completed: Q, day: dt.date, released_by: dt.date) -> Q:
    """``over`` as a filter: ``end`` the end date's field, ``completed`` what marks a completed stay."""
    return (completed & Q(**{f"{end}__lte": released_by})) | (~completed & Q(**{f"{end}__lte": day}))


def ended_that_day_q(*, end: str, completed: Q, day: dt.date, released_by: dt.date) -> Q:
    """Stays released "that day": those whose release day is the moment's release day."""
    return completed & Q(**{end: released_by if released_by > day else day})
