"""What each server of the federation test does, run in that server's own process and database:

    python -m cordon.federation.tests.servers setup-county '{"county": …, "towns": [...]}'
    python -m cordon.federation.tests.servers setup-town '{"town": …, "parent_url": …, "neighbours": […]}'
    python -m cordon.federation.tests.servers run-town '{"town": …, "days": [...], "down": […]}'
    python -m cordon.federation.tests.servers setup-other '{"county": …, "town": …, "neighbour": …}'
    python -m cordon.federation.tests.servers handover-send '{"town": …, "to": …, "to_name": …, "dir": …}'
    python -m cordon.federation.tests.servers handover-take '{"files": […], "dir": …}'

The environment names the database (``DATABASE_URL``), the ``var/`` directory and the server's key
(``CORDON_FEDERATION_KEY``). Each command prints one JSON object on its last line.
"""

import datetime as dt
import json
import os
import sys

COUNTY = ("131081000000", "霸州市")
ABOVE = [("130000000000", "河北省"), ("131000000000", "廊坊市"), COUNTY]


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _areas(operator, extra):
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area

    for code, name in [*ABOVE, *extra]:
        if not Area.objects.filter(code=code).exists():
            accounts.area_create(actor=operator, code=code, name=name)


def setup_county(args) -> dict:
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area, Role
    from cordon.federation import services

    operator = accounts.operator_account()
    _areas(operator, [(code, name) for code, name, _key in args["towns"]])
    viewer, _password = accounts.user_create(
        actor=operator,
        username="county_viewer",
        full_name="县查看",
        area=Area.objects.get(code=COUNTY[0]),
        roles=[(Role.VIEWER, Area.objects.get(code=COUNTY[0]))],
        password="Viewer-Secret-2020",
    )
    _token, secret = accounts.token_create(actor=viewer, name="federation test")
    for code, name, key in args["towns"]:
        services.peer_add(
            actor=operator,
            kind="child",
            name=name,
            url="",
            area_code=code,
            public_key=key,
            own_area=COUNTY[0],
        )
    return {"token": secret}


def setup_town(args) -> dict:
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area, Role
    from cordon.federation import services

    operator = accounts.operator_account()
    code, name = args["town"]
    village = code[:9] + "201"
    _areas(operator, [(code, name), (village, name + "一村")])
    accounts.user_create(
        actor=operator,
        username="commander",
        full_name="指挥长",
        area=Area.objects.get(code=code),
        roles=[(Role.COMMANDER, Area.objects.get(code=code))],
        password="Commander-Secret-2020",
    )
    services.peer_add(
        actor=operator,
        kind="parent",
        name=COUNTY[1],
        url=args["parent_url"],
        area_code=COUNTY[0],
        public_key=args["parent_key"],
        own_area=code,
    )
    # Servers beside this one, for hand-overs (another county's, a sibling town's): by USB stick only.
    for other, other_name, other_key in args.get("neighbours") or []:
        services.peer_add(
            actor=operator,
            kind="neighbour",
            name=other_name,
            url="",
            area_code=other,
            public_key=other_key,
            own_area=code,
        )
    return {"town": code}


def setup_other(args) -> dict:
    """Another county's server (固安县) with one town, knowing 堂二里镇's server as a neighbour."""
    from cordon.accounts import services as accounts
    from cordon.accounts.models import Area, Role
    from cordon.federation import services

    operator = accounts.operator_account()
    (county, county_name), (town, town_name) = args["county"], args["town"]
    for code, name in [
        ("130000000000", "河北省"),
        ("131000000000", "廊坊市"),
        (county, county_name),
        (town, town_name),
    ]:
        if not Area.objects.filter(code=code).exists():
            accounts.area_create(actor=operator, code=code, name=name)
    accounts.user_create(
        actor=operator,
        username="commander",
        full_name="指挥长",
        area=Area.objects.get(code=town),
        roles=[(Role.COMMANDER, Area.objects.get(code=town))],
        password="Commander-Secret-2020",
    )
    code, name, key = args["neighbour"]
    services.peer_add(
        actor=operator, kind="neighbour", name=name, url="", area_code=code, public_key=key, own_area=county
    )
    return {"county": county}


