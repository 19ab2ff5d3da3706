"""The operations part of the test world: a counsellor, a disinfection task of 四间房村 with its rounds
(the first done), a counselling session with 尹某某, a notice and a rumour of 四间房村."""

from datetime import timedelta

from django.utils import timezone


def extend_world(world) -> None:
    from cordon.accounts import services as account_services
    from cordon.accounts.models import Role
    from cordon.core.testing import PASSWORD
    from cordon.operations import services_counselling, services_disinfection, services_notices

    world.counsellor, _ = account_services.user_create(
        actor=world.operator,
        username="counsellor",
        full_name="心理咨询师",
        area=world.town,
        roles=[(Role.COUNSELLOR, world.town)],
        password=PASSWORD,
    )
    today = timezone.localdate()
    world.disinfection, _created = services_disinfection.task_create(
        actor=world.health,
        area=world.sjf,
        data={
            "kind": "house",
            "target": "四间房村东街1号",
            "agent": "含氯消毒剂",
            "concentration": "500",
            "concentration_unit": "mg/L",
            "method": "spray",
            "area_m2": "120",
            "starts_on": today - timedelta(days=3),
            "every_days": 1,
            "rounds": 7,
        },
        people=[world.yin],
        household=world.yin.household,
    )
    world.disinfection_round, _recorded = services_disinfection.round_record(
        actor=world.health, task=world.disinfection, planned_on=today - timedelta(days=3)
    )
    world.counselling, _created = services_counselling.session_create(
        actor=world.counsellor,
        person=world.yin,
        data={"held_on": today, "mode": "phone", "concerns": "隔离期间焦虑，睡不好"},
    )
    world.notice = services_notices.notice_save(
        actor=world.clerk,
        area=world.sjf,
        data={"title": "勤洗手 戴口罩", "body": "不串门，不聚集。", "channels": ["loudspeaker"]},
    )
    world.rumour = services_notices.rumour_report(
        actor=world.clerk,
        area=world.sjf,
        data={"content": "听说喝白酒能防病毒", "place": "村口小卖部", "reported_by_name": "村民"},
    )
