"""四间房村 sealed, February 2020, through the lockdowns services.

On the night of 9 February, once 廊坊市第23例 was confirmed, the town's leaders sealed 四间房村: nobody
out except to see a doctor or for another necessity, each exit approved by the village head and
reported to the town's leader; nobody in. The command centre had grain, vegetables and medicine
delivered to the village gate, and the villagers bought them in batches, every three days ("村民每三天
分批次进行购买"). The passes, deliveries and batches below are invented in that frame; each pass's
applicant, deciders and times are recorded as they would have been then (``applied_at``,
``decided_at``). The seal is still in force when the seed report ends, and so in the demo.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cordon.accounts.models import Area, User
from cordon.lockdowns import services, services_supplies
from cordon.lockdowns.models import Lockdown
from cordon.people import services as people_services
from cordon.people.models import Person

TZ = ZoneInfo("Asia/Shanghai")
VILLAGE = "131081103215"  # 四间房村
SEALED_AT = datetime(2020, 2, 9, 22, 0, tzinfo=TZ)
ROTATION_DAY_1 = date(2020, 2, 10)
LAST_DAY = date(2020, 2, 21)  # "截至2月21日"
ENTRY_EXCEPTIONS = "医护、疾控消杀、公安执勤人员凭工作证进入；配送物资只送至村口检查点，不进村"

# Exit passes: (day, hour, reason, detail, destination, hours valid, people, village, town).
# "village"/"town": True approves, a text rejects with that comment (None: no decision needed).
PASSES = [
    (10, 9, "illness", "定期血液透析", "霸州市医院肾内科", 10, 1, True, True),
    (11, 8, "essential_work", "村东变压器抢修（供电所）", "堂二里供电所", 9, 2, True, True),
    (11, 14, "necessity", "给牛羊采购饲料，村口配送无此物资", "堂二里镇饲料店", 4, 1, True, True),
    (12, 9, "illness", "孕检（孕28周）", "霸州市妇幼保健院", 8, 2, True, True),
    (13, 9, "illness", "慢性病取药（降压药）", "堂二里镇卫生院", 4, 1, True, True),
    (13, 15, "necessity", "去镇上买烟酒", "堂二里镇", 3, 1, "生活物资已统一配送至村口，不属必须外出", None),
    (14, 9, "essential_work", "镇卫生院值班（村医）", "堂二里镇卫生院", 12, 1, True, True),
    (
        15,
        8,
        "necessity",
        "到银行办理养老金",
        "霸州市农商银行堂二里支行",
        4,
        1,
        True,
        "可委托网格员代办，暂不外出",
    ),
    (17, 9, "illness", "复查（术后换药）", "霸州市医院外科", 8, 1, True, True),
    (19, 10, "essential_work", "自来水管网维修", "堂二里镇自来水站", 8, 2, True, True),
    (20, 9, "illness", "定期血液透析", "霸州市医院肾内科", 10, 1, True, True),
]
# The urgent medical exit: approved by the village head at night, for the town's review.
URGENT = (datetime(2020, 2, 16, 2, 40, tzinfo=TZ), "夜间腹痛剧烈，家属陪同急诊", "霸州市第二医院急诊", 2)

# Deliveries to the village gate: (day, hour, kind, what, quantity, unit, from).
DELIVERIES = [
    (10, 9, "grain", "面粉", 500, "kg", "镇指挥部"),
    (10, 9, "grain", "大米", 400, "kg", "镇指挥部"),
    (10, 10, "vegetables", "白菜、土豆", 800, "kg", "镇蔬菜批发点"),
    (10, 16, "medicine", "感冒药、降压药", 120, "盒", "镇卫生院"),
    (11, 10, "protective", "医用口罩", 2000, "只", "镇指挥部"),
    (11, 10, "protective", "84消毒液", 60, "瓶", "镇指挥部"),
    (12, 9, "meat", "鸡蛋", 300, "kg", "镇供销社"),
    (13, 9, "vegetables", "芹菜、西红柿", 600, "kg", "镇蔬菜批发点"),
    (13, 15, "grain", "食用油", 100, "桶", "镇供销社"),
    (14, 10, "medicine", "儿童退烧药等", 80, "盒", "镇卫生院"),
    (15, 9, "meat", "猪肉", 150, "kg", "镇供销社"),
    (16, 9, "vegetables", "洋葱、黄瓜", 700, "kg", "镇蔬菜批发点"),
    (16, 9, "grain", "面粉", 400, "kg", "爱心企业（虚构）"),
    (17, 10, "meat", "牛奶", 200, "箱", "镇供销社"),
    (18, 15, "medicine", "慢性病常用药", 90, "盒", "镇卫生院"),
    (19, 9, "vegetables", "萝卜、蒜苗", 650, "kg", "镇蔬菜批发点"),
    (19, 10, "grain", "大米", 300, "kg", "镇指挥部"),
    (20, 10, "protective", "医用口罩", 1500, "只", "镇指挥部"),
    (21, 9, "meat", "鸡蛋", 250, "kg", "镇供销社"),
]


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date(2020, 2, day), time(hour, minute), tzinfo=TZ)


def _households(clerk: User, village: Area) -> int:
    """The village's households, from the addresses in its ledger (people at one address share one)."""
    people = (
        Person.objects.within(village.code)
        .exclude(address="")
        .exclude(note="演练数据")  # the observation drill's people are dated from today
        .filter(household__isnull=True)
    )
    count = 0
    for person in people.order_by("address", "id"):
        people_services.household_assign(actor=clerk, person=person, address=person.address)
        count += 1
    return count


