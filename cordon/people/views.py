"""People: search, register, a person's page, merging, reclassifying. Ledgers and imports: views_ledgers."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cordon.accounts.permissions import CASE_WORKERS, OBSERVERS, PEOPLE_REGISTRARS, PEOPLE_SUPERVISORS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices, audit_history
from cordon.core.access import log_access
from cordon.core.forms import add_service_errors
from cordon.core.privacy import mask_document, mask_phone
from cordon.people import selectors, services, validation
from cordon.people.forms import HouseholdForm, MergeForm, PersonForm, ReclassifyForm, RegisterForm
from cordon.people.models import Arrival, Person

_SUBMISSIONS = "cordon_registrations"


def _registrar_areas(user):
    """Villages and grids where the user may register people (a person lives in a village)."""
    return [
        (code, label.strip("\u3000"))
        for code, label in area_choices(user, roles=PEOPLE_REGISTRARS)
        if len(code) >= 12
    ]


def _require_registrar(request):
    if not has_role_anywhere(request.user, *PEOPLE_REGISTRARS):
        raise PermissionDenied(_("Your role does not register people."))


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:40]
    people = list(selectors.person_search(request.user, query)) if query else []
    rows = [{"person": p, **selectors.masked_view(p, full=False)} for p in people]
    context = {
        "query": query,
        "rows": rows,
        "can_register": has_role_anywhere(request.user, *PEOPLE_REGISTRARS),
    }
    template = "people/_search_results.html" if request.htmx else "people/search.html"
    return render(request, template, context)


@login_required
def pick(request):
    """The person picker's answers: the search's matches, scoped and masked as the search page shows
    them, each with the reference a form takes in place of an ID number ("#123")."""
    query = request.GET.get("q", "").strip()[:40]
    people = selectors.person_search(request.user, query, limit=10) if query else []
    return JsonResponse(
        {
            "results": [
                {
                    "ref": f"#{p.pk}",
                    "name": p.name,
                    "label": " · ".join(
                        part for part in (p.name, p.area.name, mask_document(p.document_number)) if part
                    ),
                }
                for p in people
            ]
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    _require_registrar(request)
    choices = _registrar_areas(request.user)
    initial = {"arrival_date": timezone.localdate().isoformat(), "submission": uuid.uuid4().hex}
    if len(choices) == 1:
        initial["area"] = choices[0][0]
    form = RegisterForm(request.POST or None, area_choices=choices, initial=initial)
    done = request.session.get(_SUBMISSIONS, {})
    if request.method == "POST" and form.is_valid() and form.cleaned_data["submission"] in done:
        messages.info(request, _("This form was already saved; here is the record."))
        return redirect("people:detail", pk=done[form.cleaned_data["submission"]])
    if request.method == "POST" and form.is_valid():
        try:
            area = visible_area(request.user, form.cleaned_data["area"])
            person, arrival, created = services.register(
                actor=request.user,
                area=area,
                person_data=form.person_data(),
                arrival_data=form.arrival_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if form.cleaned_data["submission"]:
                done[form.cleaned_data["submission"]] = person.pk
                request.session[_SUBMISSIONS] = dict(list(done.items())[-20:])
            if created:
                messages.success(
                    request,
                    _("%(name)s was registered, in the ledger “%(category)s”.")
                    % {"name": person.name, "category": arrival.category.name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s was already registered; the record was updated.") % {"name": person.name},
                )
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/register.html", {"form": form})


@login_required
@require_POST
def lookup(request):
    """Answer the registration form's number field: the fields again, filled from a known person."""
    _require_registrar(request)
    choices = _registrar_areas(request.user)
    data = request.POST.copy()
    note, known = "", None
    kind = data.get("document_type") or Person.Document.MAINLAND_ID
    raw = validation.compact(data.get("document_number", ""))
    if raw and kind == Person.Document.MAINLAND_ID:
        try:
            raw = validation.parse_id_number(raw, today=timezone.localdate()).number
        except ValidationError as exc:
            note = " ".join(exc.messages)
    if raw and not note:
        holder = selectors.document_holder(kind, raw)
        if holder is not None:
            known = Person.objects.visible_to(request.user).filter(pk=holder.pk).first()
            if known is None:
                note = services.REGISTERED_ELSEWHERE
            else:
                for field in ("name", "phone", "phone_other", "address", "registered_address"):
                    data[field] = getattr(known, field)
                data["document_number"] = raw
                if any(code == known.area_id for code, _label in choices):
                    data["area"] = known.area_id
    form = RegisterForm(data, area_choices=choices)
    return render(
        request,
        "people/_register_fields.html",
        {"form": form, "known": known, "note": note, "unbound_errors": True},
    )


