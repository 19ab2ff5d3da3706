"""Pages: the stock overview (warnings, each item's total and days left, every store, what teams and
checkpoints used, deliveries to sealed gates not yet counted), a store's ledger, the forms to
receive, issue and use stock, a delivery counted as an issue, and the town's items."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.accounts.permissions import STOCK_ITEM_EDITORS, STOCK_KEEPERS, STOCK_USERS
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere
from cordon.accounts.selectors import area_choices, top_areas
from cordon.checkpoints.models import Checkpoint
from cordon.core import codes
from cordon.core.forms import add_service_errors
from cordon.forces.models import Team
from cordon.lockdowns.models import SupplyDelivery
from cordon.stock import figures, services
from cordon.stock.forms import DeliveryIssueForm, MovementForm
from cordon.stock.models import Item, Movement, Store

KINDS = {
    "receive": (Movement.Kind.RECEIVED, STOCK_KEEPERS),
    "issue": (Movement.Kind.ISSUED, STOCK_KEEPERS),
    "use": (Movement.Kind.USED, STOCK_USERS),
}


def _one_town(user, area_code: str) -> str | None:
    """The town the overview shows whole, if it shows one: its warning levels apply to its total."""
    if area_code:
        return area_code if codes.level_of(area_code) == codes.TOWN else None
    top = top_areas(user)
    return top[0].code if len(top) == 1 and top[0].level == codes.TOWN else None


def _as_of(day: dt.date) -> dt.datetime:
    """The figures of a day are those of its end (24:00), or of now for today."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return min(end, timezone.now())


