"""What each server of the federation test does, run in that server's own process and database:

    python -m cordon.federation.tests.servers setup-county '{"county": …, "towns": [...]}'
    python -m cordon.federation.tests.servers setup-town '{"town": …, "parent_url": …, "parent_key": …}'
    python -m cordon.federation.tests.servers run-town '{"town": …, "days": [...], "down": […]}'

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
    return {"town": code}


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


COMMANDS = {"setup-county": setup_county, "setup-town": setup_town, "run-town": run_town}

if __name__ == "__main__":
    _setup()
    result = COMMANDS[sys.argv[1]](json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False))
