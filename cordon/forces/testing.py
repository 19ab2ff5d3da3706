"""The forces' part of the test world (cordon.testing calls ``extend_world``).

四间房村: the guard as a militia reserve member with his account, a volunteer without one, a screening
team of the two (the guard leads it), the team sent to the village gate, and a commendation.
小湾村: a party member and a checkpoint crew of their own.
"""

import datetime as dt

from cordon.forces import services, services_assign
from cordon.people.testing import id_number


def extend_world(world) -> None:
    def register(actor, area, name, id17, kind, account=None, phone=""):
        personnel, _created = services.personnel_register(
            actor=actor,
            area=area,
            person_data={"name": name, "document_number": id_number(id17)},
            data={"kind": kind, "unit": "村委会", "phone": phone},
            account=account,
        )
        return personnel

    world.guard_personnel = register(
        world.head, world.sjf, "门岗甲", "13108119850101011", "militia_reserve", world.guard, "13912345678"
    )
    world.volunteer = register(
        world.clerk, world.sjf, "志愿者乙", "13108119900202022", "volunteer", phone="13700001111"
    )
    world.xw_personnel = register(world.other_clerk, world.xw, "党员丙", "13108119800303033", "party_member")
    world.team = services.team_create(
        actor=world.head,
        area=world.sjf,
        data={"name": "四间房村排查一组", "kind": "screening"},
        leader=world.guard_personnel,
        on=dt.date(2020, 2, 1),
    )
    world.membership = services.team_member_add(
        actor=world.clerk,
        team=world.team,
        personnel=world.volunteer,
        role="记录员",
        joined_on=dt.date(2020, 2, 1),
    )
    world.xw_team = services.team_create(
        actor=world.other_clerk, area=world.xw, data={"name": "小湾村卡点值守", "kind": "checkpoint_crew"}
    )
    services.team_member_add(actor=world.other_clerk, team=world.xw_team, personnel=world.xw_personnel)
    world.assignment = services_assign.assignment_create(
        actor=world.head, team=world.team, checkpoint=world.sjf_gate, starts_on=dt.date(2020, 2, 1)
    )
    world.commendation = services_assign.commendation_write(
        actor=world.commander, personnel=world.guard_personnel, kind="commendation", text="连续值守，表现突出"
    )
