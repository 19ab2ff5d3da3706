"""Observation: the triage lists, the clerk's round, recording a check, opening and completing periods.

A period's own page and its actions: views_period. The protocol and re-planning: views_protocol.
"""

import functools
import uuid
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.permissions import OBSERVERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere
from cordon.accounts.selectors import area_choices
from cordon.core.forms import add_service_errors
from cordon.observation import protocol, selectors, services, services_checks
from cordon.observation.forms import CheckForm, OpenForm
from cordon.observation.models import HealthCheck, Period
from cordon.people.models import Person

TRIAGE_PAGE = 50
# Fifty doors a page: a phone's screenful of forms many times over, and half the page to load on a
# village's mobile network than a hundred.
ROUND_PAGE = 50
TAB_LABELS = {
    "symptomatic": gettext_lazy("Fever or symptoms"),
    "not_reporting": gettext_lazy("Not reporting"),
    "reporting": gettext_lazy("Reporting normally"),
    "due": gettext_lazy("Due to complete"),
}


def _area_filter(request, choices) -> str:
    code = request.GET.get("area", "")
    return code if any(code == c for c, _label in choices) else ""


@login_required
def triage(request):
    """The triage lists, as Sara Alert keeps them: fever or symptoms, not reporting (a check missed is
    its own state), reporting normally — and those due to complete today."""
    choices = area_choices(request.user)
    area_code = _area_filter(request, choices)
    tab = request.GET.get("tab", "")
    now = timezone.localtime()
    counts = selectors.triage_counts(request.user, area_code, now=now)
    if tab not in selectors.TRIAGE_TABS:
        tab = (
            "symptomatic"
            if counts["symptomatic"]
            else "not_reporting"
            if counts["not_reporting"]
            else "reporting"
        )
    periods = selectors.triage_list(request.user, tab, area_code, now=now)
    paginator = Paginator(periods.values_list("pk", flat=True), TRIAGE_PAGE)
    paginator.count = counts[tab]  # the tab's count is the list's: one query, never two figures
    page = paginator.get_page(request.GET.get("page"))
    shown = selectors.page_rows(periods, page.object_list, "person", "area")
    query = request.GET.copy()
    query.pop("page", None)
    can_complete = tab == "due" and has_role_anywhere(request.user, *OBSERVERS)
    context = {
        "tab": tab,
        "tabs": [(key, TAB_LABELS[key], counts[key]) for key in selectors.TRIAGE_TABS],
        "total": counts["total"],
        "page": page,
        "rows": _triage_rows(shown, now.date()),
        "area_choices": choices,
        "area_code": area_code,
        "query_string": query.urlencode(),
        "can_complete": can_complete,
        "today": now.date(),
    }
    return render(request, "observation/triage.html", context)


def _triage_rows(periods, today):
    rows = []
    for period in periods:
        rows.append(
            {
                "period": period,
                "url": reverse("observation:period", args=[period.pk]),
                "day_number": (today - period.exposure_date).days
                + (0 if period.rules.get("day_zero", True) else 1),
                "total_days": (period.planned_end - period.exposure_date).days,
            }
        )
    return rows


def _round_areas(user):
    """Villages and grids where the user records checks (a round is door to door in a village)."""
    return [
        (code, label.strip("\u3000"))
        for code, label in area_choices(user, roles=OBSERVERS)
        if len(code) >= 12
    ]


@login_required
def round_page(request):
    """The clerk's round on a phone: everyone under observation in the village today, in door order,
    each with a big temperature field saved as you go (and kept on the phone while offline)."""
    if not has_role_anywhere(request.user, *OBSERVERS):
        raise PermissionDenied(_("Your role does not record health checks."))
    choices = _round_areas(request.user)
    area_code = request.GET.get("area", "")
    if not any(area_code == c for c, _label in choices):
        area_code = choices[0][0] if choices else ""
    now = timezone.localtime()
    day = now.date()
    requested_day = request.GET.get("day", "")
    try:
        asked = date.fromisoformat(requested_day) if requested_day else day
    except ValueError:
        asked = day
    if day - timedelta(days=2) <= asked <= day:
        day = asked  # a late entry for the last two days
    slot = selectors.round_slot(now, request.GET.get("slot", ""))
    if slot == "day":
        slot = "am"
    only_missing = request.GET.get("missing") == "1"
    rows, page, progress = [], None, {"total": 0, "done": 0}
    if area_code:
        order = selectors.round_order(request.user, area_code, day=day, slot=slot, only_missing=only_missing)
        progress = {"total": order.total, "done": order.done}
        page = Paginator(order.ids, ROUND_PAGE).get_page(request.GET.get("page"))
        shown = selectors.round_page(page.object_list)
        rows = selectors.round_rows(shown, day=day, slot=slot)
    query = request.GET.copy()
    query.pop("page", None)
    symptoms = _symptom_choices(area_code)
    chips = functools.cache(functools.partial(_symptom_chips, symptoms))
    context = {
        "rows": [_round_item(row, slot, chips) for row in rows],
        "page": page,
        "progress": progress,
        "area_choices": choices,
        "area_code": area_code,
        "day": day,
        "day_iso": day.isoformat(),
        "today": now.date(),
        "days": [now.date() - timedelta(days=n) for n in range(3)],
        "slot": slot,
        "only_missing": only_missing,
        "symptoms": symptoms,
        "query_string": query.urlencode(),
        "back": request.get_full_path(),
    }
    return render(request, "observation/round.html", context)


