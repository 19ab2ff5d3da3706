"""Shared test fixtures: a small world of areas, checkpoints and named actors whose roles are the point.

    河北省 › 廊坊市 › 霸州市 › 堂二里镇 (the town)   › 四间房村 (› 第一网格), 小湾村
                             › 南孟镇 (a neighbour) › 东村

Actors: ``commander`` of 堂二里镇, ``staff`` of its command centre, ``health`` worker, ``head`` and
``clerk`` of 四间房村, ``guard`` at 四间房村, ``other_clerk`` of 小湾村, ``viewer`` of 霸州市, and
``neighbour`` — the commander of 南孟镇, who must see nothing of 堂二里镇.
"""

import copy
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from cordon.accounts import services as account_services
from cordon.accounts.models import Area, Role
from cordon.checkpoints import services as checkpoint_services
from cordon.checkpoints.models import Checkpoint

PASSWORD = "Test-password-2020"  # noqa: S105 — the test accounts' password
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

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


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    """Fast password hashing, and static files without a collected manifest."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
    from cordon.checkpoints import services_passages

    world.passage, _created = services_passages.passage_record(
        actor=world.guard,
        checkpoint=world.sjf_gate,
        data={"direction": "in", "name": "过路人", "decision": "allowed"},
        client_id="world-1",
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
    here, not at the top: those modules import this one."""
    from cordon.enterprises.testing import extend_world as enterprises
    from cordon.forces.testing import extend_world as forces
    from cordon.operations.testing import extend_world as operations
    from cordon.reports.testing import extend_world as reports

    return (forces, operations, enterprises, reports)


class SharedData:
    """Data built once and kept while consecutive tests use it: Django's ``TestCase.setUpTestData``
    over a run of tests instead of one class.

    The data is built inside an outer transaction that is never committed; each test's own transaction
    (pytest-django's ``db``) is then a savepoint within it, rolled back at the test's end, and each test
    gets a deep copy of the Python objects. The outer transaction is rolled back as soon as a test that
    does not use the data needs the database (``pytest_runtest_setup`` below), or another kind of data
    is asked for; tests are ordered so that those using the same data run together (``order_items``).
    """

    def __init__(self):
        self.key = None
        self.value = None
        self._atomic = None
        self._blocker = None

    def get(self, key, build):
        """A copy of the data named ``key``, built by ``build()`` when it is not the data held."""
        if self.key != key:
            self.release()
            with self._blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                self._atomic = atomic
                try:
                    self.value = build()
                except BaseException:
                    self.release()
                    raise
            self.key = key
        return copy.deepcopy(self.value)

    def opened_after(self) -> bool:
        """Whether a transaction was opened after the shared data's (a test's own)."""
        return len(connection.atomic_blocks) > (0 if self._atomic is None else 1)

    def release(self):
        """Roll the data back: the database is as the migrations left it."""
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = self.key = self.value = None


shared = SharedData()


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker):
    """The one ``SharedData`` of this test process, released before the test database is dropped."""
    shared._blocker = django_db_blocker
    yield shared
    shared.release()


def _transactional(item) -> bool:
    """Whether a test's transactions commit (the live server's tests, ``transaction=True``)."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    )


def shared_world(request, key="world", build=build_world):
    """The world for one test: a copy of the one built once (see ``SharedData``), or, for a test whose
    transactions commit (the live server's), one built for it alone and flushed after it."""
    if _transactional(request.node):
        request.getfixturevalue("transactional_db")
        return build()
    data = request.getfixturevalue("shared_data")
    if data.key != key and data.opened_after():
        # The test's own transaction was opened before this fixture (a fixture listed earlier needed
        # the database): the world can only be built inside it, for this test alone.
        return build()
    from django.test import override_settings

    def build_fast():
        # Built before the test's settings fixtures: hash the actors' passwords as the tests do.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            return build()

    world = data.get(key, build_fast)
    request.getfixturevalue("db")
    return world


@pytest.fixture
def world(request):
    return shared_world(request)


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


SHARED = ("world", "seed_town")


def _shared_fixture(item) -> str | None:
    """The fixture of shared data a test uses, if any (and its test's transactions do not commit)."""
    names = getattr(item, "fixturenames", ())
    for name in SHARED:
        if name in names and not _transactional(item):
            return name
    return None


def order_items(items) -> None:
    """Run the tests that use the same shared data together (after pytest-django has put the tests that
    use the database in transactions first), and set that data up before any other fixture of a test,
    so that it is built outside the test's own transaction."""

    def kind(item):
        name = _shared_fixture(item)
        if name is None:
            return (1, "")
        # a conftest may give the world another shape (the forces' own): one kind per definition
        definition = item._fixtureinfo.name2fixturedefs[name][-1]
        return (0, f"{name} {definition.baseid}")

    items.sort(key=kind)
    for item in items:
        name = _shared_fixture(item)
        if name is not None:
            item.fixturenames.remove(name)
            item.fixturenames.insert(0, name)
            if not item.get_closest_marker("django_db"):
                # the shared fixtures ask for ``db`` only once built: say it here, so that the test
                # database is set up even when no other test of the run asks for it
                item.add_marker(pytest.mark.django_db)
        if name == "seed_town":
            # one test process loads the seed town, for all of them (with ``--dist loadgroup``)
            item.add_marker(pytest.mark.xdist_group("seed town"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    order_items(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A test that does not share the data held must not see it, nor run inside its transaction.
    if _shared_fixture(item) is None:
        shared.release()


@pytest.fixture
def login(client):
    """Log ``client`` in as a user (bypassing the login form, which has its own tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client(db):
    """A client that calls the API with a personal access token of the given user."""
    from django.test import Client

    made = iter(range(1, 10_000))

    def _client(user):
        _token, secret = account_services.token_create(actor=user, name=f"test {next(made)}")
        return Client(headers={"authorization": f"Bearer {secret}"})

    return _client


def id_number(first17: str) -> str:
    """A valid resident ID number from its first 17 digits (the check character computed)."""
    from cordon.people.validation import id_check_character

    return first17 + id_check_character(first17)


def area_named(name: str) -> Area:
    return Area.objects.get(name=name)


def form_field_names(html: str) -> list[list[str]]:
    """The names each <form> of a page posts, in order (a checkbox or radio group counted once): a
    name twice in one form is a field whose second copy overwrites the first."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms: list[list[str]] = []
            self.groups: set = set()
            self.open = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.forms.append([])
                self.groups = set()
                self.open = True
            elif self.open and tag in ("input", "select", "textarea") and attrs.get("name"):
                name = attrs["name"]
                if attrs.get("type") in ("checkbox", "radio"):
                    if name in self.groups:
                        return
                    self.groups.add(name)
                if attrs.get("type") in ("submit", "button"):
                    return
                self.forms[-1].append(name)

        def handle_endtag(self, tag):
            if tag == "form":
                self.open = False

    parser = Forms()
    parser.feed(html)
    return parser.forms
