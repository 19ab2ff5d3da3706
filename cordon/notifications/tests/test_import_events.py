"""An import that ended tells whoever started it (a ledger or a lab list); a failure stays on their
to-do list, a preview tells nobody."""

from django.utils import timezone

from cordon.core import jobs
from cordon.core.models import Job
from cordon.notifications import selectors
from cordon.notifications.models import Kind
from cordon.observation.jobs import LAB_JOB


def ended(world, kind, status, dry_run=False, **fields):
    job = jobs.enqueue(kind=kind, area=world.sjf, actor=world.clerk, params={"dry_run": dry_run})
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
    job.refresh_from_db()
    for hook in jobs.FINISHED_HOOKS:
        hook(job)
    return job


def test_import_done_tells_its_starter_only_and_opens_no_task(world):
    job = ended(world, "people.import", Job.Status.DONE, result={"created": 3, "updated": 1, "rejected": 2})
    mine = selectors.inbox_for(world.clerk).get(key=f"import:{job.pk}")
    assert mine.kind == Kind.IMPORT_DONE and "3" in mine.body
    assert not selectors.inbox_for(world.head).filter(key=f"import:{job.pk}").exists()
    assert not [t for t in selectors.todo_rows(world.clerk) if t.key == f"import:{job.pk}"]


def test_import_failed_stays_on_the_starters_list_and_a_preview_tells_nobody(world):
    job = ended(world, "people.import", Job.Status.FAILED, message="文件无法读取")
    assert selectors.inbox_for(world.clerk).get(key=f"import:{job.pk}").kind == Kind.IMPORT_FAILED
    assert [t for t in selectors.todo_rows(world.clerk) if t.key == f"import:{job.pk}"]
    preview = ended(world, "people.import", Job.Status.DONE, dry_run=True)
    assert not selectors.inbox_for(world.clerk).filter(key=f"import:{preview.pk}").exists()
    lab = ended(world, LAB_JOB, Job.Status.FAILED, message="x")
    assert selectors.inbox_for(world.clerk).get(key=f"import:{lab.pk}").kind == Kind.IMPORT_FAILED
