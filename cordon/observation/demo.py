"""The seed town's observation, through the observation services.

February 2020: every Hubei arrival (51, of whom 25 from Wuhan) was observed at home for 14 days with
a temperature morning and evening; nobody ran a fever and all completed ("无一人发热, 目前已全部脱离观察
期"). The demo records exactly that. It adds a small drill in 四间房村 dated from the day the demo is
loaded — eight recent arrivals, marked 演练 — so that today's round, the triage lists and an open fever
alert can be seen at work.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from cordon.accounts.models import Area
from cordon.observation import services, services_checks
from cordon.observation.models import Period
from cordon.people import services as people_services
from cordon.people.models import Arrival
from cordon.people.validation import id_check_character

NORMAL = [Decimal(f"36.{n}") for n in range(1, 9)]
MORNING, EVENING = time(8, 10), time(18, 20)

# The drill: (name, days since arrival, origin, what happens).
DRILL = [
    ("张伟", 10, "湖北省武汉市武昌区", "normal"),
    ("李娜", 6, "湖北省武汉市江岸区", "fever"),
    ("王强", 8, "湖北省武汉市洪山区", "silent"),
    ("赵敏", 14, "湖北省武汉市汉阳区", "due"),
    ("刘洋", 3, "湖北省武汉市青山区", "normal"),
    ("陈静", 12, "湖北省孝感市", "referred"),
    ("杨帆", 1, "湖北省黄冈市黄州区", "normal"),
    ("马丽", 5, "湖北省荆州市", "normal"),
]


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _round(operator, period: Period, rng, *, until: datetime, skip_from: datetime | None = None) -> None:
    """Morning and evening checks from the period's first day up to ``until`` (normal temperatures)."""
    day = period.opened_on
    while day < period.planned_end:
        for slot, moment in (("am", MORNING), ("pm", EVENING)):
            taken = _at(day, moment)
            if taken > until or (skip_from is not None and taken >= skip_from):
                return
            services_checks.check_record(
                actor=operator,
                period=period,
                temperature=rng.choice(NORMAL),
                day=day,
                slot=slot,
                measured_at=taken,
            )
        day += timedelta(days=1)


def load_observation(operator, data, log) -> None:
    rng = random.Random(20200221)  # noqa: S311 — reproducible demo data, not a secret
    arrivals = (
        Arrival.objects.filter(category_id__in=["wuhan", "hubei"])
        .select_related("person")
        .order_by("arrival_date", "id")
    )
    count = 0
    for arrival in arrivals:
        period = services.period_open(
            actor=operator,
            person=arrival.person,
            reason=Period.Reason.ARRIVAL,
            exposure_date=arrival.arrival_date,
            opened_on=arrival.arrival_date,
            reason_detail=f"{arrival.origin_text} {arrival.arrival_date:%Y-%m-%d}",
            arrival=arrival,
        )
        _round(operator, period, rng, until=_at(period.planned_end, time(0)))
        services.period_complete(actor=operator, period=period, completed_on=period.planned_end)
        count += 1
    log(f"  observation: {count} periods of 14 days at home, twice-daily checks, no fever, all completed")
    _load_drill(operator, rng, log)


def _load_drill(operator, rng, log) -> None:
    village = Area.objects.get(code="131081103215")  # 四间房村
    now = timezone.localtime()
    today = now.date()
    for index, (name, ago, origin, story) in enumerate(DRILL):
        arrived = today - timedelta(days=ago)
        first17 = f"131081{1975 + index * 3}0{index % 9 + 1}1{index}{880 + index:03d}"[:17]
        person, _created = people_services.person_save(
            actor=operator,
            area=village,
            data={
                "name": name,
                "document_type": "mainland_id",
                "document_number": first17 + id_check_character(first17),
                "phone": f"1390316{index:04d}",
                "address": f"四间房村{'东西南北'[index % 4]}街{10 + index}号",
                "note": "演练数据",
            },
        )
        # Registered on the day of arrival, as the clerk would have: the period opens that day.
        period = services.period_open(
            actor=operator,
            person=person,
            reason=Period.Reason.ARRIVAL,
            exposure_date=arrived,
            opened_on=arrived,
            reason_detail=f"演练：{origin} {arrived:%Y-%m-%d}",
        )
        people_services.arrival_save(
            actor=operator,
            person=person,
            data={"origin_text": origin, "arrival_date": arrived, "means": "car", "note": "演练数据"},
        )
        if story == "silent":
            _round(operator, period, rng, until=now, skip_from=_at(today - timedelta(days=1), EVENING))
        else:
            _round(operator, period, rng, until=now)
        if story == "fever":
            services_checks.check_record(
                actor=operator,
                period=period,
                temperature="37.8",
                symptoms=["乏力"],
                day=today,
                slot="extra",
                measured_at=now,
            )
        if story == "referred":
            yesterday = today - timedelta(days=1)
            services_checks.check_record(
                actor=operator,
                period=period,
                temperature="36.9",
                symptoms=["干咳"],
                day=yesterday,
                slot="pm",
                measured_at=_at(yesterday, EVENING),
            )
            alert = period.alerts.get()
            services_checks.alert_close(
                actor=operator,
                alert=alert,
                outcome="referred",
                clinic="霸州市第二医院发热门诊",
                referred_at=_at(yesterday, time(19, 30)),
                note="演练：家属陪同前往，已告知复诊结果后回报",
            )
    services_checks.checks_mark_missed(area=village)
    log(f"  observation drill in 四间房村: {len(DRILL)} recent arrivals (演练数据)")
