"""The reports' part of the test world (called by cordon.testing.build_world).

``world.daily_report`` — 四间房村's daily report for 2020-02-20, a draft made by the town's commander
(a day the reports' own tests leave alone); the county's reporting deadline (10:00 the next day).

``observed_twice(world)`` — two periods the reports' tests count day by day (made on demand).
"""

import datetime as dt

from cordon.reports import services


def extend_world(world) -> None:
    from cordon.reports.models import ReportingDeadline

    world.daily_report = services.report_generate(
        actor=world.commander, area=world.sjf, day=dt.date(2020, 2, 20)
    )
    # The county's deadline for its towns (the default one, stored: a row outside every village).
    ReportingDeadline.objects.create(area=world.county, set_by=world.operator)


def observed_twice(world):
    """周某 at home from 1 February, completed on its planned end (released at 00:00 of the 15th),
    and the contact in centralised observation from 8 February, closed early on the 12th."""
    from cordon.observation import services as observation

    home = observation.period_open(
        actor=world.other_clerk,
        person=world.zhou,
        reason="arrival",
        exposure_date=dt.date(2020, 2, 1),
        opened_on=dt.date(2020, 2, 1),
        mode="home",
    )
    observation.period_complete(actor=world.health, period=home, completed_on=home.planned_end)
    early = observation.period_open(
        actor=world.health,
        person=world.contact_person,
        reason="manual",
        reason_detail="复查",
        exposure_date=dt.date(2020, 2, 8),
        opened_on=dt.date(2020, 2, 8),
        mode="centralised",
    )
    observation.period_close(
        actor=world.health, period=early, outcome="other", note="转院", ended_on=dt.date(2020, 2, 12)
    )
    return home, early
