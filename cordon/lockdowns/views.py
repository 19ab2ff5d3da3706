"""Pages: sealed areas (the commander seals and lifts), exit passes (the clerk applies, the village
head and the town decide, the card is printed), and the guard's check of a card at a gate."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordon.accounts.models import Area
from cordon.accounts.permissions import (
    GUARDS,
    PASS_APPLICANTS,
    PASS_TOWN_DECIDERS,
    PASS_VILLAGE_DECIDERS,
    SEALERS,
    SUPPLY_KEEPERS,
)
from cordon.accounts.scope import get_visible_or_404, has_role, has_role_anywhere, visible_area
from cordon.checkpoints.models import Checkpoint
from cordon.core import codes
from cordon.core.forms import Form, act_and_return, add_service_errors, cleaned_or_raise, to_choose
from cordon.core.privacy import card_name, mask_document, mask_phone
from cordon.core.qr import qr_svg
from cordon.gate import passes
from cordon.lockdowns import services, services_supplies, tokens
from cordon.lockdowns.models import ExitPass, Lockdown, Rotation, SupplyDelivery
from cordon.people.models import Person
from cordon.people.selectors import picked_person
from cordon.people.validation import parse_id_number

DATETIME = {"type": "datetime-local"}


class SealForm(Form):
    area = forms.ChoiceField(label=gettext_lazy("Village, street or grid"))
    exit_reasons = forms.MultipleChoiceField(
        label=gettext_lazy("Reasons to go out"),
        choices=Lockdown.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=Lockdown.Reason.values,
    )
    entry_exceptions = forms.CharField(
        label=gettext_lazy("Who may still come in"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. 医护、物资配送"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class ApplyForm(Form):
    area = forms.ChoiceField(label=gettext_lazy("Village"))
    id_numbers = forms.CharField(
        label=gettext_lazy("ID numbers of those going out"),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "data-person-picker": "",
                "data-pick-url": reverse_lazy("people:pick"),
                "data-msg-search": gettext_lazy("Search: name, pinyin, last digits of the ID number, phone"),
                "data-msg-none": gettext_lazy("Nobody in your areas matches."),
            }
        ),
        help_text=gettext_lazy("One per line, at most 10; or search and pick them above the box."),
    )
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=to_choose(Lockdown.Reason.choices))
    reason_detail = forms.CharField(label=gettext_lazy("Details"), max_length=200, required=False)
    destination = forms.CharField(label=gettext_lazy("Destination"), max_length=100)
    valid_from = forms.DateTimeField(
        label=gettext_lazy("From"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("Until"), widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")
    )
    urgent_medical = forms.BooleanField(label=gettext_lazy("Urgent medical exit"), required=False)


def _village_choices(user, roles) -> list[tuple[str, str]]:
    areas = (
        Area.objects.visible_to(user, roles).filter(level__in=[codes.VILLAGE, codes.GRID]).order_by("code")
    )
    return [(a.code, a.name) for a in areas.only("code", "name")]


@login_required
def lockdown_list(request):
    lockdowns = Lockdown.objects.visible_to(request.user).select_related("area")
    area = request.GET.get("area", "")
    if area:  # the dashboard's "areas sealed" opens this list for its area, seals in force only
        lockdowns = lockdowns.within(area)
    if request.GET.get("sealed") == "1":
        lockdowns = lockdowns.filter(ended_at__isnull=True, starts_at__lte=timezone.now())
    lockdowns = list(lockdowns[:200])
    can_seal = has_role_anywhere(request.user, *SEALERS)
    form = None
    if can_seal:
        form = SealForm(request.POST or None)
        form.fields["area"].choices = to_choose(_village_choices(request.user, SEALERS))
        if request.method == "POST" and form.is_valid():
            try:
                area = visible_area(request.user, form.cleaned_data["area"])
                data = {k: form.cleaned_data[k] for k in ("exit_reasons", "entry_exceptions", "note")}
                services.lockdown_seal(actor=request.user, area=area, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(area)s is sealed.") % {"area": area.name})
                return redirect("lockdowns:list")
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "lockdowns/lockdown_list.html", {"lockdowns": lockdowns, "form": form})


@login_required
@require_POST
def lockdown_lift(request, pk: int):
    lockdown = get_visible_or_404(Lockdown.objects.select_related("area"), request.user, pk=pk)

    def action():
        services.lockdown_lift(actor=request.user, lockdown=lockdown, note=request.POST.get("note", ""))
        return _("The seal on %(area)s is lifted.") % {"area": lockdown.area.name}

    return act_and_return(request, action, reverse("lockdowns:list"))


@login_required
def pass_list(request):
    passes = ExitPass.objects.visible_to(request.user).select_related("area").prefetch_related("people")
    status = request.GET.get("status", "")
    if status in ExitPass.Status.values:
        passes = passes.filter(status=status)
    waiting = [
        p
        for p in passes.filter(status__in=[ExitPass.Status.PENDING_VILLAGE, ExitPass.Status.PENDING_TOWN])[
            :200
        ]
        if _may_decide(request.user, p)
    ]
    return render(
        request,
        "lockdowns/pass_list.html",
        {
            "passes": list(passes[:200]),
            "waiting": waiting,
            "status": status,
            "statuses": ExitPass.Status.choices,
            "can_apply": has_role_anywhere(request.user, *PASS_APPLICANTS),
        },
    )


def _may_decide(user, exit_pass: ExitPass) -> bool:
    if exit_pass.status == ExitPass.Status.PENDING_VILLAGE:
        return has_role(user, exit_pass.area_id, *PASS_VILLAGE_DECIDERS)
    if exit_pass.status == ExitPass.Status.PENDING_TOWN or exit_pass.town_review_pending:
        return has_role(user, exit_pass.area_id, *PASS_TOWN_DECIDERS)
    return False


@login_required
def pass_apply(request):
    if not has_role_anywhere(request.user, *PASS_APPLICANTS):
        raise PermissionDenied
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = ApplyForm(
        request.POST or None, initial={"valid_from": now, "valid_until": now.replace(hour=23, minute=59)}
    )
    form.fields["area"].choices = to_choose(_village_choices(request.user, PASS_APPLICANTS))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = visible_area(request.user, data["area"])
            people = _people(request.user, area, data["id_numbers"])
            exit_pass = services.pass_apply(
                actor=request.user,
                area=area,
                people=people,
                reason=data["reason"],
                reason_detail=data["reason_detail"],
                destination=data["destination"],
                valid_from=_aware(data["valid_from"]),
                valid_until=_aware(data["valid_until"]),
                urgent_medical=data["urgent_medical"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Applied: waiting for the village head."))
            return redirect("lockdowns:pass", exit_pass.pk)
    return render(request, "lockdowns/pass_apply.html", {"form": form})


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _people(user, area: Area, text: str) -> list[Person]:
    """The registered people behind typed ID numbers; each one not found is named."""
    people, missing = [], []
    for line in text.replace("，", "\n").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            picked = picked_person(user, line)  # chosen with the person picker ("#123 尹某某")
        except ValidationError as exc:
            raise ValidationError({"id_numbers": exc.messages}) from None
        if picked is not None:
            people.append(picked)
            continue
        try:
            number = parse_id_number(line, today=timezone.localdate()).number
        except ValidationError as exc:
            raise ValidationError({"id_numbers": [f"{line}：{m}" for m in exc.messages]}) from None
        person = Person.objects.visible_to(user).filter(document_number=number).first()
        if person is None:
            missing.append(mask_document(number))
        else:
            people.append(person)
    if missing:
        raise ValidationError(
            {
                "id_numbers": [
                    _("Not registered in your areas: %(numbers)s.") % {"numbers": "、".join(missing)}
                ]
            }
        )
    return people


def _pass(request, pk: int) -> ExitPass:
    return get_visible_or_404(
        ExitPass.objects.select_related("area", "lockdown", "applied_by"), request.user, pk=pk
    )


@login_required
def pass_detail(request, pk: int):
    exit_pass = _pass(request, pk)
    return render(
        request,
        "lockdowns/pass_detail.html",
        {
            "exit_pass": exit_pass,
            "people": [(p, mask_document(p.document_number)) for p in exit_pass.people.order_by("id")],
            "decisions": list(exit_pass.decisions.select_related("by")),
            "may_decide": _may_decide(request.user, exit_pass) and exit_pass.applied_by_id != request.user.pk,
            "may_revoke": exit_pass.status == ExitPass.Status.APPROVED
            and has_role(request.user, exit_pass.area_id, *PASS_VILLAGE_DECIDERS, *PASS_TOWN_DECIDERS),
        },
    )


@login_required
@require_POST
def pass_decide(request, pk: int):
    exit_pass = _pass(request, pk)

    def action():
        approve = request.POST.get("approve") == "1"
        services.pass_decide(
            actor=request.user, exit_pass=exit_pass, approve=approve, comment=request.POST.get("comment", "")
        )
        return _("Approved.") if approve else _("Rejected.")

    return act_and_return(request, action, reverse("lockdowns:pass", args=[exit_pass.pk]))


@login_required
@require_POST
def pass_revoke(request, pk: int):
    exit_pass = _pass(request, pk)

    def action():
        services.pass_revoke(actor=request.user, exit_pass=exit_pass, reason=request.POST.get("reason", ""))
        return _("The pass is revoked.")

    return act_and_return(request, action, reverse("lockdowns:pass", args=[exit_pass.pk]))


@login_required
def pass_card(request, pk: int):
    """The printable card: the QR code (the signed token), the short code, the identity hints."""
    exit_pass = _pass(request, pk)
    try:
        token = services.pass_token(exit_pass)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("lockdowns:pass", exit_pass.pk)
    # Printed for the holder to carry: the name as documented in core.privacy.card_name.
    hints = [
        f"{card_name(p.name)}{' ·' + p.document_number[-4:] if p.document_number else ''}"
        for p in exit_pass.people.order_by("id")
    ]
    return render(
        request,
        "lockdowns/pass_card.html",
        # The QR code is a link to the check page with the token after "#": a guard whose browser has no
        # camera access (plain HTTP) opens it with the phone's own camera app, and the fragment never
        # reaches a server or its logs. The gate's scanner reads the token out of the link.
        {"exit_pass": exit_pass, "qr": qr_svg(_scan_link(request, token), scale=3), "hints": hints},
    )


def _scan_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("lockdowns:gate_scan")) + "#" + token


@login_required
def gate_scan(request):
    """Where a card's QR code leads: the check page of the guard's gate (the token rides along after
    "#", which the browser keeps through the redirect), or a choice when the guard keeps several."""
    gates = [
        c
        for c in Checkpoint.objects.visible_to(request.user).select_related("area").order_by("name")
        if has_role(request.user, c.area_id, *GUARDS)
    ]
    if len(gates) == 1:
        return redirect("lockdowns:gate_pass", gates[0].pk)
    return render(request, "lockdowns/gate_scan.html", {"gates": gates})


@login_required
def gate_pass(request, pk: int):
    """The guard checks a card: by scanning it (the page verifies the signature itself, offline too) or
    by typing its short code; a valid pass is then used, recorded as a passage of each person on it."""
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, checkpoint.area_id, *GUARDS):
        raise PermissionDenied
    check = None
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        code = request.POST.get("short_code", "").strip()
        if not token and "#CDP1." in code:  # the card's link, typed or pasted by a scanner
            token, code = code.split("#", 1)[1], ""
        check = passes.pass_check(actor=request.user, checkpoint=checkpoint, token=token, short_code=code)
        if request.POST.get("use") and check.state == "valid":
            try:
                passes.pass_use(
                    actor=request.user,
                    checkpoint=checkpoint,
                    exit_pass=check.exit_pass,
                    direction=request.POST.get("direction", "out"),
                    client_id=request.POST.get("client_id", ""),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Recorded as a passage."))
                return redirect("lockdowns:gate_pass", checkpoint.pk)
    return render(
        request,
        "lockdowns/gate_pass.html",
        {
            "checkpoint": checkpoint,
            "check": check,
            "state_label": passes.STATE_LABELS[check.state] if check else "",
            "public_key": tokens.public_jwk(),
            "area_prefix": codes.prefix_of(checkpoint.area_id),
            "labels": {k: str(v) for k, v in passes.STATE_LABELS.items()},
            "client_id": request.POST.get("client_id") or _new_id(),
        },
    )


@login_required
def gate_revoked(request, pk: int):
    """The revocation list of a gate, for its phone to keep (the check page downloads it when online)."""
    checkpoint = get_visible_or_404(Checkpoint.objects.select_related("area"), request.user, pk=pk)
    if not has_role(request.user, checkpoint.area_id, *GUARDS):
        raise PermissionDenied
    response = JsonResponse(passes.revocation_list(actor=request.user, checkpoint=checkpoint))
    response["Cache-Control"] = "no-store"
    return response


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex


class SupplyForm(Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=to_choose(SupplyDelivery.Kind.choices))
    description = forms.CharField(label=gettext_lazy("What"), max_length=100)
    quantity = forms.DecimalField(
        label=gettext_lazy("Quantity"), min_value=0, max_digits=10, decimal_places=2
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit"), max_length=10, help_text=gettext_lazy("e.g. 斤, 箱, 盒")
    )
    supplier = forms.CharField(label=gettext_lazy("From"), max_length=100)
    received_by = forms.CharField(label=gettext_lazy("Received by"), max_length=40)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class RotationForm(Form):
    every_days = forms.IntegerField(
        label=gettext_lazy("Every how many days"), min_value=1, max_value=14, initial=3
    )
    people_per_trip = forms.IntegerField(
        label=gettext_lazy("People per household per trip"), min_value=1, max_value=5, initial=1
    )
    starts_on = forms.DateField(label=gettext_lazy("Day 1"), widget=forms.DateInput(attrs={"type": "date"}))


def _lockdown(request, pk: int) -> Lockdown:
    return get_visible_or_404(Lockdown.objects.select_related("area"), request.user, pk=pk)


@login_required
def lockdown_detail(request, pk: int):
    """A sealed area: its supplies at the gate and its purchase rotation with the day's list."""
    lockdown = _lockdown(request, pk)
    day = _day(request)
    rotation = Rotation.objects.visible_to(request.user).filter(lockdown=lockdown).first()
    can_keep = has_role(request.user, lockdown.area_id, *SUPPLY_KEEPERS)
    sizes = {}
    if rotation is not None:
        for member in rotation.members.all():
            sizes[member.batch] = sizes.get(member.batch, 0) + 1
    return render(
        request,
        "lockdowns/lockdown_detail.html",
        {
            "lockdown": lockdown,
            "deliveries": list(lockdown.deliveries.all()[:100]),
            "rotation": rotation,
            "day": day,
            "batch": rotation.batch_on(day) if rotation else None,
            "today_list": [
                (m.household.address, mask_phone(m.household.contact_phone))
                for m in (services_supplies.households_on(rotation, day) if rotation else [])
            ],
            "sizes": sorted(sizes.items()),
            "waiting": services_supplies.households_waiting(rotation) if rotation else 0,
            "can_keep": can_keep and lockdown.ended_at is None,
            "supply_form": SupplyForm(),
            "rotation_form": RotationForm(initial={"starts_on": timezone.localdate()}),
        },
    )


