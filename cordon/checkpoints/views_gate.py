"""The guard's page at the barrier, the day's list of a checkpoint, and the town's counts.

The gate form carries an entry id made when the page is drawn, so a double tap or a resent form is
stored once; with its script, the page sends entries as JSON and keeps them on the phone while the
network is away, then sends them as a batch.
"""

import csv
import json
import uuid
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import CHECKPOINT_READERS, GUARDS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere
from cordon.accounts.selectors import area_choices
from cordon.checkpoints import selectors
from cordon.checkpoints.models import Checkpoint, Passage
from cordon.core.access import log_access
from cordon.gate import passages

FIELDS = (
    "direction",
    "subject",
    "document_number",
    "name",
    "phone",
    "plate",
    "vehicle_type",
    "passengers",
    "origin",
    "destination",
    "purpose",
    "temperature",
    "decision",
    "reason",
)


def _checkpoint(request, pk: int) -> Checkpoint:
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, checkpoint.area_id, *GUARDS):
        raise PermissionDenied
    return checkpoint


@login_required
def gate(request, pk: int):
    """Log a passage: look the person up (their flags show before the decision), then decide."""
    checkpoint = _checkpoint(request, pk)
    values = {field: request.POST.get(field, "") for field in FIELDS} if request.method == "POST" else {}
    values["occupants"] = _occupants(request.POST)
    values.setdefault("direction", "in")
    values.setdefault("subject", "person")
    check, errors, saved = None, {}, None
    if request.method == "POST" and values.get("document_number"):
        try:
            check = passages.gate_check(
                actor=request.user, checkpoint=checkpoint, document_number=values["document_number"]
            )
        except ValidationError as exc:
            errors = _errors(exc)
    if request.method == "POST" and request.POST.get("decision") and not errors:
        try:
            saved, _created = passages.passage_record(
                actor=request.user,
                checkpoint=checkpoint,
                data=values,
                client_id=request.POST.get("client_id"),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            values = {"direction": values["direction"], "subject": values["subject"], "occupants": []}
            check = None
    today = timezone.localdate()
    return render(
        request,
        "checkpoints/gate.html",
        {
            "checkpoint": checkpoint,
            "values": values,
            "check": check.as_dict() if check else None,
            "errors": errors,
            "saved": saved,
            # A new id for each form drawn; the same form sent twice keeps it.
            "client_id": request.POST.get("client_id") if errors else uuid.uuid4().hex,
            "recent": selectors.day_passages(checkpoint, today)[:20],
            "counts": selectors.day_counts(checkpoint, today),
            "decisions": Passage.Decision.choices,
            "vehicle_types": VEHICLE_TYPES,
            # What was typed for the people on board, then empty rows up to OCCUPANT_ROWS.
            "occupant_rows": values["occupants"]
            + [{"name": "", "document_number": "", "temperature": ""}]
            * max(1, OCCUPANT_ROWS - len(values["occupants"])),
        },
    )


# The page shows this many rows for the people on board of a vehicle; its script adds more.
OCCUPANT_ROWS = 3
VEHICLE_TYPES = ("小型客车", "大型客车", "货车", "面包车", "摩托车", "农用车", "电动三轮车")


def _occupants(post) -> list[dict]:
    """The people on board typed into the rows (name, ID number, temperature), empty rows left out."""
    rows = zip(
        post.getlist("occupant_name"),
        post.getlist("occupant_document_number"),
        post.getlist("occupant_temperature"),
        strict=False,
    )
    return [
        {"name": name.strip(), "document_number": number.strip(), "temperature": temperature.strip()}
        for name, number, temperature in rows
        if name.strip() or number.strip() or temperature.strip()
    ]


def _errors(exc: ValidationError) -> dict:
    """Messages by field; a person on board's say which one ("occupants.1" → the second)."""
    if not hasattr(exc, "error_dict"):
        return {"__all__": exc.messages}
    errors = {}
    for field, messages in exc.message_dict.items():
        head, _dot, index = field.partition(".")
        if head == "occupants" and index.isdigit():
            who = _("Person on board no. %(n)s:") % {"n": int(index) + 1}
            messages = [f"{who} {message}" for message in messages]
        errors[field] = messages
    return errors


@login_required
@require_POST
def gate_check(request, pk: int):
    """The flags for an ID number, for the page's script (the number travels in the body, never a URL)."""
    checkpoint = _checkpoint(request, pk)
    try:
        check = passages.gate_check(
            actor=request.user, checkpoint=checkpoint, document_number=request.POST.get("document_number", "")
        )
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=422)
    return JsonResponse(check.as_dict())


