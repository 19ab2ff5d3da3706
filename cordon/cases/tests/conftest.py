from datetime import date

import pytest

from cordon.cases import services
from cordon.observation.tests.conftest import clock, local, someone  # noqa: F401 — shared fixtures
from cordon.people.testing import id_number


@pytest.fixture
def newcomer(world):
    """Details of a new person of 四间房村, numbered from ``n``, for ``contact_add``."""
    made = iter(range(500, 999))

    def make(name="接触者", area=None, **extra):
        return {
            "name": name,
            "document_number": id_number(f"13108119850101{next(made):03d}"),
            "area": area or world.sjf,
            **extra,
        }

    return make


@pytest.fixture
def case23(world, clock):  # noqa: F811 — the clock fixture imported above
    """廊坊市第23例: 尹某某 of 四间房村, confirmed on 9 February 2020, a contact of case 20 (who lived
    outside the town and is known here by number only)."""
    clock(2020, 2, 9, 20)
    case20 = services.external_case(
        actor=world.health, area=world.town, authority="廊坊市", number="20", note="霸州市区"
    )
    services.contact_add(
        actor=world.health,
        case=case20,
        people=[{"person": world.yin}],
        setting="meal",
        first_exposure=date(2020, 1, 30),
        last_exposure=date(2020, 2, 3),
    )
    return services.case_register(
        actor=world.health,
        person=world.yin,
        classification="confirmed",
        classified_on=date(2020, 2, 9),
        data={
            "authority": "廊坊市",
            "number": "23",
            "onset_date": date(2020, 2, 7),
            "isolated_on": date(2020, 2, 9),
        },
    )