def load(operator, data, log) -> None:
    village = Area.objects.get(code=VILLAGE)
    logins = ["zhihui", "sjf_head", "sjf_clerk"]
    users = {u.username: u for u in User.objects.filter(username__in=logins)}
    commander, head, clerk = users["zhihui"], users["sjf_head"], users["sjf_clerk"]

    lockdown = services.lockdown_seal(
        actor=commander,
        area=village,
        starts_at=SEALED_AT,
        exit_reasons=list(Lockdown.Reason.values),
        entry_exceptions=ENTRY_EXCEPTIONS,
        note="廊坊市第23例确诊后实行严格封闭管理：外出须经村街主要负责人批准并报镇分管领导同意",
    )
    _households(clerk, village)
    rotation = services_supplies.rotation_create(
        actor=clerk, lockdown=lockdown, every_days=3, people_per_trip=1, starts_on=ROTATION_DAY_1
    )
    for day, hour, kind, what, quantity, unit, supplier in DELIVERIES:
        services_supplies.supply_record(
            actor=clerk,
            lockdown=lockdown,
            data={
                "delivered_at": _at(day, hour),
                "kind": kind,
                "description": what,
                "quantity": quantity,
                "unit": unit,
                "supplier": supplier,
                "received_by": "李春生" if hour < 12 else "孙丽",
                "note": "送至东口卡点，按批次发放",
            },
        )

    # Residents who were not in quarantine: the contacts had left for 霸州市第二医院 on 9 February.
    residents = list(
        Person.objects.within(village.code)
        .filter(household__isnull=False, placements__isnull=True, case__isnull=True)
        .exclude(note="演练数据")
        .order_by("household__address", "id")
    )
    passes = []
    for n, (day, hour, reason, detail, destination, hours, size, village_says, town_says) in enumerate(
        PASSES
    ):
        start = _at(day, hour)
        people = residents[n * 3 : n * 3 + size]
        exit_pass = services.pass_apply(
            actor=clerk,
            area=village,
            people=people,
            reason=reason,
            reason_detail=detail,
            destination=destination,
            valid_from=start + timedelta(minutes=30),
            valid_until=start + timedelta(hours=hours),
            applied_at=start,
        )
        for who, says, after in ((head, village_says, 10), (commander, town_says, 25)):
            if says is None or exit_pass.status in ("rejected", "approved"):
                break
            exit_pass = services.pass_decide(
                actor=who,
                exit_pass=exit_pass,
                approve=says is True,
                comment="" if says is True else says,
                decided_at=start + timedelta(minutes=after),
            )
        passes.append(exit_pass)

    moment, detail, destination, size = URGENT
    urgent = services.pass_apply(
        actor=clerk,
        area=village,
        people=residents[40 : 40 + size],
        reason=Lockdown.Reason.ILLNESS,
        reason_detail=detail,
        destination=destination,
        valid_from=moment,
        valid_until=moment + timedelta(hours=24),
        urgent_medical=True,
        applied_at=moment,
    )
    urgent = services.pass_decide(
        actor=head,
        exit_pass=urgent,
        approve=True,
        comment="急诊，先放行",
        decided_at=moment + timedelta(minutes=5),
    )
    passes.append(urgent)
    approved = sum(p.status == "approved" for p in passes)
    log(
        f"  lockdowns: 四间房村 sealed from {SEALED_AT:%Y-%m-%d %H:%M}, {len(passes)} exit passes "
        f"({approved} approved, 1 urgent for the town's review), {len(DELIVERIES)} deliveries to the gate, "
        f"{rotation.members.count()} households in 3 batches every 3 days"
    )
