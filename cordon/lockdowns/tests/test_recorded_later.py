"""A pass applied for, decided on and used earlier, recorded later (``applied_at``, ``decided_at``,
``pass_check(at=…)``, as the demo's February 2020 does): every rule holds as of that moment."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cordon.gate import passes
from cordon.lockdowns import services


@pytest.fixture
def sealed_a_week_ago(world):
    return services.lockdown_seal(
        actor=world.commander, area=world.sjf, starts_at=timezone.now() - timedelta(days=7)
    )


def apply_at(world, moment, **values):
    return services.pass_apply(
        actor=world.clerk,
        area=world.sjf,
        people=[world.yin],
        reason="illness",
        destination="霸州市医院",
        valid_from=values.pop("valid_from", moment + timedelta(minutes=30)),
        valid_until=values.pop("valid_until", moment + timedelta(hours=8)),
        applied_at=moment,
        **values,
    )


def test_a_pass_applied_and_decided_days_ago_keeps_its_times(world, sealed_a_week_ago):
    moment = timezone.now() - timedelta(days=5)
    exit_pass = apply_at(world, moment)
    assert exit_pass.created_at == moment
    exit_pass = services.pass_decide(
        actor=world.head, exit_pass=exit_pass, approve=True, decided_at=moment + timedelta(minutes=10)
    )
    exit_pass = services.pass_decide(
        actor=world.commander, exit_pass=exit_pass, approve=True, decided_at=moment + timedelta(minutes=20)
    )
    assert exit_pass.status == "approved"
    assert [d.at for d in exit_pass.decisions.all()] == [
        moment + timedelta(minutes=10),
        moment + timedelta(minutes=20),
    ]
    gate = world.sjf_gate
    inside = moment + timedelta(hours=1)
    assert (
        passes.pass_check(
            actor=world.guard, checkpoint=gate, short_code=exit_pass.short_code, at=inside
        ).state
        == "valid"
    )
    assert (
        passes.pass_check(actor=world.guard, checkpoint=gate, short_code=exit_pass.short_code).state
        == "expired"
    )


def test_refuses_an_application_before_the_seal_or_in_the_future(world, sealed_a_week_ago):
    with pytest.raises(ValidationError) as before_the_seal:
        apply_at(world, timezone.now() - timedelta(days=8))
    assert "area" in before_the_seal.value.message_dict  # not sealed then: no pass was needed
    with pytest.raises(ValidationError) as future:
        apply_at(world, timezone.now() + timedelta(hours=1))
    assert "applied_at" in future.value.message_dict


def test_refuses_a_window_already_over_when_applied(world, sealed_a_week_ago):
    moment = timezone.now() - timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        apply_at(
            world, moment, valid_from=moment - timedelta(hours=5), valid_until=moment - timedelta(hours=1)
        )
    assert "valid_until" in refused.value.message_dict


def test_refuses_a_decision_before_the_application(world, sealed_a_week_ago):
    moment = timezone.now() - timedelta(days=2)
    exit_pass = apply_at(world, moment)
    with pytest.raises(ValidationError) as refused:
        services.pass_decide(
            actor=world.head, exit_pass=exit_pass, approve=True, decided_at=moment - timedelta(minutes=1)
        )
    assert "decided_at" in refused.value.message_dict
    exit_pass.refresh_from_db()
    assert exit_pass.status == "pending_village" and not exit_pass.decisions.exists()
