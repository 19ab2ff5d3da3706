"""The retention page of a town's command centre: how long each kind of closed record is kept, what a
run would remove today (a dry run), the run itself (confirmed once; a double submit runs once), and
the history. The rules are the services'; this only fetches, parses and renders."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.accounts.permissions import RETENTION_SETTERS
from cordon.accounts.scope import get_visible_or_404
from cordon.core import codes
from cordon.core.forms import add_service_errors
from cordon.retention import selectors, services, services_town
from cordon.retention.forms import PolicyForm


def _towns(request):
    """The towns where the user sets periods (for the choice at the top of the page)."""
    return Area.objects.visible_to(request.user, RETENTION_SETTERS).filter(level=codes.TOWN).order_by("code")


def _town(request) -> Area:
    """The town asked for (``area``), or the first the user sets periods for. A town outside the
    user's areas answers 404, like one that does not exist; one inside without the role, 403."""
    code = request.POST.get("area") or request.GET.get("area")
    if code:  # a village has no retention page of its own: as if there were none
        return get_visible_or_404(Area.objects.filter(level=codes.TOWN), request.user, code=str(code)[:15])
    town = _towns(request).first()
    if town is None:
        raise PermissionDenied(_("Only the town's commander sets how long records are kept."))
    return town


def _page(request, town, forms=None):
    overview = selectors.retention_overview(actor=request.user, area=town)
    forms = forms or {}
    for row in overview["rows"]:
        row["form"] = forms.get(row["kind"]) or PolicyForm(prefix=row["kind"], initial={"days": row["days"]})
    return render(
        request,
        "retention/index.html",
        {
            "town": town,
            "overview": overview,
            "history": [_history_row(e) for e in selectors.retention_history(actor=request.user, area=town)],
            "towns": list(_towns(request)[:50]),
        },
    )


def _history_row(entry) -> dict:
    """An audit entry of the town's retention as the page says it: what was set, or what went."""
    labels = dict(services.RetentionPolicy.Kind.choices)
    short = {kind: str(label).split("（")[0].split(" (")[0] for kind, label in labels.items()}
    changes = entry.changes or {}
    if entry.action == services_town.RUN:
        parts = [
            _("%(kind)s %(n)s (before %(day)s)")
            % {"kind": short.get(r["kind"], r["kind"]), "n": r["count"], "day": r["before"]}
            for r in changes.get("rows", [])
        ]
        detail = "；".join(parts) or _("No period set: nothing to remove.")
    elif entry.action == "retention.set":
        detail = "；".join(
            _("%(kind)s: %(n)s days") % {"kind": short.get(k, k), "n": v} for k, v in changes.items()
        )
    else:
        detail = _("%(n)s records dated before %(day)s") % {
            "n": changes.get("count"),
            "day": changes.get("before"),
        }
    return {"at": entry.at, "actor": entry.actor_label, "action": entry.action, "detail": detail}


@login_required
def index(request):
    town = _town(request)
    if request.method != "POST":
        return _page(request, town)
    kind = request.POST.get("kind", "")
    form = PolicyForm(request.POST, prefix=kind if kind in services.RetentionPolicy.Kind.values else None)
    if form.is_valid():
        try:
            services.policy_set(actor=request.user, area=town, kind=kind, days=form.cleaned_data["days"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('retention:index')}?area={town.code}")
    return _page(request, town, forms={kind: form})


@login_required
def run(request):
    """GET: what will go, and the one confirmation. POST: the run, once per submission key."""
    town = _town(request)
    if request.method == "POST":
        try:
            entry, repeated = services_town.retention_run_town(
                actor=request.user, area=town, key=request.POST.get("key", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            removed = sum(row["count"] for row in entry.changes["rows"])
            if repeated:
                messages.info(request, _("This run was already done; it was not run again."))
            else:
                messages.success(
                    request, _("Run done: %(n)s records removed or anonymised.") % {"n": removed}
                )
        return redirect(f"{reverse('retention:index')}?area={town.code}")
    overview = selectors.retention_overview(actor=request.user, area=town)
    return render(
        request, "retention/run.html", {"town": town, "overview": overview, "key": uuid.uuid4().hex}
    )
