"""The enterprises' part of the test world (called by cordon.testing.build_world).

``world.enterprise`` — a violin workshop of 四间房村, reopened after an application and inspected,
one finding still open (so it is "open with findings"); ``world.application``, ``world.inspection``
and ``world.finding`` are its records. ``world.xw_enterprise`` sits in 小湾村, closed.
"""

from datetime import date

from cordon.enterprises import services, services_inspections
from cordon.enterprises.checklist import KEYS
from cordon.enterprises.validation import uscc_check_character


def uscc(first17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return first17 + uscc_check_character(first17)


def all_yes(**notes) -> dict:
    return {key: {"ok": True, "note": notes.get(key, "")} for key in KEYS}


def enterprise_data(**overrides) -> dict:
    data = {
        "name": "霸州市四间房提琴制作坊",
        "uscc": uscc("92131081MA0A1B2C3"),
        "address": "四间房村东街8号",
        "sector": "manufacturing",
        "employees": 24,
        "from_outside": 5,
        "from_hubei": 1,
        "contact_name": "李某",
        "contact_phone": "13812345678",
        "note": "",
    }
    data.update(overrides)
    return data


def extend_world(world) -> None:
    world.enterprise = services.enterprise_register(actor=world.clerk, area=world.sjf, data=enterprise_data())
    world.application = services.application_submit(
        actor=world.clerk,
        enterprise=world.enterprise,
        planned_on=date(2020, 2, 24),
        prevention_plan="分批返岗，错峰就餐，每日两次测温。",
        answers=all_yes(),
        has_dormitory=True,
        dorm_people_per_room=4,
        dorm_m2_per_person="3.5",
    )
    services.application_decide(
        actor=world.commander, application=world.application, decision="approve", comment="同意复工"
    )
    world.inspection = services_inspections.inspection_record(
        actor=world.staff,
        enterprise=world.enterprise,
        inspected_on=date(2020, 2, 26),
        answers=all_yes(),
        has_dormitory=True,
        dorm_people_per_room=4,
        dorm_m2_per_person="3.5",
        findings=[services_inspections.NewFinding("口罩专用垃圾桶未设置", date(2020, 2, 28))],
    )
    world.finding = world.inspection.findings.get()
    world.enterprise.refresh_from_db()
    world.xw_enterprise = services.enterprise_register(
        actor=world.other_clerk,
        area=world.xw,
        data=enterprise_data(
            name="小湾村钢木家具厂", uscc=uscc("91131081MA0D4E5F6"), address="小湾村北", employees=40
        ),
    )
