"""Ledgers (台账): one list per category with filters and counts; exports; the categories themselves."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cordon.accounts.models import Role
from cordon.accounts.permissions import LEDGER_FULL_EXPORTERS, PEOPLE_REGISTRARS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere
from cordon.accounts.selectors import area_choices
from cordon.core import jobs
from cordon.core.models import Job
from cordon.people import exports, selectors, services_ledger
from cordon.people.forms import CategoryForm, ExportForm, LedgerFilterForm

PAGE = 50


def _filters(request, choices) -> tuple[LedgerFilterForm, selectors.LedgerFilters]:
    form = LedgerFilterForm(request.GET or None, area_choices=choices)
    data = form.cleaned_data if form.is_valid() else {}
    category = request.GET.get("category", "")
    known = {c.code for c in selectors.categories()}
    return form, selectors.LedgerFilters(
        category=category if category in known else "",
        area_code=data.get("area", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        status=data.get("status", ""),
    )


def _after(value: str):
    """The keyset cursor "YYYY-MM-DD.id" of the last row of the previous page, or None."""
    try:
        day, pk = value.split(".", 1)
        return date.fromisoformat(day), int(pk)
    except (ValueError, AttributeError):
        return None


@login_required
def ledger(request):
    """A ledger page: tabs per category with their counts, filters, and pages that stay fast at a
    million rows (a keyset on the ledger index, never an OFFSET)."""
    choices = area_choices(request.user)
    form, filters = _filters(request, choices)
    arrivals = selectors.ledger_arrivals(request.user, filters)
    cursor = _after(request.GET.get("after", ""))
    if cursor:
        day, pk = cursor
        arrivals = arrivals.filter(Q(arrival_date__lt=day) | Q(arrival_date=day, id__lt=pk))
    rows = list(arrivals[: PAGE + 1])
    has_next = len(rows) > PAGE
    rows = rows[:PAGE]
    query = request.GET.copy()
    query.pop("after", None)
    base_query = query.copy()
    base_query.pop("category", None)
    context = {
        "form": form,
        "filters": filters,
        "tabs": _tabs(selectors.categories()),
        "rows": [{"arrival": a, **selectors.masked_view(a.person, full=False)} for a in rows],
        "next_cursor": f"{rows[-1].arrival_date.isoformat()}.{rows[-1].pk}" if has_next else "",
        "first_page": cursor is None,
        "query": query.urlencode(),
        "base_query": base_query.urlencode(),
        "can_export": True,
        "can_register": has_role_anywhere(request.user, *PEOPLE_REGISTRARS),
    }
    return render(request, "people/ledger.html", context)


def _tabs(categories, counts: dict | None = None) -> list[dict]:
    tabs = [{"code": "", "name": _("All"), "count": sum(counts.values()) if counts is not None else None}]
    return tabs + [
        {"code": c.code, "name": c.name, "count": counts.get(c.code, 0) if counts is not None else None}
        for c in categories
    ]


@login_required
def ledger_counts(request):
    """The tabs with their counts, under the page's filters. Loaded after the page: over a whole
    town's million arrivals the counting takes longer than the page itself."""
    _form, filters = _filters(request, area_choices(request.user))
    base_query = request.GET.copy()
    base_query.pop("category", None)
    base_query.pop("after", None)
    context = {
        "tabs": _tabs(selectors.categories(), selectors.ledger_counts(request.user, filters)),
        "filters": filters,
        "base_query": base_query.urlencode(),
    }
    return render(request, "people/_ledger_tabs.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    choices = area_choices(request.user)
    _form, filters = _filters(request, choices)
    export_form = ExportForm(request.POST or None)
    may_unmask = has_role_anywhere(request.user, *LEDGER_FULL_EXPORTERS)
    if request.method == "POST" and export_form.is_valid():
        data = export_form.cleaned_data
        try:
            wanted = exports.ExportRequest(
                filters=filters,
                format=data["format"],
                unmasked=data["unmasked"],
                reason=data["reason"].strip(),
            )
            area_code = _export_area(request.user, filters)
            _check_unmasking(request.user, wanted, area_code)
        except ValidationError as exc:
            export_form.add_error(None, exc.messages)
        else:
            roles = LEDGER_FULL_EXPORTERS if wanted.unmasked else None
            total = selectors.ledger_arrivals(request.user, filters, roles=roles).count()
            if total > exports.SYNC_LIMIT:
                job = jobs.enqueue(
                    kind="people.export",
                    area=area_code,
                    actor=request.user,
                    params={
                        "filters": _plain(filters),
                        "format": wanted.format,
                        "unmasked": wanted.unmasked,
                        "reason": wanted.reason,
                        "total": total,
                    },
                )
                return redirect("people:export_job", pk=job.pk)
            response = HttpResponse(content_type=_content_type(wanted.format))
            rows = exports.write_ledger(request.user, wanted, response)
            exports.record_export(request.user, wanted, rows, area_code)
            response["Content-Disposition"] = _attachment(wanted.format)
            return response
    return render(
        request,
        "people/export.html",
        {
            "form": export_form,
            "filters": filters,
            "description": exports.describe(filters),
            "may_unmask": may_unmask,
            "count": selectors.ledger_arrivals(request.user, filters).count(),
            "query": request.GET.urlencode(),
        },
    )


def _export_area(user, filters) -> str:
    """The area an export is filed under in the access log: the filter's, else the user's widest."""
    from cordon.accounts.selectors import top_areas

    if filters.area_code:
        return filters.area_code
    tops = top_areas(user)
    if not tops:
        raise ValidationError(_("Your account has no role yet."))
    return tops[0].code


def _check_unmasking(user, wanted: exports.ExportRequest, area_code: str) -> None:
    """Whole numbers need a role that may export them over the whole filtered area, and a reason."""
    if not wanted.unmasked:
        return
    if not has_role(user, area_code, *LEDGER_FULL_EXPORTERS):
        raise ValidationError(_("Your role may export masked numbers only."))
    if len(wanted.reason) < 4:
        raise ValidationError(_("Give the reason for exporting whole ID numbers and phones."))


def _plain(filters) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.__dict__.items()}


