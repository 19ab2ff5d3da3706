"""Pages for cases: the list with the epidemic curve, registering a case, a case's page with its
contacts, tracing contacts in one go, the chain, and turning a contact into a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordon.accounts.permissions import CASE_WORKERS, HANDOVER_SENDERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.accounts.selectors import area_choices, audit_history
from cordon.cases import chain, selectors, services, services_register
from cordon.cases.forms import (
    CaseForm,
    CaseUpdateForm,
    ClassifyForm,
    ContactsForm,
    IdentifyForm,
    PlaceForm,
    RemoveForm,
    ToCaseForm,
)
from cordon.cases.models import Case, ContactLink
from cordon.core.forms import act_and_return, add_service_errors, cleaned_or_raise
from cordon.federation import selectors as federation_selectors
from cordon.handovers import selectors as handover_selectors
from cordon.people.models import Person
from cordon.people.selectors import picked_person

CASE_FIELDS = ("onset_date", "confirmed_on", "isolated_on", "hospital", "reporting_source", "note")


def _require_case_role(request):
    if not has_role_anywhere(request.user, *CASE_WORKERS):
        raise PermissionDenied


def _case(request, pk: int) -> Case:
    return get_visible_or_404(
        Case.objects.select_related("person", "area", "created_by"),
        request.user,
        roles=CASE_WORKERS,
        pk=pk,
    )


def _link(request, pk: int) -> ContactLink:
    """A contact link, reached through its case (clinical, for the case roles) and its own area."""
    link = get_visible_or_404(
        ContactLink.objects.select_related("case", "person"), request.user, roles=CASE_WORKERS, pk=pk
    )
    _case(request, link.case_id)
    return link


@login_required
def case_list(request):
    _require_case_role(request)
    classification = request.GET.get("classification", "")
    if classification not in Case.Classification.values:
        classification = ""
    query = request.GET.get("q", "").strip()[:40]
    choices = area_choices(request.user, CASE_WORKERS)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    cases = list(
        selectors.case_list(request.user, classification=classification, query=query, area=area)[:200]
    )
    by = "onset_date" if request.GET.get("by") == "onset" else "confirmed_on"
    return render(
        request,
        "cases/case_list.html",
        {
            "cases": cases,
            "classification": classification,
            "classifications": Case.Classification.choices,
            "query": query,
            "curve": selectors.epidemic_curve(request.user, by=by, area=area),
            "by": by,
            "area": area,
            "area_choices": choices,
            "can_register": True,
        },
    )


@login_required
def case_new(request):
    _require_case_role(request)
    today = timezone.localdate()
    person = None
    if request.GET.get("person", "").isdigit():
        person = get_visible_or_404(Person.objects, request.user, pk=int(request.GET["person"]))
    form = CaseForm(request.POST or None, initial={"classified_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            case = _register(request, form.cleaned_data, person)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case was registered."))
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form, "person": person})


def _register(request, data: dict, person: Person | None) -> Case:
    details = {field: data[field] for field in CASE_FIELDS}
    details |= {"authority": data["authority"], "number": data["number"]}
    area = None
    if person is None and not data["document_number"]:
        details |= {"external_name": data["external_name"], "external_note": data["external_note"]}
        area = visible_area(request.user, selectors.home_town(request.user, CASE_WORKERS))
    return services_register.case_register_with_source(
        actor=request.user,
        classification=data["classification"],
        person=person,
        document_number=data["document_number"],
        area=area,
        classified_on=data["classified_on"],
        data=details,
        source={
            "authority": data["source_authority"],
            "number": data["source_number"],
            "setting": data["source_setting"],
            "last_exposure": data["source_last_exposure"],
        },
    )


@login_required
def case_detail(request, pk: int):
    case = _case(request, pk)
    contacts = selectors.case_contacts(case, request.user)
    can_edit = has_role(request.user, case.area_id, *CASE_WORKERS)
    _handover_buttons(request, contacts.rows)
    today = timezone.localdate()
    sources = selectors.case_sources(case, request.user)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "contacts": contacts,
            "sources": sources,
            "history": list(case.classifications.select_related("by")),
            "lookback_start": services.lookback_start(case),
            "can_edit": can_edit,
            "classify_form": ClassifyForm(initial={"on": today}),
            "update_form": CaseUpdateForm(
                initial={field: getattr(case, field) for field in CaseUpdateForm.base_fields}
            ),
            "identify_form": IdentifyForm() if case.is_external else None,
            "to_case_form": ToCaseForm(initial={"classified_on": today}),
            "place_form": PlaceForm(
                site_choices=selectors.site_choices(request.user), initial={"placed_on": today}
            ),
            "remove_form": RemoveForm(),
            "audit_history": audit_history(case, request.user)[:20],
        },
    )


def _handover_buttons(request, rows) -> None:
    """Each contact row's hand-over: may this user send it, is one already awaiting the receiver (here
    or on another server), and which town the contact's address names (the button then says it)."""
    people = [row.link.person for row in rows]
    pending = federation_selectors.handover_pending(p.pk for p in people)
    homes = handover_selectors.home_towns(people) if people else {}
    for row in rows:
        person_id = row.link.person_id
        row.may_hand_over = has_role(request.user, row.link.person.area_id, *HANDOVER_SENDERS)
        row.handover_pending = person_id in pending
        row.home_town = homes.get(person_id)


