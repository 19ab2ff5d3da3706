"""The towns' status-colour rules: read by everyone of the town, edited by its commander."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cordon.accounts.models import Area
from cordon.accounts.scope import has_role, visible_area
from cordon.colours import rules as colour_rules
from cordon.colours import selectors, services
from cordon.colours.models import ColourRules
from cordon.core import codes


@login_required
def rules_page(request):
    if request.method == "POST":
        try:
            area = visible_area(request.user, request.POST.get("area", ""))
            services.colour_rules_save(
                actor=request.user,
                area=area,
                rules={fact: request.POST.get(fact, "") for fact in colour_rules.FACTS},
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("colours:rules")
    towns = Area.objects.visible_to(request.user).filter(level=codes.TOWN).order_by("code")[:20]
    custom = set(ColourRules.objects.visible_to(request.user).values_list("area_id", flat=True))
    rows = []
    for town in towns:
        rules = selectors.rules_for(town.code)
        rows.append(
            {
                "area": town,
                "custom": town.code in custom,
                "editable": has_role(request.user, town, *services.EDITORS),
                "rows": [(fact, label, rules[fact]) for fact, label in colour_rules.FACTS.items()],
            }
        )
    return render(request, "colours/rules.html", {"towns": rows})
