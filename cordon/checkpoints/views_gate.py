"""The guard's page at the barrier, the day's list of a checkpoint, and the town's counts.

The gate form carries an entry id made when the page is drawn, so a double tap or a resent form is
stored once; with its script, the page sends entries as JSON and keeps them on the phone while the
network is away, then sends them as a batch.
"""

import functools
import hashlib
import json
import uuid
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import CHECKPOINT_READERS, GUARDS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere
from cordon.accounts.selectors import area_choices
from cordon.checkpoints import selectors, services_visit
from cordon.checkpoints.models import Checkpoint, Passage
from cordon.colours.selectors import colour_dict
from cordon.core.access import log_access
from cordon.core.spreadsheet_writers import write_csv
from cordon.gate import flag_list, passages

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
    "shown_code",
    "visited_name",
    "visited_phone",
    "self_registration",
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
    if request.method == "GET" and request.GET.get("visit"):
        values.update(_from_self_registration(request, checkpoint))
    values.setdefault("direction", "in")
    values.setdefault("subject", "person")
    check, errors, saved = None, {}, None
    if values.get("self_registration") and request.method == "GET":
        check = passages.gate_check(
            actor=request.user, checkpoint=checkpoint, document_number=values["document_number"]
        )
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
            "check": {**check.as_dict(), **colour_dict(check.person)} if check else None,
            "errors": errors,
            "error_lines": _lines(errors),
            "saved": saved,
            # A new id for each form drawn; the same form sent twice keeps it.
            "client_id": request.POST.get("client_id") if errors else uuid.uuid4().hex,
            "recent": selectors.day_passages(checkpoint, today)[:20],
            "counts": selectors.day_counts(checkpoint, today),
            "decisions": Passage.Decision.choices,
            "visitors": services_visit.visit_queue(actor=request.user, checkpoint=checkpoint)[:20],
            "vehicle_types": VEHICLE_TYPES,
            # What was typed for the people on board, then empty rows up to OCCUPANT_ROWS.
            "occupant_rows": values["occupants"]
            + [{"name": "", "document_number": "", "temperature": ""}]
            * max(1, OCCUPANT_ROWS - len(values["occupants"])),
        },
    )


def _from_self_registration(request, checkpoint: Checkpoint) -> dict:
    """A visitor's self-registration put into the form, for the guard to check and decide on."""
    try:
        registration = services_visit.visit_waiting(
            actor=request.user, checkpoint=checkpoint, pk=request.GET["visit"]
        )
    except ValidationError:
        return {}
    fields = ("name", "document_number", "phone", "origin", "purpose", "visited_name", "visited_phone")
    values = {field: getattr(registration, field) for field in fields}
    values["temperature"] = "" if registration.temperature is None else str(registration.temperature)
    values.update(direction="in", subject="person", self_registration=str(registration.pk))
    return values


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


def _lines(errors: dict) -> list[str]:
    """The messages to list above the form, each led by its field's Chinese label."""
    lines = []
    for key, messages in errors.items():
        label = passages.FIELD_LABELS.get(key.partition(".")[0]) if key != "__all__" else None
        lines.extend(
            f"{label}：{m}" if label and key.partition(".")[0] != "occupants" else m for m in messages
        )
    return lines


# What the gate page needs to open without a network, kept by the field pages' service worker.
FIELD_ASSETS = (
    "css/app.css",
    "favicon.svg",
    "vendor/htmx/htmx.min.js",
    "js/app.js",
    "js/gate.js",
    "js/field.js",
    "js/field-lists.js",
    "vendor/noble/p256.js",
    "js/round.js",
)

# The pages each field worker keeps: the gate pages (scope /checkpoints/), the clerk's round (scope
# /observation/round/, served from /observation/field-sw.js since a worker reaches no higher than its
# script's folder).
FIELD_PAGES = {"gate": r"^/checkpoints/\d+/gate/$", "round": r"^/observation/round/$"}


@functools.lru_cache(maxsize=1)
def _field_assets() -> tuple[list[str], str]:
    """The assets' URLs and a version made from their contents: a deployment that changes any of them
    gives the service worker new bytes, which the browser installs in place of the old."""
    digest = hashlib.sha256()
    urls = []
    for name in FIELD_ASSETS:
        urls.append(static(name))
        path = finders.find(name) or staticfiles_storage.path(name)
        with open(path, "rb") as handle:
            digest.update(name.encode() + b"\0" + handle.read())
    return urls, digest.hexdigest()[:16]


def field_service_worker(request, pages: str = "gate"):
    """The field pages' service worker (scope: the script's own folder). Public: it holds no data,
    only the assets' names; the pages it keeps are the guard's or clerk's own, in their browser."""
    urls, version = _field_assets()
    body = render_to_string(
        "checkpoints/field-sw.js",
        {
            "version_json": json.dumps(version),
            "assets_json": json.dumps(urls),
            "page_pattern_json": json.dumps(FIELD_PAGES[pages]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


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
    return JsonResponse({**check.as_dict(), **colour_dict(check.person)})


@login_required
def gate_flags(request, pk: int):
    """The flags list of the gate's village for the guard's phone, kept until the end of the shift."""
    checkpoint = _checkpoint(request, pk)
    response = JsonResponse(flag_list.flag_list(actor=request.user, checkpoint=checkpoint))
    response["Cache-Control"] = "no-store"
    return response


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


def _csv(checkpoint: Checkpoint, day: date, day_passages) -> HttpResponse:
    from cordon.core.privacy import mask_name, mask_phone

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="passages-{checkpoint.pk}-{day}.csv"'
    header = ("time", "direction", "name", "phone", "plate", "people on board", "from", "to", "purpose")
    header = [_(h) for h in header] + [_("temperature"), _("decision"), _("reason"), _("flags")]
    header += [_("person visited"), _("phone of the person visited")]
    labels = {k: str(v) for k, v in passages.FLAG_LABELS.items()}
    rows = (
        [
            timezone.localtime(p.occurred_at).strftime("%H:%M"),
            p.get_direction_display(),
            mask_name(p.name),
            mask_phone(p.phone),
            p.plate,
            p.passengers,
            p.origin,
            p.destination,
            p.purpose,
            p.temperature,
            p.get_decision_display(),
            p.reason,
            "、".join(labels.get(f, f) for f in p.flags),
            mask_name(p.visited_name),
            mask_phone(p.visited_phone),
        ]
        for p in day_passages.iterator()
    )
    # The one CSV writer of every export: BOM for Chinese Excel, and text that Excel would run as a
    # formula (=HYPERLINK(...) typed as a destination) written as text.
    write_csv(response, header, rows)
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
