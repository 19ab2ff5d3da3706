"""The reports' part of the test world (called by cordon.core.testing.build_world).

``world.daily_report`` — 四间房村's daily report for 2020-02-20, a draft made by the town's commander
(a day the reports' own tests leave alone).
"""

import datetime as dt

from cordon.reports import services


def extend_world(world) -> None:
    world.daily_report = services.report_generate(
        actor=world.commander, area=world.sjf, day=dt.date(2020, 2, 20)
    )
