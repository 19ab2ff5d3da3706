"""The self-report page: a person under observation reports their own temperature through their
personal link, without an account. The link's secret is the only key; a wrong, revoked or expired one
gets the same "this link no longer works" page, which says nothing about whose it was."""

import uuid

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cordon.core.forms import add_service_errors
from cordon.core.privacy import mask_name
from cordon.observation import protocol, services_checks
from cordon.observation.forms import CheckForm


@never_cache
@require_http_methods(["GET", "POST"])
def self_report(request, secret: str):
    link = services_checks.link_for_secret(secret)
    if link is None:
        return render(request, "observation/self_report_gone.html", status=404)
    period = link.period
    rules = period.parsed_rules
    form = CheckForm(request.POST or None, symptoms=rules.symptoms, initial={"client_id": uuid.uuid4().hex})
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services_checks.self_report(
                secret=secret,
                temperature=form.cleaned_data["temperature"],
                symptoms=form.cleaned_data["symptoms"],
                client_id=form.cleaned_data["client_id"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    now = timezone.localtime()
    context = {
        "name": mask_name(period.person.name),
        "period": period,
        "form": form,
        "done": done,
        "fever": done is not None and (rules.is_fever(done.temperature) or bool(done.symptoms)),
        "slot_label": protocol.SLOT_LABELS[protocol.current_slot(now, rules.checks_per_day)],
        "today": now.date(),
        "message": _("Thank you. Your report was received."),
    }
    return render(
        request, "observation/self_report.html", context, status=200 if done or not form.errors else 422
    )
