"""The seed town's 62 village checkpoints and the 格达 and 北崔 road inspection stations, and what
passed through 四间房村's gates and the two stations from 1 to 21 February 2020: villagers coming and
going until the village was sealed on the night of 9 February, then only exits with an approved pass
and the listed exceptions (medical, disinfection, police), people turned back at the gates; vehicles
entering 霸州 registered at the stations with the people on board, Hubei vehicles sent back, and three
drivers referred to the fever clinic. The passages are invented in that frame."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cordon.accounts.models import Area, User
from cordon.checkpoints import partitions, services
from cordon.checkpoints.models import Checkpoint, Passage
from cordon.gate.passages import passage_record
from cordon.gate.passes import pass_check
from cordon.lockdowns.models import ExitPass
from cordon.people.models import Person

TZ = ZoneInfo("Asia/Shanghai")


def load_checkpoints(operator, data, log) -> None:
    areas = {a.code: a for a in Area.objects.all()}
    for row in data["checkpoints"]:
        services.checkpoint_create(actor=operator, **{**row, "area": areas[row["area"]]})
    log(f"  checkpoints: {len(data['checkpoints'])}")


# ---------------------------------------------------------------------------------------------------
# Passages, 1–21 February 2020
#
# ``passages.passage_record`` refuses an entry more than seven days old (OFFLINE_LIMIT: a
# phone's offline queue, not a history). So the demo takes each February entry through the same
# checks as of the moment the guard made it (``passages._clean`` with that moment as "now"),
# writes them in bulk and recounts the daily roll-up from them (``passage_counts_rebuild``, written
# for loads like this one). Uses of exit passes are first checked at the gate as of their moment
# (``gate.passes.pass_check``).
# ---------------------------------------------------------------------------------------------------

FIRST_DAY, LAST_DAY = date(2020, 2, 1), date(2020, 2, 21)
VILLAGE = "131081103215"  # 四间房村
SEALED_AT = datetime(2020, 2, 9, 22, 0, tzinfo=TZ)
# 四间房村's gates: people per day before the seal, and the exceptions let in per day after it.
GATES = {
    "四间房村东口卡点": (22, 3),
    "四间房村西口卡点": (12, 1),
    "四间房村南口卡点": (8, 1),
    "四间房村北口卡点": (6, 0),
}
STATIONS = {"格达检查站": 52, "北崔检查站": 40}
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# Where the vehicles entering 霸州 came from: (plate prefix, origin, weight).
ORIGINS = [
    ("冀R", "河北省廊坊市", 40),
    ("冀F", "河北省保定市", 14),
    ("京", "北京市", 16),
    ("津", "天津市", 14),
    ("冀A", "河北省石家庄市", 6),
    ("鲁", "山东省", 4),
    ("豫", "河南省", 3),
    ("鄂", "湖北省", 1),
]
VEHICLES = ["小型轿车", "小型轿车", "小型轿车", "面包车", "货车", "货车", "客车"]
PURPOSES = ["返岗上班", "运送生活物资", "运送防疫物资", "返乡", "就医", "企业复工（持证明）"]
EXCEPTIONS = [("疾控消杀", "堂二里镇疾控消杀队"), ("入户巡诊", "堂二里镇卫生院"), ("执勤", "堂二里派出所")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
GIVEN = ["伟", "芳", "强", "敏", "静", "磊", "军", "洋", "勇", "艳", "建国", "志强", "海燕", "春梅"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _moment(rng, day: date, first: int = 6, last: int = 21) -> datetime:
    return datetime.combine(day, time(rng.randint(first, last), rng.randrange(60)), tzinfo=TZ)


def _normal(rng) -> str:
    return f"36.{rng.randint(1, 8)}"


class _Log:
    """Passages logged through the service as of their moment, each as if the guard's phone sent it
    two minutes later: checked and flagged as they would have been then, and counted by day."""

    def __init__(self):
        self.rows: list[Passage] = []

    def add(self, actor, checkpoint: Checkpoint, at: datetime, data: dict, exit_pass=None):
        passage, _created = passage_record(
            actor=actor,
            checkpoint=checkpoint,
            data={**data, "occurred_at": at, "exit_pass": exit_pass},
            received_at=at + timedelta(minutes=2),
        )
        self.rows.append(passage)


def _days():
    day = FIRST_DAY
    while day <= LAST_DAY:
        yield day
        day += timedelta(days=1)


def _village_gates(log: _Log, guard, rng, residents) -> None:
    gates = Checkpoint.objects.filter(area_id=VILLAGE, name__in=GATES).order_by("name")
    for gate in gates:
        before, exceptions = GATES[gate.name]
        for day in _days():
            for _n in range(rng.randint(before - 3, before + 3)):
                at = _moment(rng, day)
                resident = rng.choice(residents)
                sealed = at >= SEALED_AT
                if sealed:
                    # A resident trying to go out without a pass is turned back (a few a day at most).
                    if rng.random() > 0.08:
                        continue
                    log.add(
                        guard,
                        gate,
                        at,
                        _resident(resident, "out", rng, "turned_back", "封闭管理期间无出入证"),
                    )
                    continue
                log.add(guard, gate, at, _resident(resident, rng.choice(["in", "out"]), rng, "allowed", ""))
            if day < SEALED_AT.date():
                if rng.random() < 0.5:  # someone from outside the village, sent home (出行管控)
                    log.add(guard, gate, _moment(rng, day), _outsider(rng, "走亲访友，非必要不进村"))
                continue
            if day == SEALED_AT.date():
                continue
            for _n in range(exceptions):
                purpose, unit = rng.choice(EXCEPTIONS)
                at, name = _moment(rng, day, 8, 16), _name(rng)
                for direction, later in (("in", 0), ("out", rng.randint(60, 180))):
                    log.add(
                        guard,
                        gate,
                        at + timedelta(minutes=later),
                        {
                            "direction": direction,
                            "name": name,
                            "origin": unit if direction == "in" else "四间房村",
                            "destination": "四间房村" if direction == "in" else unit,
                            "purpose": f"{purpose}（封闭管理准入）",
                            "temperature": _normal(rng),
                            "decision": "allowed",
                        },
                    )
            if rng.random() < 0.6:
                log.add(guard, gate, _moment(rng, day), _outsider(rng, "四间房村封闭管理，一律不得进入"))


def _resident(person, direction: str, rng, decision: str, reason: str) -> dict:
    return {
        "direction": direction,
        "document_number": person.document_number,
        "destination": "堂二里镇" if direction == "out" else "四间房村",
        "temperature": _normal(rng),
        "decision": decision,
        "reason": reason,
    }


def _outsider(rng, reason: str) -> dict:
    return {
        "direction": "in",
        "name": _name(rng),
        "origin": rng.choice(["南孟镇", "堂二里镇小湾村", "霸州市区", "胜芳镇"]),
        "destination": "四间房村",
        "purpose": "探亲",
        "temperature": _normal(rng),
        "decision": "turned_back",
        "reason": reason,
    }


def _pass_uses(log: _Log, guard, rng) -> int:
    """Each approved pass used at the east gate: out after it begins, back before it ends."""
    gate = Checkpoint.objects.get(area_id=VILLAGE, name="四间房村东口卡点")
    used = 0
    passes = ExitPass.objects.filter(area_id=VILLAGE, status=ExitPass.Status.APPROVED).prefetch_related(
        "people"
    )
    for exit_pass in passes.order_by("valid_from"):
        out = exit_pass.valid_from + timedelta(minutes=rng.randint(5, 40))
        back = exit_pass.valid_until - timedelta(minutes=rng.randint(20, 90))
        for direction, at in (("out", out), ("in", back)):
            check = pass_check(actor=guard, checkpoint=gate, short_code=exit_pass.short_code, at=at)
            if check.state != "valid":
                continue
            for person in exit_pass.people.all():
                log.add(
                    guard,
                    gate,
                    at,
                    {
                        "direction": direction,
                        "document_number": person.document_number,
                        "destination": exit_pass.destination if direction == "out" else "四间房村",
                        "purpose": exit_pass.get_reason_display(),
                        "temperature": _normal(rng),
                        "decision": "allowed",
                    },
                    exit_pass=exit_pass,
                )
        used += 1
    return used


def _plate(rng, prefix: str) -> str:
    """Five characters as most plates have them: digits, now and then one letter."""
    if len(prefix) == 1:
        prefix += rng.choice("ABCDEFGH")
    tail = [rng.choice("0123456789") for _ in range(5)]
    if rng.random() < 0.4:
        tail[rng.randrange(5)] = rng.choice(PLATE_LETTERS)
    return prefix + "".join(tail)


def _stations(log: _Log, staff, rng) -> None:
    stations = Checkpoint.objects.filter(name__in=STATIONS).order_by("name")
    weights = [w for _p, _o, w in ORIGINS]
    fevers = {date(2020, 2, 4), date(2020, 2, 12), date(2020, 2, 18)}
    for station in stations:
        for day in _days():
            for n in range(rng.randint(STATIONS[station.name] - 12, STATIONS[station.name] + 12)):
                prefix, origin, _w = rng.choices(ORIGINS, weights)[0]
                data = {
                    "direction": "in",
                    "subject": "vehicle",
                    "plate": _plate(rng, prefix),
                    "vehicle_type": rng.choice(VEHICLES),
                    "passengers": rng.choice([1, 1, 1, 2, 2, 3, 4]),
                    "name": _name(rng),
                    "origin": origin,
                    "destination": "霸州市",
                    "purpose": rng.choice(PURPOSES),
                    "temperature": _normal(rng),
                    "decision": "allowed",
                }
                if n == 0 and day in fevers and station.name == "格达检查站":
                    data.update(
                        temperature=rng.choice(["37.6", "37.9", "38.2"]),
                        decision="referred",
                        reason="体温异常，由120转送霸州市第二医院发热门诊",
                    )
                elif prefix == "鄂":
                    data.update(decision="turned_back", reason="湖北来车，劝返")
                elif rng.random() < 0.03:
                    data.update(decision="turned_back", reason="无法说明来霸事由，劝返")
                log.add(staff, station, _moment(rng, day, 0, 23), data)


def load_passages(operator, data, log) -> None:
    rng = random.Random(20200209)  # noqa: S311 — reproducible demo data, not a secret
    users = {u.username: u for u in User.objects.filter(username__in=["sjf_guard", "zhb"])}
    residents = list(
        Person.objects.within(VILLAGE)
        .filter(placements__isnull=True, case__isnull=True)
        .exclude(note="演练数据")
        .order_by("id")
    )
    entries = _Log()
    _village_gates(entries, users["sjf_guard"], rng, residents)
    used = _pass_uses(entries, users["sjf_guard"], rng)
    _stations(entries, users["zhb"], rng)
    # PostgreSQL: February 2020 has no partition yet; its passages waited in DEFAULT. Made and moved now.
    partitions.passage_months_make()
    turned = sum(p.decision == "turned_back" for p in entries.rows)
    fever = sum(p.fever for p in entries.rows)
    log(
        f"  passages 2020-02-01…21: {len(entries.rows)} at 四间房村's gates and the 格达/北崔 stations "
        f"({turned} turned back, {fever} referred with fever, {used} exit passes used)"
    )
