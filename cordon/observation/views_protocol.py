"""The rules in force: the editions, the town's choice and local values (the commander's), and
re-planning the periods already open under the rules in force now."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cordon.accounts.permissions import OBSERVATION_MANAGERS, PROTOCOL_OWNERS
from cordon.accounts.scope import has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices
from cordon.core import codes
from cordon.core.forms import Form, add_service_errors
from cordon.observation import protocol, selectors, services, services_protocol
from cordon.observation.models import ProtocolEdition
from cordon.people import selectors as people_selectors

REPLAN_LIMIT = 2000


def _numbers(text: str) -> list[int]:
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(
            gettext_lazy("Give day numbers separated by commas, e.g. 1,4,7,14.")
        ) from None


class ProtocolForm(Form):
    """The edition a town follows and every value it may set itself, shown as they are in force."""

    edition = forms.ChoiceField(label=gettext_lazy("Edition"))
    fever_threshold = forms.CharField(label=gettext_lazy("Fever threshold (°C)"), max_length=5)
    checks_per_day = forms.TypedChoiceField(
        label=gettext_lazy("Checks per day"),
        coerce=int,
        choices=[(2, gettext_lazy("Twice (morning and evening)")), (1, gettext_lazy("Once"))],
    )
    day_zero = forms.TypedChoiceField(
        label=gettext_lazy("The day of exposure is"),
        coerce=lambda v: v == "0",
        choices=[
            ("0", gettext_lazy("day 0 (release on exposure + N days)")),
            ("1", gettext_lazy("day 1 (release one day earlier)")),
        ],
    )
    lookback_days = forms.IntegerField(
        label=gettext_lazy("Close-contact look-back (days before onset)"),
        min_value=0,
        max_value=30,
        required=False,
        help_text=gettext_lazy("Empty: the edition does not define one."),
    )
    symptoms = forms.CharField(
        label=gettext_lazy("Symptoms to watch"), max_length=300, help_text=gettext_lazy("Separated by 、")
    )
    arrival_categories = forms.MultipleChoiceField(
        label=gettext_lazy("Ledgers whose arrivals are observed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, editions, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [
            (e.code, f"{e.name}（{e.effective_from:%Y-%m-%d}）") for e in editions
        ]
        self.fields["arrival_categories"].choices = [(c.code, c.name) for c in categories]
        self.plan_fields = []
        for reason, label in protocol.REASONS.items():
            row = []
            for stage in (1, 2):
                prefix = f"{reason}_{stage}"
                self.fields[f"{prefix}_mode"] = forms.ChoiceField(
                    label=gettext_lazy("Mode"), required=False, choices=[("", "—"), *protocol.MODES.items()]
                )
                self.fields[f"{prefix}_days"] = forms.IntegerField(
                    label=gettext_lazy("Days"),
                    required=False,
                    min_value=1,
                    max_value=protocol.MAX_STAGE_DAYS,
                    widget=forms.NumberInput(attrs={"placeholder": gettext_lazy("Days")}),
                )
                self.fields[f"{prefix}_tests"] = forms.CharField(
                    label=gettext_lazy("Test days"),
                    required=False,
                    max_length=60,
                    widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Test days, e.g. 1,4,7")}),
                )
                row.append([self[f"{prefix}_mode"], self[f"{prefix}_days"], self[f"{prefix}_tests"]])
            self.plan_fields.append((label, row))

    @staticmethod
    def initial_for(rules: protocol.Rules, edition: str) -> dict:
        initial = {
            "edition": edition,
            "fever_threshold": str(rules.fever_threshold),
            "checks_per_day": rules.checks_per_day,
            "day_zero": "0" if rules.day_zero else "1",
            "lookback_days": rules.lookback_days,
            "symptoms": "、".join(rules.symptoms),
            "arrival_categories": list(rules.arrival_categories),
        }
        for reason in protocol.REASONS:
            for index, stage in enumerate(rules.plan_for(reason)[:2], start=1):
                initial[f"{reason}_{index}_mode"] = stage.mode
                initial[f"{reason}_{index}_days"] = stage.days
                initial[f"{reason}_{index}_tests"] = ",".join(map(str, stage.tests))
        return initial

    def overrides(self) -> dict:
        data = self.cleaned_data
        plans = {}
        for reason in protocol.REASONS:
            stages = []
            for stage in (1, 2):
                mode, days = data[f"{reason}_{stage}_mode"], data[f"{reason}_{stage}_days"]
                if not mode and not days:
                    continue
                if not (mode and days):
                    self.add_error(f"{reason}_{stage}_days", _("Give both the mode and the days."))
                    continue
                try:
                    tests = _numbers(data[f"{reason}_{stage}_tests"] or "")
                except forms.ValidationError as exc:
                    self.add_error(f"{reason}_{stage}_tests", exc)
                    continue
                stages.append({"mode": mode, "days": days, "tests": tests})
            if stages:
                plans[reason] = stages
        symptoms = [
            s.strip()
            for s in data["symptoms"].replace("，", "、").replace(",", "、").split("、")
            if s.strip()
        ]
        return {
            "fever_threshold": data["fever_threshold"].strip(),
            "checks_per_day": data["checks_per_day"],
            "day_zero": data["day_zero"],
            "lookback_days": data["lookback_days"],
            "symptoms": symptoms,
            "arrival_categories": data["arrival_categories"],
            "plans": plans,
        }


def _owned_areas(user):
    """Towns and counties where the user is commander: where the rules are set."""
    return [
        (code, label.strip("\u3000"))
        for code, label in area_choices(user, roles=PROTOCOL_OWNERS)
        if codes.level_of(code) in (codes.TOWN, codes.COUNTY)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def protocol_page(request):
    """The editions side by side, the one each of the commander's areas follows, and its local values."""
    editions = list(ProtocolEdition.objects.all())
    owned = _owned_areas(request.user)
    area_code = request.GET.get("area") or (owned[0][0] if owned else "")
    if not any(area_code == code for code, _label in owned):
        area_code = owned[0][0] if owned else ""
    in_force = selectors.rules_in_force(area_code) if area_code else None
    form = None
    if area_code:
        area = visible_area(request.user, area_code)
        initial = ProtocolForm.initial_for(in_force.rules, in_force.edition.code)
        form = ProtocolForm(
            request.POST or None, initial=initial, editions=editions, categories=people_selectors.categories()
        )
        if request.method == "POST" and form.is_valid():
            edition = next(e for e in editions if e.code == form.cleaned_data["edition"])
            changed_edition = edition.code != in_force.edition.code
            overrides = {} if changed_edition else form.overrides()
            if form.is_valid():
                try:
                    services_protocol.protocol_choice_save(
                        actor=request.user, area=area, edition=edition, overrides=overrides
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    if changed_edition:
                        messages.success(
                            request,
                            _("%(area)s now follows %(edition)s; local values were cleared.")
                            % {"area": area.name, "edition": edition.name},
                        )
                    else:
                        messages.success(request, _("The local values were saved."))
                    return redirect(reverse("observation:protocol") + f"?area={area_code}")
    elif request.method == "POST":
        raise PermissionDenied(_("Only a town's commander sets the rules."))
    stale = 0
    if in_force is not None:
        stale = sum(
            1
            for period in selectors.active_periods(request.user, area_code).only("rules", "edition_id")[
                :REPLAN_LIMIT
            ]
            if period.rules != in_force.rules.to_json() or period.edition_id != in_force.edition.code
        )
    context = {
        "editions": [(e, e.parsed()) for e in editions],
        "modes": protocol.MODES,
        "owned": owned,
        "area_code": area_code,
        "in_force": in_force,
        "form": form,
        "stale": stale,
        "can_replan": bool(area_code) and has_role(request.user, area_code, *OBSERVATION_MANAGERS),
    }
    return render(request, "observation/protocol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def replan_many(request):
    """Re-plan the open periods of an area under the rules in force now: a preview with the old and new
    dates side by side, then one confirmation. Each period's change is audited."""
    if not has_role_anywhere(request.user, *OBSERVATION_MANAGERS):
        raise PermissionDenied(_("Your role does not re-plan observation periods."))
    choices = [
        (c, label.strip("\u3000")) for c, label in area_choices(request.user, roles=OBSERVATION_MANAGERS)
    ]
    area_code = request.POST.get("area") or request.GET.get("area") or (choices[0][0] if choices else "")
    if not any(area_code == code for code, _label in choices):
        area_code = choices[0][0] if choices else ""
    periods = (
        list(
            selectors.active_periods(request.user, area_code).select_related("person", "area")[:REPLAN_LIMIT]
        )
        if area_code
        else []
    )
    in_force_by_town = {}
    changes = []
    for period in periods:
        town = period.area_id[:9]
        in_force = in_force_by_town.get(town) or in_force_by_town.setdefault(
            town, selectors.rules_in_force(period.area_id)
        )
        change = services.replan_preview(period, in_force)
        if change.changes or change.problem:
            changes.append(change)
    token = json.dumps(
        {town: f.rules.to_json() for town, f in sorted(in_force_by_town.items())},
        sort_keys=True,
        ensure_ascii=False,
    )
    if request.method == "POST":
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("rules") != token:
            messages.error(request, _("The rules changed after the preview: look at the new dates again."))
        elif not reason:
            messages.error(request, _("Say why the periods are re-planned."))
        else:
            done, failed = 0, []
            for change in changes:
                if not change.changes:
                    continue
                try:
                    services.period_replan(actor=request.user, period=change.period, reason=reason[:200])
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    failed.append(
                        f"{change.period.person.name}：{' '.join(getattr(exc, 'messages', [str(exc)]))}"
                    )
            messages.success(request, _("%(n)s period(s) re-planned.") % {"n": done})
            for line in failed[:10]:
                messages.warning(request, line)
            return redirect(reverse("observation:replan") + f"?area={area_code}")
    context = {
        "choices": choices,
        "area_code": area_code,
        "changes": changes,
        "checked": len(periods),
        "limited": len(periods) >= REPLAN_LIMIT,
        "token": token,
        "editions": {town: f.edition for town, f in in_force_by_town.items()},
    }
    return render(request, "observation/replan.html", context)