@login_required
def detail(request, pk: int):
    person = get_visible_or_404(
        Person.objects.select_related("area", "household", "created_by"), request.user, pk=pk
    )
    full = selectors.shows_full_data(request.user, person)
    if full:
        log_access(actor=request.user, kind="view", target=person, area=person.area_id)
    can_edit = has_role(request.user, person.area_id, *PEOPLE_REGISTRARS)
    can_supervise = has_role(request.user, person.area_id, *PEOPLE_SUPERVISORS)
    category_choices = [(c.code, c.name) for c in selectors.categories()]
    context = {
        "person": person,
        "numbers": selectors.masked_view(person, full),
        "household_phone": (
            person.household.contact_phone if full else mask_phone(person.household.contact_phone)
        )
        if person.household_id
        else "",
        "full": full,
        "timeline": selectors.person_timeline(request.user, person),
        "household_members": person.household.members.visible_to(request.user).exclude(pk=person.pk)
        if person.household_id
        else [],
        "can_edit": can_edit,
        "can_supervise": can_supervise,
        "reclassify_form": ReclassifyForm(category_choices=category_choices) if can_supervise else None,
        "merge_form": MergeForm() if can_supervise else None,
        "household_form": HouseholdForm(initial={"address": person.address}) if can_edit else None,
        "history": audit_history(person, request.user)[:30],
        **_observation(request.user, person),
        **_cases(request.user, person),
    }
    return render(request, "people/person_detail.html", context)


def _cases(user, person) -> dict:
    """The person's stays at quarantine sites (for their village's staff too: where and until when)
    and, for health workers and the command centre, their case and contact links."""
    from cordon.cases import selectors as cases

    clinical = has_role(user, person.area_id, *CASE_WORKERS)
    return {
        "placements": list(
            cases.placements_visible(user).filter(person=person).select_related("site", "period")
        ),
        "person_case": cases.cases_visible(user).filter(person=person).first() if clinical else None,
        "contact_of": list(cases.case_sources_of(person, user)) if clinical else [],
        "can_register_case": clinical,
    }


def _observation(user, person) -> dict:
    """The person's observation periods and open alerts, shown on their page."""
    from cordon.observation import selectors as observation

    periods = observation.person_periods(user, person)
    return {
        "periods": periods,
        "open_alerts": [p.open_alert for p in periods if p.open_alert],
        "can_observe": has_role(user, person.area_id, *OBSERVERS) and not any(p.is_active for p in periods),
        "today": timezone.localdate(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    person = get_visible_or_404(Person.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, person.area_id, *PEOPLE_REGISTRARS):
        raise PermissionDenied(_("Your role does not register people."))
    initial = {
        f: getattr(person, f)
        for f in (
            "document_type",
            "document_number",
            "name",
            "sex",
            "birth_date",
            "phone",
            "phone_other",
            "address",
            "registered_address",
            "note",
        )
    }
    initial["area"] = person.area_id
    form = PersonForm(request.POST or None, area_choices=_registrar_areas(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            area = visible_area(request.user, data.pop("area"))
            services.person_save(actor=request.user, area=area, data=data, person=person)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _back_to(person_pk, request, action):
    try:
        message = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("people:detail", pk=person_pk)


@login_required
@require_POST
def household(request, pk: int):
    person = get_visible_or_404(Person.objects, request.user, pk=pk)
    form = HouseholdForm(request.POST)

    def action():
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.household_assign(actor=request.user, person=person, **form.cleaned_data)
        return _("Household saved.")

    return _back_to(person.pk, request, action)


@login_required
@require_POST
def merge(request, pk: int):
    keep = get_visible_or_404(Person.objects, request.user, pk=pk)
    form = MergeForm(request.POST)

    def action():
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        duplicate = Person.objects.visible_to(request.user).filter(pk=form.cleaned_data["other"]).first()
        if duplicate is None:
            raise ValidationError(_("No such record."))
        services.person_merge(
            actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
        )
        return _("The two records were merged into this one.")

    return _back_to(keep.pk, request, action)


@login_required
@require_POST
def reclassify(request, pk: int):
    arrival = get_visible_or_404(Arrival.objects.select_related("person"), request.user, pk=pk)
    form = ReclassifyForm(request.POST, category_choices=[(c.code, c.name) for c in selectors.categories()])

    def action():
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        category = selectors.category(form.cleaned_data["category"])
        services.arrival_reclassify(
            actor=request.user, arrival=arrival, category=category, reason=form.cleaned_data["reason"]
        )
        return _("The arrival is now in the ledger “%(category)s”.") % {"category": category.name}

    return _back_to(arrival.person_id, request, action)