def _active_on(town, day):
    """The town's count of people under observation at the end of ``day``."""
    from cordon.accounts.services import operator_account
    from cordon.reports.figures import area_figures, end_of_day, value

    return value(
        area_figures(viewer=operator_account(), area=town, as_of=end_of_day(day)), "observation.active"
    )


def _active(town):
    from django.utils import timezone

    return _active_on(town, timezone.localdate())


def handover_send(args) -> dict:
    """The town hands one person under observation to a town on another server (``to``, ``to_name``);
    the package goes to a directory (a USB stick). With ``answers``: import the receiver's answer
    files instead."""
    from pathlib import Path

    import time_machine
    from django.utils import timezone

    from cordon.accounts.models import Area, User
    from cordon.federation import handovers, receiving, services
    from cordon.federation.models import RemoteHandover
    from cordon.observation import services as observation
    from cordon.observation.models import Period
    from cordon.people import services as people

    commander = User.objects.get(username="commander")
    town = Area.objects.get(code=args["town"])
    if args.get("answers"):
        for name in args["answers"]:
            receiving.take(Path(name).read_bytes(), via="file")
        sent = RemoteHandover.objects.get(direction="out")
        period = Period.objects.get(pk=sent.period_id)
        return {
            "status": sent.status,
            "handed_on": sent.handed_on.isoformat(),
            "period": [period.status, period.outcome, period.actual_end.isoformat()],
            "active": _active(town),
            "active_before": _active_on(town, sent.handed_on - dt.timedelta(days=1)),
        }
    village = Area.objects.get(code=args["town"][:9] + "201")
    today = timezone.localdate()
    # Arrived and observed since three days ago: the sender counted them before the hand-over day.
    arrived = today - dt.timedelta(days=3)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(arrived, dt.time(9))), tick=False):
        person, arrival, _created = people.register(
            actor=commander,
            area=village,
            person_data={
                "name": "移交某",
                "document_type": "mainland_id",
                "document_number": "",
                "phone": "13900000009",
            },
            arrival_data={"origin_text": "湖北省武汉市江汉区", "arrival_date": arrived.isoformat()},
        )
        period = Period.objects.filter(person=person, status="active").first() or observation.period_open(
            actor=commander,
            person=person,
            reason="arrival",
            exposure_date=arrived,
            arrival=arrival,
            mode="home",
        )
    active, yesterday = _active(town), _active_on(town, today - dt.timedelta(days=1))
    to_name = args.get("to_name", "")
    handovers.handover_send(
        actor=commander, person=person, to_code=args["to"], to_name=to_name, note=f"住在{to_name}"
    )
    files = [str(p) for p in services.export_files(Path(args["dir"]))]
    return {
        "files": files,
        "active": active,
        "active_before": yesterday,
        "opened_on": period.opened_on.isoformat(),
        "period": {"planned_end": period.planned_end.isoformat(), "rules": period.rules},
    }


def handover_take(args) -> dict:
    """The receiving server imports the package, its commander accepts, the answer is exported."""
    from pathlib import Path

    from django.utils import timezone

    from cordon.accounts.models import Area, User
    from cordon.federation import handovers, receiving, services
    from cordon.federation.models import RemoteHandover

    town = Area.objects.get(code=args["town"])
    before = _active(town)
    yesterday = _active_on(town, timezone.localdate() - dt.timedelta(days=1))
    taken = [receiving.take(Path(name).read_bytes(), via="file") for name in args["files"]]
    refused = []
    for name in args.get("refused", []):  # a tampered copy: refused, nothing stored
        try:
            receiving.take(Path(name).read_bytes(), via="file")
        except Exception as exc:
            refused.append(" ".join(getattr(exc, "messages", [str(exc)])))
    found = RemoteHandover.objects.get(direction="in")
    commander = User.objects.get(username="commander")
    found = handovers.handover_accept(actor=commander, handover=found)
    files = [str(p) for p in services.export_files(Path(args["dir"]))]
    return {
        "taken": [t["kind"] for t in taken],
        "refused": refused,
        "stored": RemoteHandover.objects.count(),
        "before": before,
        "yesterday_before": yesterday,
        "active": _active(town),
        "period": {"planned_end": found.period.planned_end.isoformat(), "rules": found.period.rules},
        "opened_on": found.period.opened_on.isoformat(),
        "handed_on": found.handed_on.isoformat(),
        "active_before": _active_on(town, found.handed_on - dt.timedelta(days=1)),
        "files": files,
    }


