"""The seed town's forces (February 2020): 46 screening teams (排查小组), a crew for each of the 62 village
checkpoints, disinfection teams, and more than 1,000 party members, activists, militia reserve,
volunteers and cadres.

Every name and ID number here is INVENTED (plausible, valid per GB 11643 — the check character from
the people app — but belonging to nobody); each person's note says so.
"""

import datetime as dt
import random

from cordon.accounts.models import Area, User
from cordon.checkpoints.models import Checkpoint
from cordon.forces import services, services_assign
from cordon.forces.models import Personnel, Team
from cordon.people.validation import id_check_character

INVENTED = "演示数据（虚构人员）"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "建国军华明丽敏静强磊洋艳勇杰娟涛超秀英霞平刚桂兰玉梅红文辉鹏飞海燕志宏春生秋云凤兰芳庆林峰波雪莉俊杰振兴德才永福新民保国树成爱民学东金山"  # noqa: E501
# (kind, share of a village's personnel)
KINDS = [
    (Personnel.Kind.PARTY_MEMBER, 0.34),
    (Personnel.Kind.ACTIVIST, 0.12),
    (Personnel.Kind.MILITIA_RESERVE, 0.16),
    (Personnel.Kind.VOLUNTEER, 0.30),
    (Personnel.Kind.CADRE, 0.08),
]
UNITS = {
    Personnel.Kind.PARTY_MEMBER: "村党支部",
    Personnel.Kind.ACTIVIST: "村党支部",
    Personnel.Kind.MILITIA_RESERVE: "镇武装部民兵连",
    Personnel.Kind.VOLUNTEER: "村志愿服务队",
    Personnel.Kind.CADRE: "村委会",
}
SKILLS = ["", "", "驾驶", "电工", "医护", "会计", "喊话广播", "消杀", "体温测量", "登记造册"]
AVAILABILITY = ["full_time"] * 6 + ["daytime"] * 2 + ["night", "on_call"]
PER_VILLAGE = 37
# Villages with a second screening team (the larger ones): 28 villages + 18 = 46 teams.
SECOND_TEAM = 18
FEB1 = dt.date(2020, 2, 1)


def _names(rng: random.Random):
    while True:
        yield rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_numbers(rng: random.Random):
    """Invented mainland ID numbers of 霸州 (131081), born 1958–2000, each sequence used once."""
    sequence = 100
    while True:
        sequence += 1
        born = dt.date(1958, 1, 1) + dt.timedelta(days=rng.randrange(0, 42 * 365))
        first17 = f"131081{born:%Y%m%d}{sequence % 1000:03d}"
        yield first17 + id_check_character(first17)
        if sequence % 1000 == 999:
            sequence += 1  # skip 000


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}"


def load(operator, data, log) -> None:
    rng = random.Random(20200221)  # noqa: S311 — invented names, repeatable; nothing secret
    names, numbers = _names(rng), _id_numbers(rng)
    town = Area.objects.get(code="131081103000")
    villages = list(Area.objects.filter(code__startswith="131081103", level="village").order_by("code"))
    personnel_by_village: dict[str, list[Personnel]] = {}
    for village in villages:
        rows = []
        for kind, share in KINDS:
            for _i in range(max(1, round(PER_VILLAGE * share))):
                rows.append(
                    {
                        "person": {"name": next(names), "document_number": next(numbers)},
                        "data": {
                            "kind": kind,
                            "unit": f"{village.name}{UNITS[kind]}"
                            if kind != Personnel.Kind.MILITIA_RESERVE
                            else UNITS[kind],
                            "phone": _phone(rng),
                            "skills": rng.choice(SKILLS),
                            "availability": rng.choice(AVAILABILITY),
                            "note": INVENTED,
                        },
                    }
                )
        personnel_by_village[village.code] = services.personnel_register_many(
            actor=operator, area=village, rows=rows
        )
    town_cadres = services.personnel_register_many(
        actor=operator,
        area=town,
        rows=[
            {
                "person": {"name": next(names), "document_number": next(numbers)},
                "data": {"kind": kind, "unit": unit, "phone": _phone(rng), "note": INVENTED},
            }
            for kind, unit in [(Personnel.Kind.CADRE, "镇政府")] * 14
            + [(Personnel.Kind.MEDICAL, "镇卫生院")] * 6
            + [(Personnel.Kind.POLICE, "堂二里派出所")] * 4
        ],
    )
    _accounts(operator, rng, names, numbers, personnel_by_village, town_cadres)
    teams = _teams(operator, villages, town, personnel_by_village, town_cadres)
    total = Personnel.objects.count()
    log(f"  forces: {total} personnel, {teams} teams")


