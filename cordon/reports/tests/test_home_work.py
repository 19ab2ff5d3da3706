"""Each role's home opens on its day's work: the guard's gate one tap away with the shift, the clerk's
round and registers, the village head's passes to approve, the health worker's alerts and tests, the
command centre's dashboard and what waits for the town — each counted through the scope."""

from datetime import timedelta

from django.utils import timezone

from cordon.checkpoints import services_duty
from cordon.lockdowns.models import ExitPass


def test_the_guards_home_is_the_gate_with_the_shift(world, client):
    now = timezone.now()
    services_duty.shift_save(
        actor=world.head,
        checkpoint=world.sjf_gate,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        people=[world.guard],
    )
    client.force_login(world.guard)
    page = client.get("/").content.decode()
    assert 'id="work-guard"' in page and "当前在岗" in page and world.sjf_gate.name in page
    first_button = page.split('id="work-guard"')[1].split('class="button primary" href="')[1].split('"')[0]
    assert first_button == f"/checkpoints/{world.sjf_gate.pk}/gate/"


def test_the_clerk_head_health_and_commander_each_see_their_work(world, client):
    pending = ExitPass.objects.filter(pk=world.exit_pass.pk)
    pending.update(status=ExitPass.Status.PENDING_VILLAGE)
    client.force_login(world.clerk)
    page = client.get("/").content.decode()
    assert 'id="work-clerk"' in page and "/observation/round/" in page and 'id="work-town"' not in page
    client.force_login(world.head)
    page = client.get("/").content.decode()
    head = page.split('id="work-head"')[1].split("</section>")[0]
    assert '<div class="figure">1</div>' in head
    client.force_login(world.health)
    assert 'id="work-health"' in client.get("/").content.decode()
    client.force_login(world.commander)
    page = client.get("/").content.decode()
    assert 'id="work-town"' in page and "/dashboard/" in page
    # A clerk of another village counts none of 四间房村's passes.
    client.force_login(world.other_clerk)
    assert 'id="work-head"' not in client.get("/").content.decode()