def _day(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


@login_required
def index(request):
    """The stock of the user's areas (or of one area): warnings first."""
    choices = area_choices(request.user)
    area = request.GET.get("area", "")
    area = area if any(area == code for code, _label in choices) else ""
    today = timezone.localdate()
    end = _day(request.GET.get("end"), today)
    start = _day(request.GET.get("start"), end - dt.timedelta(days=figures.RATE_DAYS - 1))
    movements = Movement.objects.visible_to(request.user)
    stores = Store.objects.visible_to(request.user).select_related("area")
    if area:
        movements, stores = movements.within(area), stores.within(area)
    stores = list(stores)
    as_of = _as_of(end)
    lines = figures.area_lines(movements, as_of, town=_one_town(request.user, area))
    per_store = figures.store_lines(stores, as_of)
    pending = (
        SupplyDelivery.objects.visible_to(request.user)
        .filter(kind=SupplyDelivery.Kind.PROTECTIVE, stock_issue__isnull=True)
        .select_related("area")
        .order_by("-delivered_at")
    )
    if area:
        pending = pending.within(area)
    return render(
        request,
        "stock/index.html",
        {
            "lines": lines,
            "warnings": [line for line in lines if line.below_warning],
            "items": [line.item for line in lines],
            "stores": [(s, per_store[s.pk]) for s in stores],
            "used": figures.used_by(movements, start, end),
            "start": start,
            "end": end,
            "pending": list(pending[:20]),
            "area": area,
            "area_choices": choices,
            "may_keep": has_role_anywhere(request.user, *STOCK_KEEPERS),
            "may_use": has_role_anywhere(request.user, *STOCK_USERS),
            "may_edit_items": has_role_anywhere(request.user, *STOCK_ITEM_EDITORS),
            "town": _one_town(request.user, area),
        },
    )


@login_required
def store_detail(request, pk: int):
    """A store's figures and its ledger, newest first (another village's store: 404)."""
    store = get_visible_or_404(
        Store.objects.select_related("area", "team", "checkpoint"), request.user, pk=pk
    )
    day = _day(request.GET.get("end"), timezone.localdate())
    lines = figures.store_lines([store], _as_of(day))[store.pk]
    ledger = store.movements.select_related("item", "other_store", "recorded_by", "delivery")[:200]
    return render(
        request,
        "stock/store.html",
        {
            "store": store,
            "day": day,
            "lines": lines,
            "ledger": ledger,
            "may_keep": has_role(request.user, store.area_id, *STOCK_KEEPERS),
            "may_use": has_role(request.user, store.area_id, *STOCK_USERS),
        },
    )


def _store_choices(user, roles, with_new_areas: bool) -> list[tuple[str, str]]:
    stores = [
        s for s in Store.objects.visible_to(user).select_related("area") if has_role(user, s.area_id, *roles)
    ]
    choices = [(f"s:{s.pk}", s.label) for s in stores]
    if with_new_areas:
        have = {s.area_id for s in stores if s.kind in (Store.Kind.TOWN, Store.Kind.VILLAGE)}
        areas = (
            Area.objects.visible_to(user).filter(level__in=[codes.TOWN, codes.VILLAGE]).exclude(code__in=have)
        )
        choices += [
            (f"a:{a.code}", _("%(area)s store (set up now)") % {"area": a.name})
            for a in areas
            if has_role(user, a.code, *STOCK_KEEPERS)
        ]
    return choices


def _to_choices(user) -> list[tuple[str, str]]:
    choices = [("", "—")]
    choices += [(f"s:{s.pk}", s.label) for s in Store.objects.visible_to(user)]
    teams = Team.objects.visible_to(user).filter(active=True, store__isnull=True).only("pk", "name")
    checkpoints = Checkpoint.objects.visible_to(user).filter(store__isnull=True).only("pk", "name")
    choices += [(f"t:{t.pk}", _("%(team)s (team)") % {"team": t.name}) for t in teams]
    choices += [(f"c:{c.pk}", _("%(checkpoint)s (checkpoint)") % {"checkpoint": c.name}) for c in checkpoints]
    have = set(Store.objects.visible_to(user).values_list("area_id", flat=True))
    areas = Area.objects.visible_to(user).filter(level__in=[codes.TOWN, codes.VILLAGE]).exclude(code__in=have)
    choices += [(f"a:{a.code}", _("%(area)s store (set up now)") % {"area": a.name}) for a in areas]
    return choices


def _item_choices() -> list[tuple[str, str]]:
    return [(str(i.pk), f"{i.name}（{i.unit}）") for i in Item.objects.filter(active=True)]


def _item(value) -> Item:
    item = Item.objects.filter(active=True, pk=int(value) if str(value).isdigit() else 0).first()
    if item is None:
        raise ValidationError({"item": [_("Choose an item.")]})
    return item


@login_required
def move(request, kind: str):
    """One form for stock received, issued or used; each kind asks only its fields."""
    if kind not in KINDS:
        raise Http404
    movement_kind, roles = KINDS[kind]
    if not has_role_anywhere(request.user, *roles):
        raise PermissionDenied
    initial = {"client_key": uuid.uuid4().hex}
    if request.GET.get("store", "").isdigit():
        initial["store"] = f"s:{request.GET['store']}"
    form = MovementForm(request.POST or None, initial=initial)
    form.fields["store"].choices = _store_choices(request.user, roles, with_new_areas=kind == "receive")
    form.fields["item"].choices = _item_choices()
    if kind == "issue":
        form.fields["to"].choices = _to_choices(request.user)
    else:
        del form.fields["to"]
    if kind != "receive":
        del form.fields["party"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            store = services.store_choice(actor=request.user, value=data["store"])
            common = {
                "actor": request.user,
                "store": store,
                "item": _item(data["item"]),
                "quantity": data["quantity"],
                "at": data.get("at"),
                "note": data["note"],
                "client_key": data["client_key"],
            }
            if kind == "receive":
                movement, _created = services.stock_receive(**common, party=data["party"])
            elif kind == "issue":
                to_store = services.store_choice(actor=request.user, value=data["to"])
                movement, _created = services.stock_issue(**common, to_store=to_store)
            else:
                movement, _created = services.stock_use(**common)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(kind)s: %(item)s %(quantity)s %(unit)s.")
                % {
                    "kind": movement.get_kind_display(),
                    "item": movement.item.name,
                    "quantity": f"{movement.quantity.normalize():f}",
                    "unit": movement.item.unit,
                },
            )
            return redirect("stock:store", movement.store_id)
    titles = {"receive": _("Receive stock"), "issue": _("Issue stock"), "use": _("Record stock used")}
    return render(
        request, "stock/move_form.html", {"form": form, "title": titles[kind], "kind": movement_kind}
    )


def _guess_item(delivery: SupplyDelivery) -> Item | None:
    """The item a delivery's description names (医用口罩 → 口罩)."""
    for item in Item.objects.filter(active=True):
        if item.name in delivery.description or delivery.description in item.name:
            return item
    return None


@login_required
def delivery_issue(request, pk: int):
    """A delivery already recorded at a sealed area's gate, counted as an issue from its store."""
    delivery = get_visible_or_404(
        SupplyDelivery.objects.select_related("area", "lockdown"), request.user, pk=pk
    )
    # Read through the delivery the user sees: a village's clerk learns that the town counted it.
    try:
        issued = delivery.stock_issue
    except Movement.DoesNotExist:
        issued = None
    source = services.delivery_source(delivery)
    guess = _guess_item(delivery)
    form = DeliveryIssueForm(
        request.POST or None,
        initial={"client_key": uuid.uuid4().hex, "item": guess.pk if guess else None},
    )
    form.fields["item"].choices = _item_choices()
    if request.method == "POST" and issued is None and form.is_valid():
        data = form.cleaned_data
        try:
            movement, _created = services.delivery_issue(
                actor=request.user,
                delivery=delivery,
                item=_item(data["item"]),
                quantity=data["quantity"],
                client_key=data["client_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Counted as issued from %(store)s.") % {"store": movement.store.label}
            )
            return redirect("stock:store", movement.store_id)
    return render(
        request,
        "stock/delivery.html",
        {
            "delivery": delivery,
            "issued": issued,
            "source": source,
            "form": form,
            "may_count": source is not None and has_role(request.user, source.area_id, *STOCK_KEEPERS),
        },
    )


def _towns(user) -> list[Area]:
    """The towns whose warning levels the user sets."""
    towns = Area.objects.visible_to(user).filter(level=codes.TOWN)
    return [t for t in towns if has_role(user, t, *STOCK_ITEM_EDITORS)]


@login_required
def item_list(request):
    """The items with a town's warning levels: the town's command centre sets the levels; whoever
    reaches every town on the server also edits the items' names and units."""
    towns = _towns(request.user)
    town = next((t for t in towns if t.code == request.GET.get("area", request.POST.get("area"))), None)
    town = town or (towns[0] if towns else None)
    catalogue_editor = services.may_edit_catalogue(request.user)
    items = list(Item.objects.all())
    if request.method == "POST":
        if town is None and not catalogue_editor:
            raise PermissionDenied
        try:
            if catalogue_editor:
                for item in items:
                    services.item_update(
                        actor=request.user,
                        item=item,
                        data={
                            "name": request.POST.get(f"name_{item.pk}", item.name),
                            "unit": request.POST.get(f"unit_{item.pk}", item.unit),
                            "active": request.POST.get(f"active_{item.pk}") == "1",
                        },
                    )
            if town is not None:
                levels = {item: request.POST.get(f"level_{item.pk}", "").strip() for item in items}
                services.town_levels_set(
                    actor=request.user, town=town, levels={i: v for i, v in levels.items() if v}
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('stock:items')}?area={town.code if town else ''}")
    levels = figures.town_levels(town.code) if town else {}
    return render(
        request,
        "stock/items.html",
        {
            "rows": [(item, levels.get(item.pk, item.warning_level)) for item in items],
            "town": town,
            "towns": towns,
            "catalogue_editor": catalogue_editor,
        },
    )
