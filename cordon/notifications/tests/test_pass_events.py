"""Exit passes tell the next decider, the town about urgent exits, and the applicant the decision;
each decider's task closes with the decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cordon.lockdowns import services
from cordon.notifications import selectors
from cordon.notifications.models import Channel, Kind, Message


@pytest.fixture
def sealed(world):
    return services.lockdown_seal(actor=world.commander, area=world.sjf)


def apply(world, **values):
    now = timezone.now()
    return services.pass_apply(
        actor=world.clerk,
        area=world.sjf,
        people=[world.yin],
        reason=values.pop("reason", "necessity"),
        destination="霸州市区超市",
        valid_from=now - timedelta(minutes=5),
        valid_until=now + timedelta(hours=4),
        **values,
    )


def keys(user):
    return {t.key for t in selectors.todo_rows(user, limit=500)}


def inbox(user, kind):
    return selectors.inbox_for(user).filter(kind=kind, channel=Channel.INBOX)


def test_pass_waits_for_the_village_head_then_the_town_and_tells_the_applicant(world, sealed):
    exit_pass = apply(world)
    village_key, town_key = f"pass_waiting:{exit_pass.pk}:village", f"pass_waiting:{exit_pass.pk}:town"
    assert village_key in keys(world.head)
    assert village_key not in keys(world.commander) and village_key not in keys(world.other_clerk)
    assert inbox(world.head, Kind.PASS_WAITING).get(key=village_key).subject == "出门证待审批：尹某某"
    services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    assert village_key not in keys(world.head)
    assert town_key in keys(world.commander)
    services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=True)
    assert town_key not in keys(world.commander)
    decided = inbox(world.clerk, Kind.PASS_DECIDED).get(key__startswith=f"pass_decided:{exit_pass.pk}:")
    assert "已批准" in decided.subject and decided.link == f"/lockdowns/passes/{exit_pass.pk}/"
    assert not inbox(world.neighbour, Kind.PASS_WAITING).exists()


def test_urgent_exit_goes_to_the_town_for_review_at_any_hour(world, sealed):
    exit_pass = apply(world, reason="illness", urgent_medical=True)
    services.pass_decide(actor=world.head, exit_pass=exit_pass, approve=True)
    key = f"urgent_exit:{exit_pass.pk}"
    assert key in keys(world.commander)
    message = inbox(world.commander, Kind.URGENT_EXIT).get(key=key)
    assert message.urgent
    services.pass_decide(actor=world.commander, exit_pass=exit_pass, approve=False, comment="非急症")
    assert key not in keys(world.commander)
    assert Message.objects.filter(key=f"pass_decided:{exit_pass.pk}:revoked", recipient=world.clerk).exists()


def test_applicant_who_is_the_village_head_is_not_asked_to_decide(world, sealed):
    now = timezone.now()
    exit_pass = services.pass_apply(
        actor=world.head,
        area=world.sjf,
        people=[world.yin],
        reason="necessity",
        destination="霸州",
        valid_from=now,
        valid_until=now + timedelta(hours=1),
    )
    assert not inbox(world.head, Kind.PASS_WAITING).filter(key__contains=str(exit_pass.pk)).exists()
