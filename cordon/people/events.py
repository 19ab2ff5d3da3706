"""What the people registry tells people: an import that finished or failed, to whoever started it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cordon.core import jobs
from cordon.core.models import Job
from cordon.notifications import services as notifications
from cordon.notifications.models import Kind


def import_finished(job: Job) -> None:
    """A real import (not a preview) ended: its starter is told, with the counts or the failure."""
    if job.kind != "people.import" or job.params.get("dry_run"):
        return
    failed = job.status == Job.Status.FAILED
    result = job.result or {}
    notifications.notify(
        kind=Kind.IMPORT_FAILED if failed else Kind.IMPORT_DONE,
        key=f"import:{job.pk}",
        area=job.area_id,
        roles=(),
        users=[job.created_by],
        subject=_("Import failed") if failed else _("Import finished"),
        text=job.message
        if failed
        else _("%(created)s new, %(updated)s updated, %(rejected)s rejected.")
        % {
            "created": result.get("created", 0),
            "updated": result.get("updated", 0),
            "rejected": result.get("rejected", 0),
        },
        link=reverse("people:import_job", args=[job.pk]),
        task=failed,
    )


jobs.FINISHED_HOOKS.append(import_finished)
