from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from cordon.accounts import views_audit
from cordon.checkpoints import views_gate, views_visit
from cordon.core import views as core_views
from cordon.observation import views_self

urlpatterns = [
    path("", include("cordon.reports.urls")),
    path("accounts/", include("cordon.accounts.urls")),
    path("checkpoints/", include("cordon.checkpoints.urls")),
    path("people/", include("cordon.people.urls")),
    # The clerk's round kept for use without a network, as the gate page is (docs/field-pages.md).
    path("observation/field-sw.js", views_gate.field_service_worker, {"pages": "round"}, name="round_sw"),
    path("observation/", include("cordon.observation.urls")),
    path("cases/", include("cordon.cases.urls")),
    path("lockdowns/", include("cordon.lockdowns.urls")),
    path("forces/", include("cordon.forces.urls")),
    path("operations/", include("cordon.operations.urls")),
    path("stock/", include("cordon.stock.urls")),
    path("enterprises/", include("cordon.enterprises.urls")),
    path("reports/", include("cordon.reports.urls_reports")),
    path("dashboard/", include("cordon.reports.urls_dashboard")),
    path("inbox/", include("cordon.notifications.urls")),
    path("colours/", include("cordon.colours.urls")),
    path("federation/", include("cordon.federation.urls")),
    path("handovers/", include("cordon.handovers.urls")),
    path("retention/", include("cordon.retention.urls")),
    # A person's self-report link: no login, the secret in the path is the key.
    path("r/<str:secret>/", views_self.self_report, name="self_report"),
    # A visitor's self-registration at a gate (its QR code): no login, the signed link is the key.
    path("v/<str:token>/", views_visit.visit, name="visit"),
    path("r/<str:secret>/stop/", views_self.self_report_stop, name="self_report_stop"),
    # The SMS gateway's replies to the reminders (signed with the gateway's shared secret).
    path("sms/reply/", views_self.sms_reply, name="sms_reply"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
]

handler400 = "cordon.core.views.bad_request"
handler403 = "cordon.core.views.permission_denied"
handler404 = "cordon.core.views.page_not_found"
handler500 = "cordon.core.views.server_error"