def _content_type(kind: str) -> str:
    if kind == "csv":
        return "text/csv; charset=utf-8"
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(kind: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # ASCII name plus the Chinese one (RFC 5987) so every browser saves it sensibly.
    from urllib.parse import quote

    return f"attachment; filename=\"ledger-{stamp}.{kind}\"; filename*=UTF-8''{quote(f'台账-{stamp}.{kind}')}"


@never_cache
@login_required
def export_job(request, pk: int):
    job = get_visible_or_404(
        Job.objects.filter(kind="people.export", created_by=request.user), request.user, pk=pk
    )
    template = "people/_export_progress.html" if request.htmx else "people/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk: int):
    job = get_visible_or_404(
        Job.objects.filter(kind="people.export", created_by=request.user, status=Job.Status.DONE),
        request.user,
        pk=pk,
    )
    path = settings.VAR_DIR / "jobs" / str(job.pk) / job.result.get("file", "")
    if not job.result.get("file") or not path.exists():
        return render(
            request, "error.html", {"title": _("Not found"), "message": _("The file is gone.")}, status=404
        )
    response = FileResponse(path.open("rb"), content_type=_content_type(job.result.get("format", "xlsx")))
    response["Content-Disposition"] = _attachment(job.result.get("format", "xlsx"))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def categories(request):
    """The ledger categories and their rules. Commanders change them; everyone may read them."""
    can_edit = has_role_anywhere(request.user, Role.COMMANDER)
    editing = request.GET.get("edit", "") if can_edit else ""
    category = next((c for c in selectors.categories() if c.code == editing), None)
    form = None
    if category is not None:
        initial = {
            f: getattr(category, f) for f in ("name", "priority", "origins", "valid_from", "valid_to", "note")
        }
        form = CategoryForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services_ledger.category_update(actor=request.user, category=category, **form.cleaned_data)
            except ValidationError as exc:
                from cordon.core.forms import add_service_errors

                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("people:categories")
    elif request.method == "POST":
        raise PermissionDenied(_("Only the commander changes the ledger categories."))
    return render(
        request,
        "people/categories.html",
        {
            "categories": selectors.categories(),
            "can_edit": can_edit,
            "editing": category,
            "form": form,
        },
    )
