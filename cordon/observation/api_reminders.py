"""/api/v1/observation/periods/{id}/reminder: the monitored person's own SMS reminders, as the
period page sets them (on or off, the morning and evening times, an opt-out and how it came)."""

from __future__ import annotations

from datetime import datetime
from datetime import time as dt_time

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from cordon.accounts.scope import get_visible_or_404
from cordon.core.errors import ApiError
from cordon.observation import reminders
from cordon.observation.models import Period

router = Router(tags=["observation"])


def _period(request, period_id: int) -> Period:
    return get_visible_or_404(Period.objects.select_related("person"), request.user, pk=period_id)


class ReminderOut(Schema):
    enabled: bool
    morning_at: str
    evening_at: str
    opted_out_at: datetime | None
    opted_out_via: str
    phone_given: bool


class ReminderIn(Schema):
    enabled: bool
    morning_at: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")
    evening_at: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")


def _reminder_out(period: Period, reminder) -> dict:
    return {
        "enabled": reminder.sends,
        "morning_at": reminder.morning_at.strftime("%H:%M"),
        "evening_at": reminder.evening_at.strftime("%H:%M"),
        "opted_out_at": reminder.opted_out_at,
        "opted_out_via": reminder.opted_out_via,
        "phone_given": bool(period.person.phone),
    }


@router.get("/periods/{int:period_id}/reminder", response=ReminderOut, summary="The person's SMS reminders")
def reminder_get(request, period_id: int):
    period = _period(request, period_id)
    return _reminder_out(period, reminders.reminder_of(period))


@router.put(
    "/periods/{int:period_id}/reminder", response=ReminderOut, summary="Set the person's SMS reminders"
)
def reminder_put(request, period_id: int, payload: ReminderIn):
    period = _period(request, period_id)
    try:
        morning = dt_time.fromisoformat(payload.morning_at) if payload.morning_at else None
        evening = dt_time.fromisoformat(payload.evening_at) if payload.evening_at else None
    except ValueError:
        raise ApiError(422, "invalid", _("Enter a time as HH:MM.")) from None
    reminder = reminders.reminder_set(
        actor=request.user, period=period, enabled=payload.enabled, morning_at=morning, evening_at=evening
    )
    return _reminder_out(period, reminder)