def _name(digits: str) -> str:
    """A name without digits (a name may not have any): 某 and the digits as Chinese numerals."""
    return "某" + "".join("零一二三四五六七八九"[int(d)] for d in digits)


def _register(commander, village, day, n, seed):
    from cordon.people import services as people

    origins = ["湖北省武汉市江汉区", "湖北省孝感市", "北京市朝阳区"]
    for i in range(n):
        people.register(
            actor=commander,
            area=village,
            person_data={
                "name": _name(f"{seed}{day:%m%d}{i}"),
                "document_type": "mainland_id",
                "document_number": "",
            },
            arrival_data={"origin_text": origins[(i + seed) % 3], "arrival_date": day.isoformat()},
        )


def _send(commander, town, day, reason=""):
    from cordon.federation import services as federation
    from cordon.reports import services as reports
    from cordon.reports.models import DailyReport

    latest = DailyReport.objects.filter(area=town, day=day).order_by("-version").first()
    if latest and latest.is_sent:
        draft = reports.report_correct(actor=commander, report=latest, reason=reason)
    else:
        draft = reports.report_generate(actor=commander, area=town, day=day)
    return federation.report_send(actor=commander, report=draft)


def run_town(args) -> dict:
    """Ten days of a town: each day some arrivals, the report sent, the queue pushed. On a day its
    server is ``down`` nothing happens; the next day it registers what it missed and sends both
    days. ``correct``: a day whose report is corrected (a late registration) at the end."""
    from cordon.accounts.models import Area, User
    from cordon.federation import services as federation
    from cordon.federation.models import Outbox

    code = args["town"]
    town = Area.objects.get(code=code)
    village = Area.objects.get(code=code[:9] + "201")
    commander = User.objects.get(username="commander")
    seed = int(code[6:9])
    days = [dt.date.fromisoformat(d) for d in args["days"]]
    down = {dt.date.fromisoformat(d) for d in args.get("down", [])}
    sent, missed, pushes = [], [], []
    for day in days:
        if day in down:
            missed.append(day)
            continue
        for late in [*missed, day]:
            _register(commander, village, late, 1 + (late.day + seed) % 3, seed)
            report = _send(commander, town, late)
            sent.append((late.isoformat(), report.version))
        missed = []
        pushes.append(federation.push_due())
    if args.get("correct"):
        day = dt.date.fromisoformat(args["correct"])
        _register(commander, village, day, 1, seed + 7)
        report = _send(commander, town, day, reason="补录一人")
        sent.append((day.isoformat(), report.version))
        pushes.append(federation.push_due())
    if args.get("keep"):  # a copy of the first package, for the test to tamper with
        with open(args["keep"], "w", encoding="utf-8") as out:
            json.dump(Outbox.objects.order_by("id").first().package, out, ensure_ascii=False)
    from cordon.reports.models import DailyReport

    figures = {
        f"{r.day.isoformat()}/v{r.version}": r.figures["figures"]["sections"]
        for r in DailyReport.objects.filter(area=town, status="sent")
    }
    queued = Outbox.objects.filter(status=Outbox.Status.QUEUED).count()
    return {"sent": sent, "pushes": pushes, "queued": queued, "figures": figures}


COMMANDS = {
    "setup-county": setup_county,
    "setup-town": setup_town,
    "run-town": run_town,
    "setup-other": setup_other,
    "handover-send": handover_send,
    "handover-take": handover_take,
}

if __name__ == "__main__":
    _setup()
    result = COMMANDS[sys.argv[1]](json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