@login_required
@require_POST
def gate_batch(request, pk: int):
    """Entries kept on the phone, sent together: each stored once, each answered on its own."""
    checkpoint = _checkpoint(request, pk)
    try:
        entries = json.loads(request.body or b"[]")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError
    except ValueError:
        return JsonResponse(
            {"errors": {"__all__": [_("The request is not in the expected shape.")]}}, status=400
        )
    try:
        results = passages.passages_record_batch(actor=request.user, checkpoint=checkpoint, entries=entries)
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=422)
    return JsonResponse({"results": results})


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def day_list(request, pk: int):
    """A checkpoint's passages of one day, with the counts; exportable as CSV (names and phones
    masked)."""
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    day = _day(request)
    passages = selectors.day_passages(checkpoint, day)
    if request.GET.get("format") == "csv":
        log_access(
            actor=request.user,
            kind="export",
            target_type="checkpoints.passage",
            target_label=f"{checkpoint.name} {day}",
            area=checkpoint.area,
        )
        return _csv(checkpoint, day, passages)
    return render(
        request,
        "checkpoints/passages.html",
        {
            "checkpoint": checkpoint,
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1) if day < timezone.localdate() else None,
            # 100 a page: a busy gate logs thousands a day; the counts above cover them all.
            "page": Paginator(passages, 100).get_page(request.GET.get("page")),
            "query_string": f"day={day.isoformat()}",
            "counts": selectors.day_counts(checkpoint, day),
            "can_log": has_role(request.user, checkpoint.area_id, *GUARDS),
        },
    )


def _csv(checkpoint: Checkpoint, day: date, rows) -> HttpResponse:
    from cordon.core.privacy import mask_name, mask_phone

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="passages-{checkpoint.pk}-{day}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = ("time", "direction", "name", "phone", "plate", "people on board", "from", "to", "purpose")
    writer.writerow([_(h) for h in header] + [_("temperature"), _("decision"), _("reason"), _("flags")])
    labels = {k: str(v) for k, v in passages.FLAG_LABELS.items()}
    for p in rows.iterator():
        writer.writerow(
            [
                timezone.localtime(p.occurred_at).strftime("%H:%M"),
                p.get_direction_display(),
                mask_name(p.name),
                mask_phone(p.phone),
                p.plate,
                "" if p.passengers is None else p.passengers,
                p.origin,
                p.destination,
                p.purpose,
                "" if p.temperature is None else p.temperature,
                p.get_decision_display(),
                p.reason,
                "、".join(labels.get(f, f) for f in p.flags),
            ]
        )
    return response


@login_required
def town_counts(request):
    """Passages per day and checkpoint over the viewer's areas (or one of them), the last 14 days."""
    if not has_role_anywhere(request.user, *GUARDS, *CHECKPOINT_READERS):
        raise PermissionDenied
    choices = area_choices(request.user)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    end = _day(request)
    start = end - timedelta(days=13)
    table = selectors.counts_by_day_and_checkpoint(request.user, area, start, end)
    return render(
        request,
        "checkpoints/passage_counts.html",
        {"table": table, "area": area, "area_choices": choices, "start": start, "end": end},
    )
