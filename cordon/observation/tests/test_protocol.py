"""The shipped editions and the date arithmetic they drive: planned ends and test days."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cordon.observation import protocol
from cordon.observation.models import ProtocolEdition

D = date.fromisoformat


def plan(code, reason, exposure, **overrides):
    rules = ProtocolEdition.objects.get(code=code).parsed()
    if overrides:
        rules = rules.merged(overrides)
    return protocol.plan_period(rules, rules.plan_for(reason), D(exposure))


def dates(*values):
    return tuple(D(v) for v in values)


@pytest.mark.django_db
def test_the_seed_editions_are_shipped_with_the_3rd_4th_as_default():
    editions = {e.code: e for e in ProtocolEdition.objects.all()}
    assert list(editions) == ["v3-4", "v5-6", "v7", "v8", "v9", "measures20"]
    assert [e.code for e in editions.values() if e.is_default] == ["v3-4"]
    assert editions["v3-4"].effective_from == D("2020-01-28")
    assert editions["measures20"].effective_from == D("2022-11-11")
    for edition in editions.values():
        edition.parsed()  # every shipped edition is valid rules


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "reason", "exposure", "ends", "tests"),
    [
        # 14 days from the last exposure, ending on the 2020 leap day.
        ("v3-4", "contact", "2020-02-15", ["2020-02-29"], []),
        ("v3-4", "arrival", "2020-01-25", ["2020-02-08"], []),
        ("v5-6", "contact", "2020-01-31", ["2020-02-14"], []),
        ("v7", "contact", "2020-12-25", ["2021-01-08"], []),
        # 14 d centralised (D1, D4, D7, D14) + 7 d home monitoring (D2, D7), across the leap day.
        (
            "v8",
            "contact",
            "2020-02-20",
            ["2020-03-05", "2020-03-12"],
            ["2020-02-21", "2020-02-24", "2020-02-27", "2020-03-05", "2020-03-07", "2020-03-12"],
        ),
        ("v8", "secondary_contact", "2021-05-30", ["2021-06-06"], ["2021-05-31", "2021-06-03", "2021-06-06"]),
        # 7 d centralised (D1, D2, D3, D5, D7) + 3 d home (D3), across a month end.
        (
            "v9",
            "contact",
            "2022-06-28",
            ["2022-07-05", "2022-07-08"],
            ["2022-06-29", "2022-06-30", "2022-07-01", "2022-07-03", "2022-07-05", "2022-07-08"],
        ),
        ("v9", "secondary_contact", "2022-07-30", ["2022-08-06"], ["2022-07-31", "2022-08-03", "2022-08-06"]),
        # 5 d centralised (D1/2/3/5) + 3 d home (D1/3), across a year end.
        (
            "measures20",
            "contact",
            "2022-12-30",
            ["2023-01-04", "2023-01-07"],
            ["2022-12-31", "2023-01-01", "2023-01-02", "2023-01-04", "2023-01-05", "2023-01-07"],
        ),
    ],
)
def test_each_edition_plans_its_end_and_test_days(code, reason, exposure, ends, tests):
    planned = plan(code, reason, exposure)
    assert tuple(s.end for s in planned.stages) == dates(*ends)
    assert planned.end == D(ends[-1])
    assert planned.test_days == dates(*tests)


@pytest.mark.django_db
def test_day_one_convention_ends_a_day_earlier_and_counts_the_exposure_day_as_d1():
    planned = plan("v8", "contact", "2020-02-20", day_zero=False)
    assert [s.end for s in planned.stages] == list(dates("2020-03-04", "2020-03-10"))
    assert planned.test_days == dates(
        "2020-02-20", "2020-02-23", "2020-02-26", "2020-03-04", "2020-03-05", "2020-03-10"
    )
    assert plan("v3-4", "contact", "2020-02-16", day_zero=False).end == D("2020-02-29")


@pytest.mark.django_db
def test_local_values_override_the_edition():
    planned = plan(
        "v3-4", "contact", "2020-02-01", plans={"contact": [{"mode": "home", "days": 21, "tests": []}]}
    )
    assert planned.end == D("2020-02-22") and planned.stages[0].mode == "home"
    rules = ProtocolEdition.objects.get(code="v3-4").parsed().merged({"fever_threshold": "37.2"})
    assert rules.fever_threshold == Decimal("37.2") and rules.is_fever(Decimal("37.2"))
    assert not rules.is_fever(Decimal("37.1"))


def test_editions_that_define_no_plan_for_a_reason_refuse_to_plan():
    rules = protocol.Rules.from_json({"plans": {}})
    with pytest.raises(ValidationError):
        protocol.plan_period(rules, rules.plan_for("secondary_contact"), D("2020-02-01"))


@pytest.mark.parametrize(
    "bad",
    [
        {"fever_threshold": "hot"},
        {"checks_per_day": 3},
        {"plans": {"contact": [{"mode": "boat", "days": 14}]}},
        {"plans": {"contact": [{"mode": "home", "days": 0}]}},
        {"plans": {"contact": [{"mode": "home", "days": 7, "tests": [9]}]}},
        {"plans": {"martian": [{"mode": "home", "days": 7}]}},
        {"lookback_days": -1},
        {"day_zero": "yes"},
        {"symptoms": ["", 3]},
    ],
)
def test_malformed_rules_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError) as caught:
        protocol.Rules.from_json(bad)
    assert caught.value.message_dict


def test_a_shortened_or_extended_plan_moves_its_last_stage():
    rules = protocol.Rules.from_json(
        {
            "plans": {
                "contact": [
                    {"mode": "centralised", "days": 14, "tests": [1, 7, 14]},
                    {"mode": "monitoring", "days": 7, "tests": [2, 7]},
                ]
            }
        }
    )
    planned = protocol.plan_period(rules, rules.plan_for("contact"), D("2021-06-01"))
    longer = planned.with_end(D("2021-06-25"))
    assert longer.end == D("2021-06-25") and len(longer.stages) == 2 and longer.stages[1].days == 10
    shorter = planned.with_end(D("2021-06-10"))
    assert len(shorter.stages) == 1 and shorter.end == D("2021-06-10")
    assert shorter.test_days == dates("2021-06-02", "2021-06-08")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("36.5", "36.5"),
        ("36,5", "36.5"),
        ("３６．５", "36.5"),
        ("34.0", "34.0"),
        ("43.0", "43.0"),
        (" 37.3℃", "37.3"),
    ],
)
def test_temperatures_are_read_with_one_decimal(text, value):
    assert protocol.parse_temperature(text) == Decimal(value)


@pytest.mark.parametrize("text", ["33.9", "43.1", "365", "36.55", "", "abc", "NaN", "Infinity"])
def test_impossible_temperatures_are_refused_with_a_message(text):
    with pytest.raises(ValidationError) as caught:
        protocol.parse_temperature(text)
    assert caught.value.message_dict["temperature"]


def test_check_slots_and_their_deadlines():
    assert protocol.current_slot(datetime(2020, 2, 1, 8), 2) == "am"
    assert protocol.current_slot(datetime(2020, 2, 1, 14), 2) == "pm"
    assert protocol.current_slot(datetime(2020, 2, 1, 20), 1) == "day"
    assert protocol.last_passed_slot(datetime(2020, 3, 1, 9), 2) == (D("2020-02-29"), "pm")
    assert protocol.last_passed_slot(datetime(2020, 3, 1, 12), 2) == (D("2020-03-01"), "am")
    assert protocol.last_passed_slot(datetime(2020, 3, 1, 22, 30), 2) == (D("2020-03-01"), "pm")
    assert protocol.last_passed_slot(datetime(2020, 3, 1, 21), 1) == (D("2020-02-29"), "day")
    owed = list(
        protocol.required_slots(
            first_slot=protocol.slot_key(D("2020-02-28"), "pm"),
            end=D("2020-03-01"),
            until=protocol.slot_key(D("2020-03-05"), "pm"),
            checks_per_day=2,
        )
    )
    assert owed == [(D("2020-02-28"), "pm"), (D("2020-02-29"), "am"), (D("2020-02-29"), "pm")]
