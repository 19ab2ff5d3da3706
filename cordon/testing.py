"""The test world, above every app: a small world of areas, checkpoints and named actors whose roles
are the point.

    河北省 › 廊坊市 › 霸州市 › 堂二里镇 (the town)   › 四间房村 (› 第一网格), 小湾村
                             › 南孟镇 (a neighbour) › 东村

Actors: ``commander`` of 堂二里镇, ``staff`` of its command centre, ``health`` worker, ``head`` and
``clerk`` of 四间房村, ``guard`` at 四间房村, ``other_clerk`` of 小湾村, ``viewer`` of 霸州市, and
``neighbour`` — the commander of 南孟镇, who must see nothing of 堂二里镇.
"""

from types import SimpleNamespace

import pytest

from cordon.accounts import services as account_services
from cordon.accounts.models import Area, Role
from cordon.checkpoints import services as checkpoint_services
from cordon.checkpoints.models import Checkpoint
from cordon.core.testing import PASSWORD, shared_world
from cordon.people.testing import id_number

AREAS = [
    ("130000000000", "河北省"),
    ("131000000000", "廊坊市"),
    ("131081000000", "霸州市"),
    ("131081103000", "堂二里镇"),
    ("131081103215", "四间房村"),
    ("131081103215001", "四间房村第一网格"),
    ("131081103216", "小湾村"),
    ("131081104000", "南孟镇"),
    ("131081104201", "东村"),
]


def restore_migration_data() -> None:
    """Put back what data migrations add (the ledger categories) after a transactional test's flush,
    by running the migration's own function: one source for the defaults."""
    import importlib

    from django.apps import apps

    from cordon.observation.models import ProtocolEdition
    from cordon.people.models import RiskCategory

    if not RiskCategory.objects.exists():
        importlib.import_module("cordon.people.migrations.0002_default_categories").create(apps, None)
    if not ProtocolEdition.objects.exists():
        importlib.import_module("cordon.observation.migrations.0002_shipped_editions").create(apps, None)
    from cordon.stock.models import Item

    if not Item.objects.exists():
        importlib.import_module("cordon.stock.migrations.0002_seed_items").seed(apps, None)