def _back(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + anchor


@login_required
@require_POST
def case_classify(request, pk: int):
    case = _case(request, pk)

    def action():
        changed = services.case_classify(
            actor=request.user, case=case, **cleaned_or_raise(ClassifyForm(request.POST))
        )
        return _("Now %(classification)s.") % {"classification": changed.get_classification_display()}

    return act_and_return(request, action, _back(case))


@login_required
@require_POST
def case_update(request, pk: int):
    case = _case(request, pk)

    def action():
        services.case_update(
            actor=request.user, case=case, data=cleaned_or_raise(CaseUpdateForm(request.POST))
        )
        return _("Saved.")

    return act_and_return(request, action, _back(case))


@login_required
@require_POST
def case_identify(request, pk: int):
    case = _case(request, pk)

    def action():
        data = cleaned_or_raise(IdentifyForm(request.POST))
        person = selectors.person_by_document(request.user, data["document_number"])
        if person is None:
            raise ValidationError(_("No person with this ID number in your areas."))
        services.case_identify(actor=request.user, case=case, person=person)
        return _("The case is now linked to %(name)s; every contact link stays.") % {"name": person.name}

    return act_and_return(request, action, _back(case))


@login_required
def contacts_add(request, pk: int):
    """Trace contacts in one go: the shared exposure, the case's household in one tick, and rows of
    people (a known ID number links that person). All or nothing, every row shown again on an error."""
    case = _case(request, pk)
    if not has_role(request.user, case.area_id, *CASE_WORKERS):
        raise PermissionDenied
    via_choices = [
        (link.pk, link.person.name)
        for link in case.contacts.visible_to(request.user).filter(degree="close").select_related("person")
    ]
    household = selectors.household_candidates(case, request.user)
    villages = selectors.village_choices(request.user)
    form = ContactsForm(
        request.POST or None,
        via_choices=via_choices,
        initial={"last_exposure": case.isolated_on or timezone.localdate()},
    )
    rows = _rows(request) if request.method == "POST" else [{} for _ in range(3)]
    entry_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        ticked = {int(v) for v in request.POST.getlist("household") if v.isdigit()}
        people = [{"person": p} for p in household if p.pk in ticked]
        filled = [row for row in rows if any(row.get(k) for k in ("name", "document_number", "phone"))]
        people += [_entry(request, row) for row in filled]
        data = form.cleaned_data
        via = None
        if data["via"]:
            via = case.contacts.visible_to(request.user).filter(pk=data["via"]).first()
        try:
            links = services.contact_add(
                actor=request.user,
                case=case,
                people=people,
                setting=data["setting"],
                degree=data["degree"],
                first_exposure=data["first_exposure"],
                last_exposure=data["last_exposure"],
                via=via,
                note=data["note"],
            )
        except services.EntryErrors as exc:
            offset = len(people) - len(filled)
            for index, problems in exc.entries.items():
                if index >= offset:
                    filled[index - offset]["errors"] = problems
                else:
                    entry_errors[index] = problems
            rows = [*filled, {}]
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)s contacts traced.") % {"n": len(links)})
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/contacts_add.html",
        {
            "case": case,
            "form": form,
            "rows": rows,
            "villages": villages,
            "household": household,
            "household_errors": entry_errors,
            "default_village": _village_of(case, villages),
            "lookback_start": services.lookback_start(case),
        },
    )


