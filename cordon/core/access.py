"""The access log: who opened a full record of personal data, who exported what."""

from cordon.core.context import current_source
from cordon.core.models import AccessLog


def log_access(
    *,
    actor,
    kind: str,
    target=None,
    target_type: str = "",
    target_label: str = "",
    area,
    detail: dict | None = None,
) -> AccessLog:
    area_code = area if isinstance(area, str) else area.code
    return AccessLog.objects.create(
        actor=actor,
        source=current_source(),
        kind=kind,
        target_type=target._meta.label_lower if target is not None else target_type,
        target_id=str(target.pk) if target is not None else "",
        target_label=(str(target) if target is not None else target_label)[:200],
        area_id=area_code,
        detail=detail or {},
    )
