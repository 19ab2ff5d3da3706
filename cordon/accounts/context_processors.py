from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cordon.accounts.models import Role
from cordon.accounts.permissions import COMMAND_READERS, RETENTION_SETTERS
from cordon.accounts.scope import has_role_anywhere


def navigation(request):
    """The menu a user sees, by role. Showing a link grants nothing: every page checks again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("home", reverse("home"), _("Home"))]
    if has_role_anywhere(user, *COMMAND_READERS):
        items += [
            ("dashboard", reverse("dashboard:index"), _("Dashboard")),
            ("daily", reverse("reports:daily"), _("Daily report")),
        ]
    items += [
        ("people", reverse("people:search"), _("People")),
        ("ledgers", reverse("people:ledger"), _("Ledgers")),
        ("observation", reverse("observation:triage"), _("Observation")),
    ]
    if has_role_anywhere(user, Role.HEALTH_WORKER, Role.COMMANDER, Role.COMMAND_STAFF):
        items.append(("cases", reverse("cases:list"), _("Cases")))
    items += [
        ("areas", reverse("accounts:area_index"), _("Areas")),
        ("checkpoints", reverse("checkpoints:list"), _("Checkpoints")),
        ("lockdowns", reverse("lockdowns:list"), _("Sealed areas")),
        ("forces", reverse("forces:index"), _("Forces")),
        ("operations", reverse("operations:index"), _("Field operations")),
        ("stock", reverse("stock:index"), _("Stock")),
        ("enterprises", reverse("enterprises:index"), _("Reopening")),
    ]
    items.append(("inbox", reverse("notifications:inbox"), _("Inbox")))
    if has_role_anywhere(user, Role.COMMANDER, Role.COMMAND_STAFF):
        items.append(("outbox", reverse("notifications:outbox"), _("Outbox")))
    if has_role_anywhere(user, Role.COMMANDER):
        items.append(("users", reverse("accounts:user_list"), _("Accounts")))
        items.append(("audit", reverse("audit_log"), _("Audit log")))
        items.append(("colours", reverse("colours:rules"), _("Status colour rules")))
    if has_role_anywhere(user, *RETENTION_SETTERS):
        items.append(("retention", reverse("retention:index"), _("Retention")))
    items.append(("profile", reverse("accounts:profile"), _("Me")))
    current = request.resolver_match.url_name if request.resolver_match else ""
    section = _section_of(request.path)
    return {"nav_items": items, "nav_current": section or current}


def _section_of(path: str) -> str:
    for prefix, section in (
        ("/accounts/areas/", "areas"),
        ("/accounts/users/", "users"),
        ("/accounts/me/", "profile"),
        ("/checkpoints/", "checkpoints"),
        ("/people/ledgers/", "ledgers"),
        ("/people/imports/", "ledgers"),
        ("/people/", "people"),
        ("/observation/", "observation"),
        ("/cases/", "cases"),
        ("/lockdowns/", "lockdowns"),
        ("/operations/", "operations"),
        ("/stock/", "stock"),
        ("/enterprises/", "enterprises"),
        ("/forces/", "forces"),
        ("/dashboard/", "dashboard"),
        ("/reports/", "daily"),
        ("/audit/", "audit"),
        ("/inbox/outbox/", "outbox"),
        ("/inbox/switches/", "outbox"),
        ("/inbox/groups/", "outbox"),
        ("/inbox/", "inbox"),
        ("/colours/", "colours"),
        ("/retention/", "retention"),
    ):
        if path.startswith(prefix):
            return section
    return "home" if path == "/" else ""
