from datetime import date

import pytest

from cordon.operations import services_disinfection

SCHEDULE = {
    "agent": "含氯消毒剂",
    "concentration": "500",
    "concentration_unit": "mg/L",
    "method": "spray",
    "area_m2": "80",
    "every_days": 1,
}


def fields(exc) -> set[str]:
    """The fields a ValidationError names."""
    return set(exc.value.message_dict) if hasattr(exc.value, "error_dict") else {"__all__"}


@pytest.fixture
def road(world):
    """四间房村's main road, disinfected daily for five days from 2020-02-10."""
    task, _created = services_disinfection.task_create(
        actor=world.commander,
        area=world.sjf,
        data={
            **SCHEDULE,
            "kind": "road",
            "target": "四间房村主街",
            "starts_on": date(2020, 2, 10),
            "rounds": 5,
        },
    )
    return task
