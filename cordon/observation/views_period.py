"""One observation period: its page (plan, check grid, alerts, tests) and every action on it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import CLINICIANS, OBSERVATION_MANAGERS, OBSERVERS
from cordon.accounts.scope import get_visible_or_404, has_role
from cordon.accounts.selectors import audit_history
from cordon.core.access import log_access
from cordon.core.forms import act_and_return, cleaned_or_raise
from cordon.core.qr import qr_svg
from cordon.observation import protocol, reminders, selectors, services, services_checks, services_followup
from cordon.observation.forms import (
    AlertCloseForm,
    CheckForm,
    CloseForm,
    EndForm,
    ReasonForm,
    ReplanForm,
    ResultForm,
    TestForm,
    TransferForm,
)
from cordon.observation.models import Alert, LabTest, Period, SelfReportLink
from cordon.people import selectors as people_selectors


def _period(request, pk: int) -> Period:
    return get_visible_or_404(
        Period.objects.select_related("person", "area", "edition", "opened_by", "follow_up_by"),
        request.user,
        pk=pk,
    )


@login_required
def detail(request, pk: int):
    period = _period(request, pk)
    prefetch_related_objects([period], "checks")
    now = timezone.localtime()
    today = now.date()
    tests = list(period.tests.all())
    plan = period.parsed_plan
    rules = period.parsed_rules
    missing = set(services.missing_tests(period, tests, today=today)) if period.is_active else set()
    can_observe = has_role(request.user, period.area_id, *OBSERVERS)
    can_manage = has_role(request.user, period.area_id, *OBSERVATION_MANAGERS)
    can_clinic = has_role(request.user, period.area_id, *CLINICIANS)
    active = period.is_active
    replan = services.replan_preview(period) if active and can_manage else None
    context = {
        "period": period,
        "rules": rules,
        "plan": plan,
        "stages": [{"stage": s, "mode": protocol.MODES.get(s.mode, s.mode)} for s in plan.stages],
        "transfers": period.plan.get("transfers", []),
        "test_days": [
            {
                "day": day,
                "state": "missing"
                if day in missing
                else (
                    "done"
                    if any(t.sample_date >= day for t in tests)
                    else "due"
                    if day <= today
                    else "future"
                ),
            }
            for day in plan.test_days
            if day >= period.opened_on
        ],
        "grid": selectors.check_grid(period, now=now),
        "extra_checks": [c for c in period.checks.all() if c.slot == "extra"],
        "slot_labels": [(slot, protocol.SLOT_LABELS[slot]) for slot in rules.slots],
        "alerts": list(period.alerts.select_related("closed_by")),
        "tests": tests,
        "blockers": services.completion_blockers(period, today=today, tests=tests) if active else [],
        "link": period.links.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), for_reminder=False
        ).first()
        if active
        else None,
        "reminder": reminders.reminder_of(period) if active else None,
        "can_observe": can_observe and active,
        "can_manage": can_manage and active,
        "can_clinic": can_clinic and active,
        "check_form": CheckForm(symptoms=rules.symptoms, initial={"day": today})
        if can_observe and active
        else None,
        "end_form": EndForm(initial={"planned_end": period.planned_end}),
        "transfer_form": TransferForm(initial={"mode": period.mode, "place": period.place}),
        "close_form": CloseForm(initial={"ended_on": today}),
        "alert_form": AlertCloseForm(
            initial={"referred_at": now.replace(second=0, microsecond=0, tzinfo=None)}
        ),
        "test_form": TestForm(initial={"sample_date": today}),
        "result_form": ResultForm(initial={"result_date": today}),
        "waive_form": ReasonForm(),
        "replan": replan,
        "replan_form": ReplanForm(initial={"rules": _rules_token(period)})
        if replan and replan.changes
        else None,
        "history": audit_history(period, request.user)[:30],
        "today": today,
        "followers": list(services_followup.followers_for(period.area_id))
        if active and has_role(request.user, period.area_id, *services_followup.ASSIGNERS)
        else None,
    }
    return render(request, "observation/period_detail.html", context)


def _rules_token(period: Period) -> str:
    import json

    return json.dumps(
        selectors.rules_in_force(period.area_id).rules.to_json(), sort_keys=True, ensure_ascii=False
    )


def _act(request, period: Period, action, *, anchor: str = ""):
    return act_and_return(request, action, reverse("observation:period", args=[period.pk]) + anchor)


_valid = cleaned_or_raise


@login_required
@require_POST
def set_end(request, pk: int):
    period = _period(request, pk)

    def action():
        data = _valid(EndForm(request.POST))
        changed = services.period_set_end(actor=request.user, period=period, **data)
        return _("The period now ends on %(day)s.") % {"day": changed.planned_end.isoformat()}

    return _act(request, period, action)


@login_required
@require_POST
def transfer(request, pk: int):
    period = _period(request, pk)

    def action():
        data = _valid(TransferForm(request.POST))
        changed = services.period_transfer(actor=request.user, period=period, **data)
        return _("Now in %(mode)s.") % {"mode": changed.get_mode_display()}

    return _act(request, period, action)


@login_required
@require_POST
def close(request, pk: int):
    period = _period(request, pk)

    def action():
        data = _valid(CloseForm(request.POST))
        services.period_close(actor=request.user, period=period, **data)
        return _("The period was closed early.")

    return _act(request, period, action)


@login_required
@require_POST
def complete(request, pk: int):
    period = _period(request, pk)

    def action():
        services.period_complete(actor=request.user, period=period)
        return _("%(name)s has completed the observation period.") % {"name": period.person.name}

    return _act(request, period, action)


@login_required
@require_POST
def waive_tests(request, pk: int):
    period = _period(request, pk)

    def action():
        services.period_waive_tests(actor=request.user, period=period, **_valid(ReasonForm(request.POST)))
        return _("The missing tests no longer block the release.")

    return _act(request, period, action)


@login_required
@require_POST
def replan(request, pk: int):
    import json

    period = _period(request, pk)

    def action():
        data = _valid(ReplanForm(request.POST))
        try:
            expected = json.loads(data["rules"])
        except ValueError:
            raise ValidationError(_("The preview could not be read: look at the new dates again.")) from None
        change = services.period_replan(
            actor=request.user, period=period, reason=data["reason"], expected_rules=expected
        )
        return _("Re-planned: the period ends on %(new)s (was %(old)s).") % {
            "new": change.new_end.isoformat(),
            "old": change.old_end.isoformat(),
        }

    return _act(request, period, action)


@login_required
@require_POST
def test_record(request, pk: int):
    period = _period(request, pk)

    def action():
        data = _valid(TestForm(request.POST))
        test = services_checks.lab_test_record(actor=request.user, period=period, **data)
        return _("Test of %(day)s recorded: %(result)s.") % {
            "day": test.sample_date.isoformat(),
            "result": test.get_result_display(),
        }

    return _act(request, period, action, anchor="#tests")


@login_required
@require_POST
def test_result(request, pk: int):
    test = get_visible_or_404(LabTest.objects.select_related("period"), request.user, pk=pk)
    if test.period is None:
        raise PermissionDenied(_("This test belongs to no observation period."))

    def action():
        data = _valid(ResultForm(request.POST))
        changed = services_checks.lab_test_set_result(actor=request.user, test=test, **data)
        return _("Result saved: %(result)s.") % {"result": changed.get_result_display()}

    return _act(request, test.period, action, anchor="#tests")


@login_required
@require_POST
def alert_close(request, pk: int):
    alert = get_visible_or_404(Alert.objects.select_related("period"), request.user, pk=pk)
    form = AlertCloseForm(request.POST)

    def action():
        data = _valid(form)
        if data["referred_at"] is not None and timezone.is_naive(data["referred_at"]):
            data["referred_at"] = timezone.make_aware(data["referred_at"])
        closed = services_checks.alert_close(actor=request.user, alert=alert, **data)
        return _("Alert closed: %(outcome)s.") % {"outcome": closed.get_outcome_display()}

    return _act(request, alert.period, action)


@login_required
@require_POST
@never_cache
def link_create(request, pk: int):
    """Make a personal self-report link and show it once, with a QR code to scan from this screen."""
    period = _period(request, pk)
    try:
        link, secret = services.link_create(actor=request.user, period=period)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("observation:period", pk=period.pk)
    url = request.build_absolute_uri(reverse("self_report", args=[secret]))
    return render(
        request,
        "observation/link.html",
        {"period": period, "link": link, "url": url, "qr": qr_svg(url)},
    )


@login_required
@require_POST
def link_revoke(request, pk: int):
    link = get_visible_or_404(SelfReportLink.objects.select_related("period"), request.user, pk=pk)

    def action():
        services.link_revoke(actor=request.user, link=link)
        return _("The link no longer works.")

    return _act(request, link.period, action)


def _time(value: str):
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"morning_at": [_("Enter a time as HH:MM.")]}) from None


@login_required
@require_POST
def reminder(request, pk: int):
    """The person's own SMS reminders: on or off, the morning and evening times."""
    period = _period(request, pk)

    def action():
        reminders.reminder_set(
            actor=request.user,
            period=period,
            enabled="enabled" in request.POST,
            morning_at=_time(request.POST.get("morning_at", "")),
            evening_at=_time(request.POST.get("evening_at", "")),
        )
        return _("The reminders are saved.")

    return _act(request, period, action, anchor="#reminder")


@login_required
def notice(request, pk: int):
    """解除医学观察告知书: the release notice, print-friendly on A4, for a completed period."""
    period = _period(request, pk)
    if period.status != Period.Status.COMPLETED:
        messages.error(request, _("The release notice is printed once the period is completed."))
        return redirect("observation:period", pk=period.pk)
    person = period.person
    full = people_selectors.shows_full_data(request.user, person)
    if full:
        log_access(
            actor=request.user, kind="view", target=person, area=person.area_id, detail={"notice": period.pk}
        )
    context = {
        "period": period,
        "person": person,
        "numbers": people_selectors.masked_view(person, full),
        "town": selectors.town_of(period.area_id) or period.area,
        "had_alert": period.alerts.exists(),
    }
    return render(request, "observation/notice.html", context)