def build_world(extensions=None):
    """The world, built through the services. ``extensions`` are the field apps' ``extend_world``
    functions to run at the end (all of them when None)."""
    from cordon.accounts.services import operator_account

    operator = operator_account()
    restore_migration_data()
    areas = {}
    for code, name in AREAS:
        areas[code] = account_services.area_create(actor=operator, code=code, name=name)
    town, sjf, grid, xw = (
        areas[c] for c in ("131081103000", "131081103215", "131081103215001", "131081103216")
    )
    neighbour_town, east = areas["131081104000"], areas["131081104201"]

    def user(username, area, role, role_area=None):
        created, _ = account_services.user_create(
            actor=operator,
            username=username,
            full_name=f"{username}的姓名",
            area=area,
            roles=[(role, role_area or area)],
            password=PASSWORD,
        )
        return created

    world = SimpleNamespace(
        operator=operator,
        areas=areas,
        town=town,
        sjf=sjf,
        grid=grid,
        xw=xw,
        neighbour_town=neighbour_town,
        east=east,
        county=areas["131081000000"],
        commander=user("commander", town, Role.COMMANDER),
        staff=user("staff", town, Role.COMMAND_STAFF),
        health=user("health", town, Role.HEALTH_WORKER),
        head=user("head", sjf, Role.VILLAGE_HEAD),
        clerk=user("clerk", sjf, Role.VILLAGE_CLERK),
        guard=user("guard", sjf, Role.CHECKPOINT_GUARD),
        other_clerk=user("other_clerk", xw, Role.VILLAGE_CLERK),
        viewer=user("viewer", areas["131081000000"], Role.VIEWER),
        neighbour=user("neighbour", neighbour_town, Role.COMMANDER),
    )

    def checkpoint(area, name, **kw):
        return checkpoint_services.checkpoint_create(actor=operator, area=area, name=name, **kw)

    world.sjf_gate = checkpoint(sjf, "四间房村东口卡点")
    world.grid_gate = checkpoint(grid, "第一网格卡点", status=Checkpoint.Status.OPEN)
    world.xw_gate = checkpoint(xw, "小湾村东口卡点")
    world.station = checkpoint(town, "格达检查站", kind=Checkpoint.Kind.INSPECTION_STATION)
    world.east_gate = checkpoint(east, "东村卡点", status=Checkpoint.Status.CLOSED)

    # People: one in each of 四间房村, 小湾村 and 东村, each with an arrival; a household in two of them.
    from cordon.people import services as people_services
    from cordon.people import services_ledger

    def person(actor, area, name, id17, origin, day="2020-01-25", **extra):
        registered, _arrival, _created = people_services.register(
            actor=actor,
            area=area,
            person_data={
                "name": name,
                "document_type": "mainland_id",
                "document_number": id_number(id17),
                "phone": extra.pop("phone", ""),
                "address": extra.pop("address", ""),
            },
            arrival_data={"origin_text": origin, "arrival_date": day, **extra},
        )
        return registered

    world.yin = person(
        world.clerk,
        sjf,
        "尹某某",
        "13108119800312001",
        "湖北省武汉市江汉区",
        phone="13812345678",
        address="四间房村东街1号",
    )
    world.zhou = person(world.other_clerk, xw, "周某", "13108119900101002", "北京市朝阳区", day="2020-02-01")
    world.east_person = person(world.neighbour, east, "东某", "13108119750505003", "湖北省孝感市")
    people_services.household_assign(actor=world.clerk, person=world.yin, address="四间房村东街1号")
    people_services.household_assign(actor=world.neighbour, person=world.east_person, address="东村1号")
    services_ledger.header_mapping_save(actor=world.commander, area=sjf, mapping={"返霸日期": "arrival_date"})
    services_ledger.header_mapping_save(
        actor=world.neighbour, area=east, mapping={"返霸日期": "arrival_date"}
    )

    # Observation in 四间房村 and in 东村: a period each (planned in 2020), checks, an alert, a test, a link,
    # and 南孟镇's own rules.
    import datetime as dt

    from cordon.observation import services as observation
    from cordon.observation import services_checks as checks
    from cordon.observation import services_protocol
    from cordon.observation.models import ProtocolEdition

    services_protocol.protocol_choice_save(
        actor=world.neighbour,
        area=neighbour_town,
        edition=ProtocolEdition.objects.get(code="v3-4"),
        overrides={"fever_threshold": "37.2"},
    )
    for actor, someone in ((world.clerk, world.yin), (world.neighbour, world.east_person)):
        arrival = someone.arrivals.get()
        period = observation.period_open(
            actor=actor,
            person=someone,
            reason="arrival",
            exposure_date=arrival.arrival_date,
            opened_on=arrival.arrival_date,
            arrival=arrival,
        )
        checks.check_record(
            actor=actor, period=period, temperature="36.5", day=dt.date(2020, 1, 26), slot="am"
        )
        checks.check_record(
            actor=actor, period=period, temperature="38.1", day=dt.date(2020, 1, 26), slot="pm"
        )
        checks.lab_test_record(
            actor=actor, period=period, sample_date=dt.date(2020, 1, 27), result="negative"
        )
        observation.link_create(actor=actor, period=period)
    world.yin_period = world.yin.observation_periods.get()
    # 尹某某's own SMS reminders, set by the clerk (the scope tests need a row).
    from cordon.observation import reminders

    world.yin_reminder = reminders.reminder_set(actor=world.clerk, period=world.yin_period, enabled=True)
    world.east_period = world.east_person.observation_periods.get()

    # A case of 四间房村 with a general contact (not observed, so the observation lists stay as they are),
    # placed at the town's quarantine site.
    from cordon.cases import services as cases
    from cordon.cases import services_quarantine

    world.case_person, _created = people_services.person_save(
        actor=world.health,
        area=sjf,
        data={"name": "甲病例", "document_number": id_number("13108119700101004")},
    )
    world.contact_person, _created = people_services.person_save(
        actor=world.health,
        area=sjf,
        data={"name": "乙接触", "document_number": id_number("13108119700101005")},
    )
    world.case = cases.case_register(
        actor=world.health,
        person=world.case_person,
        classification="confirmed",
        classified_on=dt.date(2020, 2, 9),
        data={"authority": "廊坊市", "number": "99", "onset_date": dt.date(2020, 2, 7)},
    )
    (world.contact,) = cases.contact_add(
        actor=world.health,
        case=world.case,
        people=[{"person": world.contact_person}],
        setting="household",
        degree="general",
        last_exposure=dt.date(2020, 2, 8),
    )
    world.site = services_quarantine.site_save(
        actor=world.health, area=town, data={"name": "镇集中隔离点", "capacity": 40}
    )
    world.placement = services_quarantine.placement_create(
        actor=world.health,
        person=world.contact_person,
        site=world.site,
        placed_on=dt.date.today(),
        contact=world.contact,
    )

    # A shift at 四间房村's gate (three days ago: today's roster starts empty).
    from django.utils import timezone

    from cordon.checkpoints import services_duty

    now = timezone.now()
    world.shift = services_duty.shift_save(
        actor=world.head,
        checkpoint=world.sjf_gate,
        starts_at=now - dt.timedelta(days=3, hours=8),
        ends_at=now - dt.timedelta(days=3),
        people=[world.guard],
    )

    # A passage at 四间房村's gate.
    from cordon.gate import passages

    world.passage, _created = passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data={"direction": "in", "name": "过路人", "decision": "allowed"},
        client_id="world-1",
    )
    # A visitor's self-registration waiting at that gate (扫码登记).
    from cordon.checkpoints import services_visit

    world.self_registration = services_visit.visit_register(
        checkpoint=world.sjf_gate,
        data={
            "name": "访客",
            "document_number": id_number("11010519850307002"),
            "phone": "13900000000",
            "origin": "霸州市区",
            "purpose": "探亲",
        },
        device="world",
    )

    # 四间房村's first grid sealed, with an approved exit pass for one of its residents.
    from django.utils import timezone

    from cordon.lockdowns import services as lockdowns

    world.grid_person, _created = people_services.person_save(
        actor=world.clerk,
        area=grid,
        data={"name": "网格居民", "document_number": id_number("13108119700101006")},
    )
    world.lockdown = lockdowns.lockdown_seal(actor=world.commander, area=grid)
    world.exit_pass = lockdowns.pass_apply(
        actor=world.clerk,
        area=grid,
        people=[world.grid_person],
        reason="necessity",
        destination="霸州市区",
        valid_from=timezone.now(),
        valid_until=timezone.now() + dt.timedelta(hours=6),
    )
    lockdowns.pass_decide(actor=world.head, exit_pass=world.exit_pass, approve=True)
    world.exit_pass = lockdowns.pass_decide(actor=world.commander, exit_pass=world.exit_pass, approve=True)
    from cordon.lockdowns import services_supplies

    people_services.household_assign(
        actor=world.clerk, person=world.grid_person, address="四间房村第一网格1号"
    )
    world.rotation = services_supplies.rotation_create(actor=world.clerk, lockdown=world.lockdown)
    world.delivery = services_supplies.supply_record(
        actor=world.clerk,
        lockdown=world.lockdown,
        data={
            "kind": "grain",
            "description": "大米",
            "quantity": "20",
            "unit": "袋",
            "supplier": "供销社",
            "received_by": "网格员",
        },
    )

    # A job and an access-log entry in each town, so scope tests see rows on both sides.
    from cordon.core import jobs
    from cordon.core.access import log_access

    jobs.HANDLERS.setdefault("test.noop", lambda job: {})

    for actor, area in ((world.commander, sjf), (world.neighbour, east)):
        jobs.enqueue(kind="test.noop", area=area, actor=actor, params={})
        log_access(actor=actor, kind="export", target_type="test", target_label="test", area=area)

    # The field apps add their own records (and actors) to the world, each in its own testing module.
    for extend in _world_extensions() if extensions is None else extensions:
        extend(world)
    return world


