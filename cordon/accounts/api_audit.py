"""/api/v1/audit/: the audit trail, for commanders, within their areas."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from cordon.accounts.models import Role
from cordon.accounts.scope import has_role_anywhere
from cordon.accounts.selectors import audit_entries
from cordon.core.pagination import Pages

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str
    source: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    area: str | None
    changes: dict
    reason: str

    @staticmethod
    def resolve_actor(entry):
        return entry.actor_label

    @staticmethod
    def resolve_area(entry):
        return entry.area_id


@router.get("/", response=list[AuditEntryOut], summary="Audit entries (commanders only)")
@paginate(Pages, page_size=100)
def audit_list(request, target_type: str = "", target_id: str = "", action: str = ""):
    if not has_role_anywhere(request.user, Role.COMMANDER):
        raise PermissionDenied(_("Only the commander reads the audit log."))
    entries = audit_entries(request.user)
    if target_type:
        entries = entries.filter(target_type=target_type[:60])
    if target_id:
        entries = entries.filter(target_id=target_id[:40])
    if action:
        entries = entries.filter(action__startswith=action[:60])
    return entries
