"""A county's report: its towns side by side and its own figures, counted in one pass of grouped
queries. Each town's column is exactly that town's own report; the county's figures are exactly its
own too — rows at the county's own level included, a person on duty in two towns counted once."""

import datetime as dt

import pytest
from django.utils import timezone

from cordon.accounts import services as accounts
from cordon.cases import services as cases
from cordon.checkpoints import services as checkpoints
from cordon.checkpoints.models import Checkpoint, DutyShift
from cordon.lockdowns import services as lockdowns
from cordon.people import services as people
from cordon.reports import figures as figs
from cordon.reports import services
from cordon.reports.figures import area_figures, end_of_day, value


@pytest.fixture
def county_world(world):
    """The world's two towns with records in each: 南孟镇 gets a sealed village, a suspected case and
    a shift whose guard also stood at 四间房村's gate today; the county a road station of its own."""
    now = timezone.now()
    lockdowns.lockdown_seal(actor=world.neighbour, area=world.east)
    person, _created = people.person_save(
        actor=world.neighbour, area=world.east, data={"name": "东疑似", "document_number": ""}
    )
    cases.case_register(actor=world.operator, person=person, classification="suspected")
    for gate in (world.sjf_gate, world.east_gate):
        shift = DutyShift.objects.create(
            checkpoint=gate,
            area_id=gate.area_id,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=1),
            created_by=world.operator,
        )
        shift.people.add(world.guard)
    checkpoints.checkpoint_create(
        actor=world.operator, area=world.county, name="霸州市检查站", kind=Checkpoint.Kind.INSPECTION_STATION
    )
    return world


def _moments():
    return [timezone.now(), end_of_day(timezone.localdate() - dt.timedelta(days=1))]


@pytest.mark.parametrize("moment", [0, 1], ids=["now", "yesterday"])
def test_each_towns_column_is_that_towns_own_figures_and_the_county_its_own(county_world, moment):
    world = county_world
    as_of = _moments()[moment]
    day = timezone.localtime(as_of - dt.timedelta(microseconds=1)).date()
    figures, columns = services.compute(viewer=world.viewer, area=world.county, day=day, as_of=as_of)

    assert [c["area"]["code"] for c in columns] == [world.town.code, world.neighbour_town.code]
    for column, town in zip(columns, (world.town, world.neighbour_town), strict=True):
        assert column == area_figures(viewer=world.viewer, area=town, as_of=as_of)
    assert figures == area_figures(viewer=world.viewer, area=world.county, as_of=as_of)


def test_the_county_counts_its_own_rows_and_each_person_once(county_world):
    world = county_world
    figures, columns = services.compute(
        viewer=world.viewer, area=world.county, day=timezone.localdate(), as_of=timezone.now()
    )
    town, neighbour = columns
    # The guard stood at a gate in each town: one person on duty in each, one in the county.
    assert value(town, "checkpoints.staff_on_duty") == value(neighbour, "checkpoints.staff_on_duty") == 1
    assert value(figures, "checkpoints.staff_on_duty") == 1
    # The county's own road station is in no town's column.
    assert value(figures, "checkpoints.stations") == value(town, "checkpoints.stations") + 1
    assert value(neighbour, "cases.suspected") == 1 and value(town, "cases.suspected") == 0
    assert value(figures, "cases.confirmed") == value(town, "cases.confirmed") == 1
    sealed = [area["code"] for area in figures["sealed_areas"]]
    assert sealed == [world.grid.code, world.east.code]
    assert [a["code"] for a in neighbour["sealed_areas"]] == [world.east.code]


def test_a_countys_report_takes_the_same_queries_however_many_towns(county_world, django_assert_num_queries):
    world = county_world
    day, as_of = timezone.localdate(), timezone.now()
    services.compute(viewer=world.viewer, area=world.county, day=day, as_of=as_of)  # roles read once
    with django_assert_num_queries(figs.QUERIES_WITH_PARTS + 1):  # and the county's towns
        services.compute(viewer=world.viewer, area=world.county, day=day, as_of=as_of)
    accounts.area_create(actor=world.operator, code="131081105000", name="胜芳镇")
    with django_assert_num_queries(figs.QUERIES_WITH_PARTS + 1):
        _figures, columns = services.compute(viewer=world.viewer, area=world.county, day=day, as_of=as_of)
    assert len(columns) == 3
