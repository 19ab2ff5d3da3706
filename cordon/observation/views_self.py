"""The self-report page: a person under observation reports their own temperature through their
personal link, without an account. The link's secret is the only key; a wrong, revoked or expired one
gets the same "this link no longer works" page, which says nothing about whose it was."""

import hashlib
import hmac
import json
import time
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cordon.core.forms import add_service_errors
from cordon.core.privacy import mask_name
from cordon.observation import protocol, reminders, services_checks
from cordon.observation.forms import CheckForm
from cordon.observation.models import SelfReminder


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
        "reminder_link": link.for_reminder,
        "secret": secret,
    }
    return render(
        request, "observation/self_report.html", context, status=200 if done or not form.errors else 422
    )


@never_cache
@require_http_methods(["GET", "POST"])
def self_report_stop(request, secret: str):
    """The reminder SMS's person stops their reminders (a button, so a link preview cannot do it)."""
    link = services_checks.link_for_secret(secret)
    if link is None:
        return render(request, "observation/self_report_gone.html", status=404)
    stopped = False
    if request.method == "POST":
        reminders.reminder_opt_out(period=link.period, via=SelfReminder.Via.LINK)
        stopped = True
    return render(request, "observation/self_report_stop.html", {"secret": secret, "stopped": stopped})


@csrf_exempt
@require_POST
def sms_reply(request):
    """The SMS gateway posts a reply to a reminder here: ``{"phone": …, "text": …}``, signed as Cordon
    signs what it sends (HMAC-SHA256 with ``CORDON_SMS_SECRET`` over the timestamp and the body, in the
    configured header, the timestamp in ``X-Timestamp``). A stop word (TD, 退订…) stops that phone's
    reminders. Without a secret configured, nothing is taken."""
    config = settings.CORDON_SMS
    secret = config.get("secret", "")
    timestamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get(config.get("sign_header", "X-Signature"), "")
    expected = hmac.new(secret.encode(), timestamp.encode() + request.body, hashlib.sha256).hexdigest()
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 600
    if not secret or not fresh or not hmac.compare_digest(signature, expected):
        return JsonResponse({"code": "FORBIDDEN"}, status=403)
    try:
        data = json.loads(request.body)
        phone, text = str(data.get("phone", "")), str(data.get("text", ""))
    except (ValueError, AttributeError):
        return JsonResponse({"code": "BAD_REQUEST"}, status=400)
    stopped = reminders.opt_out_by_reply(phone=phone, text=text)
    return JsonResponse({"code": "OK", "stopped": stopped})
