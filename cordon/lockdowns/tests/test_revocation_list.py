"""The revocation list a gate's phone keeps: revoked and replaced passes of the sealed areas around the
checkpoint, ids and versions only; a guard of the checkpoint only; another village's gate sees none."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cordon.gate import passes
from cordon.lockdowns import services
from cordon.lockdowns.models import ExitPass


def _approved(world):
    now = timezone.now()
    exit_pass = services.pass_apply(
        actor=world.clerk,
        area=world.grid_gate.area,
        people=[world.grid_person],
        reason="necessity",
        destination="霸州",
        valid_from=now,
        valid_until=now + timedelta(hours=6),
    )
    services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    return services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)


def test_lists_revoked_and_replaced_passes_for_the_gates_of_their_area(world, client):
    reprinted, other = _approved(world), _approved(world)
    services.pass_revoke(actor=world.commander, exit_pass=other, reason="误发")
    ExitPass.objects.filter(pk=reprinted.pk).update(token_version=2)  # a card reprinted
    client.force_login(world.guard)
    answer = client.get(f"/lockdowns/gate/{world.grid_gate.pk}/revoked.json").json()
    assert answer["revoked"] == [other.pk] and answer["versions"] == {str(reprinted.pk): 2}
    assert "generated_at" in answer and "网格" not in str(answer)  # no names
    # 四间房村's own gate stands outside the sealed grid: nothing for it.
    assert passes.revocation_list(actor=world.guard, checkpoint=world.sjf_gate)["revoked"] == []


def test_only_a_guard_of_the_checkpoint_gets_it(world, client):
    with pytest.raises(PermissionDenied):
        passes.revocation_list(actor=world.health, checkpoint=world.grid_gate)
    client.force_login(world.other_clerk)
    assert client.get(f"/lockdowns/gate/{world.grid_gate.pk}/revoked.json").status_code == 404
