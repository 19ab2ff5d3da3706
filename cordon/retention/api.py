"""/api/v1/retention/: a town's retention, as on its page — the periods by kind, a dry run, a run (once
per key) and the history. The same services and the same rule: the town's commander; a town outside
the caller's areas is 404."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from cordon.accounts.models import Area
from cordon.accounts.scope import get_visible_or_404
from cordon.retention import selectors, services, services_town

router = Router(tags=["retention"])


class RetentionKindOut(Schema):
    kind: str
    label: str
    days: int | None
    set_by: str
    set_at: dt.datetime | None
    before: dt.date | None = Field(None, description="A run today removes what is dated before this day.")
    count: int | None = Field(None, description="How many records a run today would remove (a dry run).")


class RetentionOut(Schema):
    area: str
    as_of: dt.date
    min_days: int
    max_days: int
    kinds: list[RetentionKindOut]


class RetentionPolicyIn(Schema):
    days: int = Field(..., description="Kept for this many days (the service's bounds apply).")


class RetentionRunIn(Schema):
    key: str = Field(..., min_length=1, max_length=64, description="One per run: the same key runs once.")


class RetentionRowOut(Schema):
    kind: str
    days: int
    before: dt.date
    count: int


class RetentionRunOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    as_of: dt.date
    rows: list[RetentionRowOut]
    repeated: bool = Field(False, description="True when this key had run before: nothing ran again.")


class RetentionEventOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    changes: dict


def _town(request, code: str) -> Area:
    return get_visible_or_404(Area.objects, request.user, code=code[:15])


def _overview(request, town: Area) -> dict:
    data = selectors.retention_overview(actor=request.user, area=town)
    return {
        "area": town.code,
        "as_of": data["as_of"],
        "min_days": data["min_days"],
        "max_days": data["max_days"],
        "kinds": data["rows"],
    }


def _run_out(entry, repeated: bool = False) -> dict:
    return {
        "id": entry.pk,
        "at": entry.at,
        "actor": entry.actor_label,
        "as_of": entry.changes["as_of"],
        "rows": entry.changes["rows"],
        "repeated": repeated,
    }


@router.get(
    "/{area}", response=RetentionOut, summary="A town's retention periods and what a run would remove"
)
def retention_get(request, area: str):
    return _overview(request, _town(request, area))


@router.put("/{area}/periods/{kind}", response=RetentionOut, summary="Set how long a kind of record is kept")
def retention_set(request, area: str, kind: str, payload: RetentionPolicyIn):
    town = _town(request, area)
    services.policy_set(actor=request.user, area=town, kind=kind[:20], days=payload.days)
    return _overview(request, town)


@router.post("/{area}/runs", response=RetentionRunOut, summary="Run the town's retention (once per key)")
def retention_run(request, area: str, payload: RetentionRunIn):
    entry, repeated = services_town.retention_run_town(
        actor=request.user, area=_town(request, area), key=payload.key
    )
    return _run_out(entry, repeated)


@router.get("/{area}/history", response=list[RetentionEventOut], summary="The town's retention trail")
def retention_history(request, area: str):
    entries = selectors.retention_history(actor=request.user, area=_town(request, area))
    return [
        {"id": e.pk, "at": e.at, "actor": e.actor_label, "action": e.action, "changes": e.changes}
        for e in entries
    ]
