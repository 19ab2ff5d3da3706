"""The seed town's case, through the cases services.

On 9 February 2020 a villager of 四间房村 was confirmed as 廊坊市第23例, a close contact of 廊坊市第20例
(who lived outside the town, so is known here by number only). That night his 39 close contacts were
taken to 霸州市第二医院 for screening and centralised quarantine; 38 were released when their 14 days
ended and one was still there when the seed report was written; none became a case.
"""

import random
from datetime import date, time

from cordon.accounts.models import Area
from cordon.cases import services, services_quarantine
from cordon.observation.demo import _at, _round
from cordon.people import services as people_services
from cordon.people.validation import id_check_character

VILLAGE, TOWN = "131081103215", "131081103000"  # 四间房村, 堂二里镇
CONFIRMED, EXPOSED = date(2020, 2, 9), date(2020, 2, 5)
SURNAMES = "孙李王张刘陈杨赵黄周吴徐朱马胡郭何高林罗"
GIVEN = "建国 秀英 丽 强 敏 军 伟 芳 勇 艳 杰 娟 涛 明 超 霞 平 刚 桂英 浩"


def _person(operator, village, name: str, n: int):
    first17 = f"13108119{60 + n % 40:02d}{n % 12 + 1:02d}{n % 28 + 1:02d}5{n:02d}"[:17]
    person, _created = people_services.person_save(
        actor=operator,
        area=village,
        data={
            "name": name,
            "document_type": "mainland_id",
            "document_number": first17 + id_check_character(first17),
            "address": f"四间房村{'东西南北'[n % 4]}街{20 + n}号",
        },
    )
    return person


def load_cases(operator, data, log) -> None:
    rng = random.Random(20200209)  # noqa: S311 — reproducible demo data, not a secret
    village, town = Area.objects.get(code=VILLAGE), Area.objects.get(code=TOWN)
    case20 = services.external_case(
        actor=operator, area=town, authority="廊坊市", number="20", note="居住在本镇以外"
    )
    patient = _person(operator, village, "孙某某", 0)
    services.contact_add(
        actor=operator,
        case=case20,
        people=[{"person": patient}],
        setting="social",
        last_exposure=EXPOSED,
        observe=False,
        traced_on=CONFIRMED,
    )
    case23 = services.case_register(
        actor=operator,
        person=patient,
        classification="confirmed",
        classified_on=CONFIRMED,
        data={
            "authority": "廊坊市",
            "number": "23",
            "onset_date": date(2020, 2, 7),
            "confirmed_on": CONFIRMED,
            "isolated_on": CONFIRMED,
            "hospital": "廊坊市定点医院",
            "reporting_source": "霸州市疾控中心",
        },
    )
    site = services_quarantine.site_save(
        actor=operator,
        area=town,
        data={"name": "霸州市第二医院", "address": "霸州市", "capacity": 60, "contact": "隔离点负责人"},
    )
    names = GIVEN.split()
    people = [
        {
            "person": _person(
                operator, village, SURNAMES[i % len(SURNAMES)] + names[(i * 7) % len(names)], i + 1
            )
        }
        for i in range(39)
    ]
    household, others = people[:4], people[4:]
    links = []
    for group, setting, first in (
        (household, "household", date(2020, 1, 25)),
        (others, "meal", date(2020, 2, 2)),
    ):
        links += services.contact_add(
            actor=operator,
            case=case23,
            people=group,
            setting=setting,
            first_exposure=first,
            last_exposure=CONFIRMED,
            traced_on=CONFIRMED,
        )
    for index, link in enumerate(links):
        stay = services_quarantine.placement_create(
            actor=operator,
            person=link.person,
            site=site,
            placed_on=CONFIRMED,
            room=f"{3 + index // 20}{index % 20 + 1:02d}",
            transport="连夜送往",
            contact=link,
        )
        if index == len(links) - 1:
            _round(operator, link.period, rng, until=_at(date(2020, 2, 21), time(19)))
            continue  # still in quarantine on the day of the seed report
        _round(operator, link.period, rng, until=_at(link.period.planned_end, time(0)))
        services_quarantine.placement_release(
            actor=operator, placement=stay, released_on=link.period.planned_end
        )
    log(
        f"  cases: {case23.label}, a contact of {case20.label}; {len(links)} close contacts at {site.name}, "
        f"{len(links) - 1} released, 1 still in, none became a case"
    )