def _day(request):
    from datetime import date

    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_POST
def supply_record(request, pk: int):
    lockdown = _lockdown(request, pk)

    def action():
        data = cleaned_or_raise(SupplyForm(request.POST))
        delivery = services_supplies.supply_record(actor=request.user, lockdown=lockdown, data=data)
        return _("Delivery recorded: %(what)s.") % {"what": delivery}

    return act_and_return(request, action, reverse("lockdowns:detail", args=[lockdown.pk]) + "#supplies")


@login_required
@require_POST
def rotation_create(request, pk: int):
    lockdown = _lockdown(request, pk)

    def action():
        data = cleaned_or_raise(RotationForm(request.POST))
        rotation = services_supplies.rotation_create(actor=request.user, lockdown=lockdown, **data)
        return _("%(n)s households in %(k)s batches.") % {
            "n": rotation.members.count(),
            "k": rotation.every_days,
        }

    return act_and_return(request, action, reverse("lockdowns:detail", args=[lockdown.pk]) + "#rotation")


@login_required
@require_POST
def rotation_rebalance(request, pk: int):
    lockdown = _lockdown(request, pk)
    rotation = get_visible_or_404(Rotation.objects, request.user, lockdown=lockdown)

    def action():
        keep = request.POST.get("keep_existing") != "0"
        changed = services_supplies.rotation_rebalance(
            actor=request.user, rotation=rotation, keep_existing=keep
        )
        return _("%(n)s households joined or changed batch.") % {"n": changed}

    return act_and_return(request, action, reverse("lockdowns:detail", args=[lockdown.pk]) + "#rotation")
