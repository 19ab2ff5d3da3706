"""The seed town's field operations, February 2020, through the operations services.

After 廊坊市第23例 was confirmed on 9 February and his 39 close contacts were taken to quarantine that
night, the town disinfected his home and theirs (two rounds, 10–11 February) and every road and alley
of the sealed 四间房村 daily from 9 February; professional counsellors talked with the contacts'
families; the town published notices and rebutted a rumour that spread through the chat groups.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cordon.accounts.models import Area, User
from cordon.cases.models import Case, ContactLink
from cordon.forces.models import Team
from cordon.operations import services_counselling, services_disinfection, services_notices

TZ = ZoneInfo("Asia/Shanghai")
TOWN, VILLAGE = "131081103000", "131081103215"
SEALED = date(2020, 2, 9)
# The village's roads and alleys, and its public places: (kind, name, m²).
TARGETS = [
    ("road", "四间房村东街", 1800),
    ("road", "四间房村西街", 1600),
    ("road", "四间房村南街", 1400),
    ("road", "四间房村北街", 1500),
    ("alley", "四间房村一条胡同", 320),
    ("alley", "四间房村二条胡同", 300),
    ("alley", "四间房村三条胡同", 280),
    ("alley", "四间房村四条胡同", 260),
    ("public_place", "四间房村村委会及广场", 900),
    ("public_place", "四间房村东口卡点", 150),
]
# The one round the crew did not get to (flagged overdue in the demo).
MISSED = ("四间房村北街", date(2020, 2, 15))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def load(operator, data, log) -> None:
    town, village = Area.objects.get(code=TOWN), Area.objects.get(code=VILLAGE)
    logins = ["zhihui", "zhb", "weisheng", "xiaosha", "sjf_clerk", "xinli"]
    users = {u.username: u for u in User.objects.filter(username__in=logins)}
    counsellor = users["xinli"]  # the demo's counsellor login, made with the others (tangerli.json)
    team = Team.objects.filter(kind=Team.Kind.DISINFECTION).order_by("-area_id", "id").first()
    crew = users.get("xiaosha", operator)

    # The homes of case 23 and of his contacts, after they left for quarantine.
    case23 = Case.objects.get(authority="廊坊市", number="23")
    homes = services_disinfection.disinfection_for_homes(
        actor=users.get("weisheng", operator),
        case=case23,
        data={
            "agent": "含氯消毒剂",
            "concentration": "1000",
            "concentration_unit": "mg/L",
            "method": "spray",
            "area_m2": "120",
            "starts_on": date(2020, 2, 10),
            "every_days": 1,
            "rounds": 2,
            "note": "终末消毒：病例及密接者离家后",
        },
        team=team,
    )
    for n, task in enumerate(homes["created"]):
        for r in task.round_set.all():
            services_disinfection.round_record(
                actor=crew, task=task, planned_on=r.planned_on, done_at=_at(r.planned_on, 8 + n % 9, 10)
            )

    # Every road, alley and public place of the sealed village, daily from the day it was sealed.
    rounds = 0
    for kind, name, m2 in TARGETS:
        task, _ = services_disinfection.task_create(
            actor=users.get("zhihui", operator),
            area=village,
            data={
                "kind": kind,
                "target": name,
                "agent": "含氯消毒剂",
                "concentration": "500",
                "concentration_unit": "mg/L",
                "method": "spray",
                "area_m2": m2,
                "starts_on": SEALED,
                "every_days": 1,
                "ends_on": SEALED + timedelta(days=14),
                "note": "封闭管理期间每日消杀",
            },
            team=team,
        )
        for r in task.round_set.all():
            if (name, r.planned_on) == MISSED:
                continue
            services_disinfection.round_record(
                actor=crew, task=task, planned_on=r.planned_on, done_at=_at(r.planned_on, 7, 30)
            )
            rounds += 1

    # Counselling with the contacts' families: by phone during quarantine, a visit after release.
    links = list(ContactLink.objects.filter(case=case23).select_related("person").order_by("id")[:4])
    sessions = [
        (
            links[0].person,
            date(2020, 2, 11),
            "phone",
            "担心自己被感染，夜里睡不着；惦记家中老人无人照顾",
            True,
        ),
        (links[1].person, date(2020, 2, 12), "phone", "对集中隔离有抵触情绪，担心村里人议论", False),
        (
            links[2].person,
            date(2020, 2, 14),
            "group",
            "隔离点同屋三人集体疏导：焦虑、对检测结果的担心",
            False,
        ),
        (links[0].person, date(2020, 2, 20), "phone", "随访：睡眠好转，已与家人视频通话", False),
    ]
    for person, day, mode, concerns, follow_up in sessions:
        services_counselling.session_create(
            actor=counsellor,
            person=person,
            data={
                "held_on": day,
                "mode": mode,
                "concerns": concerns,
                "follow_up_needed": follow_up,
                "follow_up_on": day + timedelta(days=9) if follow_up else None,
            },
        )

    # A notice to the sealed village, and a rumour rebutted town-wide.
    notice = services_notices.notice_save(
        actor=users.get("sjf_clerk", operator),
        area=village,
        data={
            "title": "致四间房村全体村民的一封信",
            "body": "乡亲们：为了大家的健康，本村自2月9日起实行封闭管理。除就医等必要情况外，请不要外出；"
            "粮油、蔬菜、药品每三天分批次送到村口，请按批次购买。\n请每天早晚测量体温，如有发热、咳嗽，"
            "请立即告知网格员。勤洗手、戴口罩、不串门、不聚集。",
            "channels": ["loudspeaker", "chat", "poster"],
        },
    )
    services_notices.notice_publish(
        actor=users.get("zhb", operator), notice=notice, published_at=_at(SEALED, 21)
    )
    rumour = services_notices.rumour_report(
        actor=users.get("sjf_clerk", operator),
        area=village,
        data={
            "content": "微信群里说四间房村已经有十几个人确诊，全村都被感染了",
            "place": "村民微信群",
            "heard_on": date(2020, 2, 10),
            "reported_by_name": "孙丽（网格员）",
        },
    )
    services_notices.rumour_verify(
        actor=users.get("zhb", operator),
        rumour=rumour,
        verification="false",
        finding="经镇卫生院、霸州市疾控中心核实：本村确诊病例1例（廊坊市第23例），39名密切接触者已全部集中隔离医学观察，无新增病例。",
        verified_at=_at(date(2020, 2, 10), 15),
    )
    services_notices.rumour_rebut(
        actor=users.get("zhihui", operator),
        rumour=rumour,
        area=town,
        data={
            "title": "关于“四间房村全村感染”传言的辟谣",
            "body": "近日有人在微信群传播“四间房村全村感染”的消息，经核实，此消息不实。四间房村确诊病例1例，"
            "其39名密切接触者已全部集中隔离医学观察，目前无新增病例。\n请广大群众不信谣、不传谣，"
            "以官方发布的信息为准。",
            "channels": ["loudspeaker", "chat", "van"],
        },
        published_at=_at(date(2020, 2, 10), 18),
    )
    log(
        f"  operations: {len(homes['created'])} homes of case 23 and contacts disinfected, "
        f"{len(TARGETS)} roads/alleys/places of 四间房村 ({rounds} rounds, 1 missed), "
        f"{len(sessions)} counselling sessions (login xinli), 2 notices, 1 rumour rebutted"
    )