def _village_of(case: Case, villages: list[tuple[str, str]]) -> str:
    """The village a new contact row starts in: the case's own (the village of its grid), or none to
    make the health worker choose — never the first village of the list."""
    codes = {code for code, _name in villages}
    for code in (case.area_id, case.area_id[:12]):
        if code in codes:
            return code
    return ""


ROW_FIELDS = ("name", "document_number", "phone", "area")


def _rows(request) -> list[dict]:
    columns = [request.POST.getlist(f"row_{field}") for field in ROW_FIELDS]
    return [
        dict(zip(ROW_FIELDS, (v.strip()[:60] for v in values), strict=True))
        for values in zip(*columns, strict=False)
    ]


def _entry(request, row: dict) -> dict:
    picked = picked_person(request.user, row["document_number"])  # the person picker's "#123 尹某某"
    if picked is not None:
        return {"person": picked}
    area = None
    if row.get("area"):
        try:
            area = visible_area(request.user, row["area"])
        except ValidationError:
            area = None
    return {
        "name": row["name"],
        "document_number": row["document_number"],
        "phone": row["phone"],
        "area": area,
    }


@login_required
@require_POST
def contact_to_case(request, pk: int):
    link = _link(request, pk)

    def action():
        data = cleaned_or_raise(ToCaseForm(request.POST))
        case = services.contact_to_case(
            actor=request.user,
            link=link,
            classification=data["classification"],
            classified_on=data["classified_on"],
            data={"authority": data["authority"], "number": data["number"]},
        )
        return _("%(name)s is now registered as a case: trace their own contacts from their page.") % {
            "name": case.display_name
        }

    return act_and_return(request, action, _back(link.case, "#contacts"))


@login_required
@require_POST
def contact_remove(request, pk: int):
    link = _link(request, pk)

    def action():
        services.contact_remove(actor=request.user, link=link, **cleaned_or_raise(RemoveForm(request.POST)))
        return _("The contact was removed.")

    return act_and_return(request, action, _back(link.case, "#contacts"))


@login_required
def chain_page(request, pk: int):
    case = _case(request, pk)
    depth = _depth(request)
    graph = selectors.chain_graph(case, request.user, depth=depth)
    return render(
        request,
        "cases/chain.html",
        {
            "case": case,
            "graph": graph,
            "depth": depth,
            "depths": range(1, chain.MAX_DEPTH + 1),
            "rows": selectors.chain_rows(graph),
            "max_contacts": selectors.MAX_GRAPH_CONTACTS,
            "settings": ContactLink.Setting.choices,
            "status_labels": {
                "case": _("Case"),
                "in_quarantine": _("In quarantine"),
                "observing": _("Under observation"),
                "released": _("Released"),
            },
            "today": timezone.localdate(),
        },
    )


def _depth(request) -> int:
    value = request.GET.get("depth", "")
    return min(max(int(value), 1), chain.MAX_DEPTH) if value.isdigit() else chain.MAX_DEPTH


@login_required
def chain_json(request, pk: int):
    case = _case(request, pk)
    graph = selectors.chain_graph(case, request.user, depth=_depth(request))
    return JsonResponse(
        {"root": graph.root, "nodes": graph.nodes, "edges": graph.edges, "truncated": graph.truncated}
    )