def _world_extensions():
    """Each field app's ``extend_world``, forces first (operations' teams come from it). Imported
    here, when the world is built: the field apps' modules load only then."""
    from cordon.colours.testing import extend_world as colours
    from cordon.enterprises.testing import extend_world as enterprises
    from cordon.forces.testing import extend_world as forces
    from cordon.handovers.testing import extend_world as handovers
    from cordon.operations.testing import extend_world as operations
    from cordon.reports.testing import extend_world as reports
    from cordon.retention.testing import extend_world as retention
    from cordon.stock.testing import extend_world as stock

    return (forces, operations, enterprises, reports, colours, retention, handovers, stock)


@pytest.fixture
def world(request):
    return shared_world(request, key="world", build=build_world)


def build_seed_town():
    """The seed town as ``cordon demo`` loads it into an empty database, with what the command printed
    and its exit status (the command's own test reads them)."""
    import contextlib
    import io

    from cordon.cli import main

    printed = io.StringIO()
    restore_migration_data()
    with contextlib.redirect_stdout(printed):
        status = main(["demo"])
    return SimpleNamespace(status=status, printed=printed.getvalue())


@pytest.fixture
def seed_town(request):
    """堂二里镇 as the demo loads it — loaded once for every test that asks (it takes half a minute)."""
    return shared_world(request, key="seed town", build=build_seed_town)


@pytest.fixture
def api_client(db):
    """A client that calls the API with a personal access token of the given user, through the
    middleware the server runs for a token call (config/handlers.py)."""
    from django.test import Client

    from config.handlers import test_client_handler

    made = iter(range(1, 10_000))

    def _client(user):
        _token, secret = account_services.token_create(actor=user, name=f"test {next(made)}")
        client = Client(headers={"authorization": f"Bearer {secret}"})
        client.handler = test_client_handler()
        return client

    return _client


def area_named(name: str) -> Area:
    return Area.objects.get(name=name)