def _accounts(operator, rng, names, numbers, personnel_by_village, town_cadres) -> None:
    """The demo accounts that serve in the field are members of the forces too."""
    accounts = {
        u.username: u for u in User.objects.filter(username__in=["sjf_guard", "xiaosha", "sjf_clerk"])
    }
    places = {
        "sjf_guard": ("131081103215", "militia_reserve"),
        "sjf_clerk": ("131081103215", "cadre"),
        "xiaosha": ("131081103000", "volunteer"),
    }
    for username, account in accounts.items():
        code, kind = places[username]
        personnel, _created = services.personnel_register(
            actor=operator,
            area=Area.objects.get(code=code),
            person_data={"name": account.full_name, "document_number": next(numbers)},
            data={
                "kind": kind,
                "unit": "镇消杀队" if username == "xiaosha" else "四间房村",
                "phone": _phone(rng),
                "note": INVENTED,
            },
            account=account,
        )
        (town_cadres if code == "131081103000" else personnel_by_village[code]).insert(0, personnel)


def _team(operator, area, name, kind, members, roles=()):
    team = services.team_create(
        actor=operator,
        area=area,
        data={"name": name, "kind": kind, "note": INVENTED},
        leader=members[0],
        on=FEB1,
    )
    for i, member in enumerate(members[1:], start=1):
        services.team_member_add(
            actor=operator,
            team=team,
            personnel=member,
            role=roles[i] if i < len(roles) else "",
            joined_on=FEB1,
        )
    return team


def _teams(operator, villages, town, personnel_by_village, town_cadres) -> int:
    checkpoints = list(
        Checkpoint.objects.filter(kind=Checkpoint.Kind.VILLAGE_GATE).order_by("area_id", "name")
    )
    made = 0
    big = {v.code for v in sorted(villages, key=lambda v: v.code)[:SECOND_TEAM]}
    for village in villages:
        people = personnel_by_village[village.code]
        screening = 2 if village.code in big else 1
        for n in range(screening):
            members = people[n * 5 : n * 5 + 5]
            _team(
                operator,
                village,
                f"{village.name}排查{'一二'[n]}组",
                Team.Kind.SCREENING,
                members,
                ("组长", "登记员"),
            )
            made += 1
        crew_pool = people[10:]
        for k, checkpoint in enumerate(c for c in checkpoints if c.area_id == village.code):
            members = crew_pool[k * 4 : k * 4 + 4]
            team = _team(
                operator, village, f"{checkpoint.name}值守组", Team.Kind.CHECKPOINT_CREW, members, ("组长",)
            )
            services_assign.assignment_create(
                actor=operator,
                team=team,
                checkpoint=checkpoint,
                starts_on=dt.date(2020, 1, 27),
                note="24小时轮班值守",
            )
            made += 1
    # The town's disinfection teams: one for the sealed 四间房村, three for the rest of the town.
    militia = [
        p for code, ps in personnel_by_village.items() for p in ps if p.kind == Personnel.Kind.MILITIA_RESERVE
    ]
    leaders = town_cadres[:4]  # the field team account (赵强) first
    for i, name in enumerate(["镇消杀一队（四间房村）", "镇消杀二队", "镇消杀三队", "镇消杀四队"]):
        members = [leaders[i], *militia[i * 5 : i * 5 + 5]]
        team = _team(operator, town, name, Team.Kind.DISINFECTION, members, ("队长",))
        if i == 0:
            services_assign.assignment_create(
                actor=operator,
                team=team,
                area=Area.objects.get(code="131081103215"),
                starts_on=dt.date(2020, 2, 10),
            )
        made += 1
    counselling = _team(operator, town, "心理疏导小组", Team.Kind.COUNSELLING, town_cadres[-10:-6], ("组长",))
    services_assign.assignment_create(
        actor=operator,
        team=counselling,
        area=Area.objects.get(code="131081103215"),
        starts_on=dt.date(2020, 2, 12),
    )
    made += 1
    commander = User.objects.filter(username="zhihui").first() or operator
    for personnel, text in [
        (personnel_by_village["131081103215"][0], "四间房村封闭管理期间坚守卡点，连续值守未回家。"),
        (town_cadres[0], "带队完成四间房村病例及密接者住所终末消杀，组织有力。"),
    ]:
        services_assign.commendation_write(
            actor=commander, personnel=personnel, kind="commendation", text=text
        )
    return made