def _round_item(row: selectors.RoundRow, slot: str, chips) -> dict:
    """One row of the round as its template reads it, looked up once here: rendering the rows was
    most of the page's time."""
    period, check = row.period, row.check
    ticked = tuple(check.symptoms) if check is not None else ()
    return {
        "row": row,
        "period": period,
        "pk": period.pk,
        "check": check,
        "measured": check is not None and check.status == HealthCheck.Status.MEASURED,
        "missed": check is not None and check.status == HealthCheck.Status.MISSED,
        "ticked": ticked,
        "chips": chips(ticked),
        "slot": "day" if period.checks_per_day == 1 else slot,
        "client_id": uuid.uuid4().hex,
        "url": reverse("observation:period", args=[period.pk]),
        "check_url": reverse("observation:check", args=[period.pk]),
    }


def _symptom_chips(symptoms: tuple[str, ...], ticked: tuple[str, ...]) -> str:
    """A row's symptom boxes. Most rows tick none: that markup is made once for the page."""
    return format_html_join(
        "",
        '<label><input type="checkbox" name="symptoms" value="{}"{}> {}</label>',
        ((s, " checked" if s in ticked else "", s) for s in symptoms),
    )


def _symptom_choices(area_code: str) -> tuple[str, ...]:
    return selectors.rules_in_force(area_code).rules.symptoms if area_code else ()


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def check(request, pk: int):
    """Record one check. Answers JSON to the round page's script (which retries while offline, with
    the same client id), or goes back to the page it came from."""
    period = get_visible_or_404(Period.objects, request.user, pk=pk)
    form = CheckForm(request.POST, symptoms=period.parsed_rules.symptoms)
    default = reverse("observation:period", args=[period.pk])
    try:
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        data = form.cleaned_data
        recorded, created = services_checks.check_record(
            actor=request.user,
            period=period,
            temperature=data["temperature"],
            symptoms=data["symptoms"],
            day=data["day"],
            slot=data["slot"] or None,
            client_id=data["client_id"] or None,
        )
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        message = " ".join(m for ms in problems.values() for m in ms)
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message, "errors": problems}, status=422)
        messages.error(request, _("%(name)s: %(message)s") % {"name": period.person.name, "message": message})
        return redirect(_back(request, default))
    period.refresh_from_db(fields=["alert_open"])
    fever = period.parsed_rules.is_fever(recorded.temperature) or bool(recorded.symptoms)
    text = _("%(name)s: %(value)s °C saved.") % {"name": period.person.name, "value": recorded.temperature}
    if fever:
        text += " " + _("Fever or symptoms: an alert is open.")
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "created": created,
                "temperature": str(recorded.temperature),
                "symptoms": recorded.symptoms,
                "fever": fever,
                "alert_open": period.alert_open,
                "message": text,
            }
        )
    (messages.warning if fever else messages.success)(request, text)
    return redirect(_back(request, default))


@login_required
@require_http_methods(["GET", "POST"])
def open_period(request, person_pk: int):
    """Put a person under observation by hand (or for a fever referral, or as a contact)."""
    person = get_visible_or_404(Person.objects.select_related("area"), request.user, pk=person_pk)
    if not has_role(request.user, person.area_id, *OBSERVERS):
        raise PermissionDenied(_("Your role does not put people under observation."))
    in_force = selectors.rules_in_force(person.area_id)
    form = OpenForm(request.POST or None, initial={"exposure_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.period_open(
                actor=request.user,
                person=person,
                reason=data["reason"],
                exposure_date=data["exposure_date"],
                reason_detail=data["reason_detail"],
                mode=data["mode"] or None,
                days=data["days"],
                place=data["place"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is under observation until %(end)s.")
                % {"name": person.name, "end": period.planned_end.isoformat()},
            )
            return redirect("observation:period", pk=period.pk)
    plans = [(protocol.REASONS[reason], in_force.rules.plan_for(reason)) for reason in protocol.REASONS]
    return render(
        request,
        "observation/open.html",
        {"form": form, "person": person, "in_force": in_force, "plans": plans},
    )


@login_required
@require_POST
def complete_many(request):
    """今日期满: complete the ticked periods, each on its own; those that cannot be are said why."""
    ids = [int(value) for value in request.POST.getlist("period") if value.isdigit()][:500]
    periods = list(Period.objects.visible_to(request.user).filter(pk__in=ids).select_related("person"))
    if not periods:
        messages.error(request, _("Tick the periods to complete."))
        return redirect(_back(request, reverse("observation:triage") + "?tab=due"))
    completed, skipped = services.periods_complete(actor=request.user, periods=periods)
    if completed:
        messages.success(
            request,
            _("%(n)s observation period(s) completed: %(names)s")
            % {"n": len(completed), "names": "、".join(p.person.name for p in completed[:20])},
        )
    for period, reasons in skipped[:20]:
        messages.warning(
            request,
            _("%(name)s not completed: %(why)s") % {"name": period.person.name, "why": " ".join(reasons)},
        )
    return redirect(_back(request, reverse("observation:triage") + "?tab=due"))
