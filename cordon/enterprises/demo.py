"""The seed town's enterprises in February 2020 (复工复产督导检查), loaded through the services.

The seed report says only that the town's leaders inspected enterprises reopening; the enterprises
below are invented (marked so in their note), in the trades 堂二里镇 and 霸州 are known for —
violin making (堂二里 calls itself a violin town) and steel-and-wood furniture — with codes that pass
the GB 32100-2015 check but belong to no real body.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from cordon.accounts.models import Area, User
from cordon.enterprises import services, services_inspections
from cordon.enterprises.checklist import KEYS
from cordon.enterprises.validation import uscc_check_character

INVENTED = "演示虚构企业，名称与代码均为虚构"


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def _at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def _answers(**no) -> dict:
    return {key: {"ok": key not in no, "note": no.get(key, "")} for key in KEYS}


ENTERPRISES = [
    # key, village code, name, code, sector, employees, outside, hubei, contact, phone, address
    (
        "violin",
        "131081103202",
        "霸州市华韵提琴制作有限公司",
        _uscc("91131081MA0CH1N01"),
        "manufacturing",
        86,
        12,
        0,
        "王某",
        "13930610001",
        "堂二街村工业路6号",
    ),
    (
        "furniture",
        "131081103205",
        "霸州市鑫源钢木家具有限公司",
        _uscc("91131081MA0CH1N02"),
        "manufacturing",
        120,
        30,
        2,
        "刘某",
        "13930610002",
        "堂五街村南",
    ),
    (
        "shop",
        "131081103215",
        "堂二里镇四间房便民超市",
        _uscc("92131081MA0CH1N03"),
        "retail",
        6,
        0,
        0,
        "孙某",
        "13930610003",
        "四间房村中心街",
    ),
    (
        "parts",
        "131081103201",
        "霸州市乐声乐器配件厂",
        _uscc("91131081MA0CH1N04"),
        "manufacturing",
        35,
        4,
        0,
        "赵某",
        "13930610004",
        "堂一街村西",
    ),
    (
        "restaurant",
        "131081103210",
        "堂二里镇十街农家饭庄",
        _uscc("92131081MA0CH1N05"),
        "catering",
        9,
        2,
        0,
        "钱某",
        "13930610005",
        "堂十街村路口",
    ),
    (
        "logistics",
        "131081103216",
        "霸州市兴旺物流有限公司",
        _uscc("91131081MA0CH1N06"),
        "logistics",
        18,
        6,
        1,
        "周某",
        "13930610006",
        "小湾村村东",
    ),
]


def load(operator, data, log) -> None:
    users = {
        u.username: u for u in User.objects.filter(username__in=["zhihui", "zhb", "xiaosha", "weisheng"])
    }
    commander, staff = users.get("zhihui", operator), users.get("zhb", operator)
    field_team, health = users.get("xiaosha", operator), users.get("weisheng", operator)
    made = {}
    for key, area, name, code, sector, employees, outside, hubei, contact, phone, address in ENTERPRISES:
        made[key] = services.enterprise_register(
            actor=operator,
            area=Area.objects.get(code=area),
            registered_at=_at("2020-02-17", 9),
            data={
                "name": name,
                "uscc": code,
                "address": address,
                "sector": sector,
                "employees": employees,
                "from_outside": outside,
                "from_hubei": hubei,
                "contact_name": contact,
                "contact_phone": phone,
                "note": INVENTED,
            },
        )

    def apply(key, day, dorm=None, **no):
        rooms, area = dorm or (None, None)
        return services.application_submit(
            actor=operator,
            enterprise=made[key],
            planned_on=date.fromisoformat(day) + timedelta(days=2),
            prevention_plan=(
                "法人为第一责任人；员工分批返岗，外地返岗人员先居家观察14天；"
                "每日上下班两次测温并报告；食堂错峰就餐；设临时隔离室；每日消杀两次。"
            ),
            answers=_answers(**no),
            has_dormitory=dorm is not None,
            dorm_people_per_room=rooms,
            dorm_m2_per_person=area,
            submitted_at=_at(day),
        )

    def decide(application, who, decision, day, **kw):
        services.application_decide(
            actor=who, application=application, decision=decision, decided_at=_at(day, 16), **kw
        )

    decide(apply("shop", "2020-02-18"), commander, "approve", "2020-02-18", comment="保障村民生活物资，同意")
    decide(
        apply("violin", "2020-02-20", dorm=(4, "3.5")), commander, "approve", "2020-02-22", comment="同意复工"
    )
    furniture = apply("furniture", "2020-02-21", dorm=(8, "2.0"), dormitory="每间8人，人均2平方米")
    decide(
        furniture,
        staff,
        "conditional",
        "2020-02-24",
        conditions="3月1日前宿舍每间减至6人以下、人均不少于2.5平方米；湖北籍2人居家观察期满前不得返岗",
    )
    decide(
        apply("restaurant", "2020-02-23", staggered_meals="包间不足，无法错峰"),
        commander,
        "reject",
        "2020-02-24",
        comment="餐饮堂食暂不恢复",
    )
    apply("parts", "2020-02-25", dorm=(4, "4.0"))

    first = services_inspections.inspection_record(
        actor=field_team,
        enterprise=made["violin"],
        inspected_on=date(2020, 2, 26),
        answers=_answers(mask_bins="车间未设废弃口罩专用桶"),
        has_dormitory=True,
        dorm_people_per_room=4,
        dorm_m2_per_person="3.5",
        findings=[services_inspections.NewFinding("车间未设置废弃口罩专用垃圾桶", date(2020, 2, 28))],
        comment="测温、登记落实到位",
    )
    services_inspections.inspection_record(
        actor=field_team,
        enterprise=made["violin"],
        inspected_on=date(2020, 2, 28),
        answers=_answers(),
        has_dormitory=True,
        dorm_people_per_room=4,
        dorm_m2_per_person="3.5",
        rectified=list(first.findings.all()),
        rectification_note="各车间已设专用垃圾桶并标识",
        comment="复查合格",
    )
    services_inspections.inspection_record(
        actor=staff,
        enterprise=made["furniture"],
        inspected_on=date(2020, 2, 27),
        answers=_answers(dormitory="仍有宿舍每间8人"),
        has_dormitory=True,
        dorm_people_per_room=8,
        dorm_m2_per_person="2.0",
        findings=[services_inspections.NewFinding("二号宿舍楼仍为每间8人", date(2020, 3, 1))],
    )
    services_inspections.inspection_record(
        actor=health,
        enterprise=made["shop"],
        inspected_on=date(2020, 2, 25),
        answers=_answers(),
        has_dormitory=False,
        comment="出入登记、测温、消杀记录齐全",
    )
    log(f"  enterprises: {len(made)} (invented), 5 applications, 4 inspections, 1 finding still open")
