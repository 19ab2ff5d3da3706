"""Sealing a village, exit passes through two levels of approval, and checking a card at the gate."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.gate import passages, passes
from cordon.lockdowns import services, tokens
from cordon.lockdowns.models import ExitPass


@pytest.fixture
def sealed(world):
    return services.lockdown_seal(actor=world.commander, area=world.sjf, entry_exceptions="医护、物资配送")


def apply(world, actor=None, people=None, **values):
    now = timezone.now()
    return services.pass_apply(
        actor=actor or world.clerk,
        area=world.sjf,
        people=people or [world.yin],
        reason=values.pop("reason", "necessity"),
        destination=values.pop("destination", "霸州市区超市"),
        valid_from=values.pop("valid_from", now - timedelta(minutes=5)),
        valid_until=values.pop("valid_until", now + timedelta(hours=4)),
        **values,
    )


def approved(world):
    exit_pass = apply(world)
    services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    return services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True, comment="同意")


def test_only_the_commander_seals_and_a_village_is_sealed_once(world, sealed):
    with pytest.raises(PermissionDenied):
        services.lockdown_seal(actor=world.head, area=world.xw)
    with pytest.raises(ValidationError, match="已处于封闭管理"):
        services.lockdown_seal(actor=world.commander, area=world.sjf)
    assert services.active_lockdown(world.grid.code) == sealed  # its grid is inside the seal
    assert services.active_lockdown(world.xw.code) is None


def test_a_pass_needs_the_village_head_then_the_town(world, sealed):
    exit_pass = apply(world)
    assert exit_pass.status == "pending_village" and len(exit_pass.short_code) == 8
    with pytest.raises(PermissionDenied):
        services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)
    exit_pass = services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    assert exit_pass.status == "pending_town"
    with pytest.raises(PermissionDenied):
        services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    exit_pass = services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)
    assert exit_pass.status == "approved"
    assert [(d.level, d.by.username) for d in exit_pass.decisions.all()] == [
        ("village", "head"),
        ("town", "commander"),
    ]
    with pytest.raises(ValidationError, match="已"):
        services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)


def test_a_village_head_cannot_approve_their_own_application(world, sealed):
    exit_pass = apply(world, actor=world.head)
    with pytest.raises(ValidationError, match="您申请的"):
        services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)


def test_an_urgent_medical_exit_is_valid_on_the_village_head_and_reviewed_by_the_town(world, sealed):
    exit_pass = apply(world, reason="illness", urgent_medical=True)
    exit_pass = services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    assert exit_pass.status == "approved" and exit_pass.town_review_pending
    with pytest.raises(ValidationError):
        services.pass_decide(
            actor=world.commander, exit_pass=exit_pass, approve=False
        )  # a rejection says why
    exit_pass = services.pass_decide(
        actor=world.commander, exit_pass=exit_pass, approve=False, comment="非急症"
    )
    assert exit_pass.status == "revoked" and not exit_pass.town_review_pending


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reason": "fun"}, "reason"),
        ({"valid_until": timezone.now() + timedelta(days=9)}, "valid_until"),
        ({"destination": ""}, "destination"),
        ({"reason": "necessity", "urgent_medical": True}, "urgent_medical"),
    ],
)
def test_bad_applications_are_refused(world, sealed, values, field):
    with pytest.raises(ValidationError) as refused:
        apply(world, **values)
    assert field in refused.value.message_dict and not ExitPass.objects.exists()


def test_refuses_a_person_outside_the_village_and_an_unsealed_village(world, sealed):
    with pytest.raises(ValidationError, match="周某"):
        apply(world, people=[world.yin, world.zhou])
    with pytest.raises(ValidationError, match="未封闭"):
        services.pass_apply(
            actor=world.other_clerk, area=world.xw, people=[world.zhou], reason="necessity", destination="x",
            valid_from=timezone.now(), valid_until=timezone.now() + timedelta(hours=1),
        )  # fmt: skip


def test_the_card_checks_at_the_villages_gate_and_nowhere_else(world, sealed):
    exit_pass = approved(world)
    token = services.pass_token(exit_pass)
    check = passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token=token)
    assert check.state == "valid" and check.hints == ("尹** ·0011",)
    assert (
        passes.pass_check(
            actor=world.guard, checkpoint=world.grid_gate, short_code=exit_pass.short_code.lower()
        ).state
        == "valid"
    )
    assert (
        passes.pass_check(actor=world.commander, checkpoint=world.xw_gate, token=token).state
        == "wrong_checkpoint"
    )
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token=token).state == "expired"
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        assert (
            passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token=token).state
            == "not_yet_valid"
        )
    assert (
        passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, short_code="NOSUCH22").state
        == "unknown"
    )


def test_a_forged_altered_or_revoked_card_does_not_check(world, sealed):
    exit_pass = approved(world)
    token = services.pass_token(exit_pass)
    prefix, body, signature = token.split(".")
    altered = tokens._b64(tokens._unb64(body).replace(b'"p":', b'"p":1'))
    assert (
        passes.pass_check(
            actor=world.guard, checkpoint=world.sjf_gate, token=f"{prefix}.{altered}.{signature}"
        ).state
        == "invalid"
    )
    assert (
        passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token=token[:-4] + "AAAA").state
        == "invalid"
    )
    assert (
        passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token="not a token").state
        == "invalid"
    )
    services.pass_revoke(actor=world.head, exit_pass=exit_pass, reason="已返回")
    assert passes.pass_check(actor=world.guard, checkpoint=world.sjf_gate, token=token).state == "revoked"


def test_using_a_pass_records_a_passage_without_the_sealed_flag(world, sealed):
    flags = passages.gate_check(
        actor=world.guard, checkpoint=world.sjf_gate, document_number=world.yin.document_number
    ).flags
    assert "sealed_no_pass" in flags
    exit_pass = approved(world)
    passage = passes.pass_use(
        actor=world.guard, checkpoint=world.sjf_gate, exit_pass=exit_pass, direction="out", client_id="u1"
    )
    assert (
        passage.exit_pass == exit_pass
        and passage.person == world.yin
        and "sealed_no_pass" not in passage.flags
    )
    again = passes.pass_use(
        actor=world.guard, checkpoint=world.sjf_gate, exit_pass=exit_pass, direction="out", client_id="u1"
    )
    assert again.pk == passage.pk
