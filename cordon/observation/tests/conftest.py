from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cordon.observation import services
from cordon.people import services as people_services
from cordon.people.testing import id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """Move the clock to a local (Asia/Shanghai) time: ``clock(2020, 2, 3, 20)``; later calls move it on."""
    travels = []

    def move(*args):
        if travels:
            travels.pop().stop()
        travel = time_machine.travel(local(*args), tick=False)
        travel.start()
        travels.append(travel)

    yield move
    for travel in travels:
        travel.stop()


@pytest.fixture
def someone(world):
    """A new person of 四间房村 (registered with an arrival from outside the province, which the rules do
    not observe), numbered from ``n``."""

    made = iter(range(100, 999))

    def make(name="测试人", area=None, origin="北京市朝阳区", day="2020-01-20"):
        n = next(made)
        person, _arrival, _created = people_services.register(
            actor=world.clerk if area is None else world.other_clerk,
            area=area or world.sjf,
            person_data={"name": name, "document_number": id_number(f"13108119900101{n:03d}")},
            arrival_data={"origin_text": origin, "arrival_date": day},
        )
        return person

    return make


@pytest.fixture
def observed(world, someone):
    """Someone of 四间房村 under observation from ``exposure`` (opened that day unless said)."""

    def make(exposure=date(2020, 2, 1), reason="contact", opened_on=None, actor=None, **kwargs):
        person = kwargs.pop("person", None) or someone()
        return services.period_open(
            actor=actor or world.clerk,
            person=person,
            reason=reason,
            exposure_date=exposure,
            opened_on=opened_on or exposure,
            **kwargs,
        )

    return make
