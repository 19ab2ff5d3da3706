"""The seed town's screening ledgers (摸排): by 21 February 2020, 51 people with a Hubei travel history
(25 of them from Wuhan) and 374 from elsewhere — the figures of the seed report. The people are
invented (names, numbers, addresses); the numbers are valid ID numbers, some still carrying 霸县's
pre-1990 county code 131027, as real ledgers do."""

import random
from datetime import date, timedelta

from cordon.accounts.models import Area
from cordon.people import services
from cordon.people.validation import id_check_character

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华玉兰红梅志强海燕宏斌淑珍"
    "国华春梅俊峰晓东丽娟文静鹏飞宇轩浩然子涵欣怡"
)
# Where the non-Hubei arrivals came from: (origin text, how many).
ELSEWHERE = [
    ("河北省霸州市南孟镇", 30),
    ("河北省霸州市胜芳镇", 30),
    ("河北省廊坊市广阳区", 40),
    ("河北省保定市雄县", 40),
    ("河北省石家庄市长安区", 40),
    ("北京市大兴区", 60),
    ("天津市西青区", 50),
    ("山东省济南市历下区", 24),
    ("河南省郑州市金水区", 20),
    ("广东省深圳市南山区", 20),
    ("浙江省杭州市西湖区", 20),
]
WUHAN = [
    "湖北省武汉市江汉区",
    "湖北省武汉市江岸区",
    "湖北省武汉市武昌区",
    "湖北省武汉市洪山区",
    "湖北省武汉市汉阳区",
]
HUBEI = ["湖北省孝感市", "湖北省黄冈市黄州区", "湖北省荆州市", "湖北省襄阳市", "湖北省宜昌市", "湖北省十堰市"]
BIRTHPLACES = ["131081", "131027", "131081", "131082", "130602", "420102", "110105"]
MEANS = ["car", "car", "train", "bus", "flight"]


def _person(rng: random.Random, index: int) -> dict:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 60 * 365))
    place = rng.choice(BIRTHPLACES)
    if place == "131027" and born.year >= 1990:
        place = "131081"  # 霸县 became 霸州 in 1990
    first17 = f"{place}{born:%Y%m%d}{index % 1000:03d}"
    return {
        "name": name,
        "document_type": "mainland_id",
        "document_number": first17 + id_check_character(first17),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
    }


def load_people(operator, data, log) -> None:
    rng = random.Random(20200221)  # noqa: S311 — reproducible demo data, not a secret
    villages = list(Area.objects.filter(level="village", code__startswith="131081103").order_by("code"))
    origins = [rng.choice(WUHAN) for _ in range(25)] + [rng.choice(HUBEI) for _ in range(26)]
    origins += [text for text, count in ELSEWHERE for _ in range(count)]
    for index, origin in enumerate(origins):
        village = villages[index * 7 % len(villages)]
        person = _person(rng, index)
        person["address"] = f"{village.name}{rng.choice('东西南北')}街{rng.randrange(1, 60)}号"
        day = date(2020, 1, 12) + timedelta(days=rng.randrange(0, 28))
        if index < 51:  # the Hubei arrivals: in by 7 February, so all are out of observation by the 21st
            day = min(day, date(2020, 2, 7))
        means = rng.choice(MEANS)
        arrival = {
            "origin_text": origin,
            "arrival_date": day,
            "means": means,
            "screening_team": f"第{index % 46 + 1}排查小组",
        }
        if means == "car":
            arrival["plate"] = f"冀R{rng.randrange(10000, 99999)}"
        services.register(actor=operator, area=village, person_data=person, arrival_data=arrival)
    log(f"  people and arrivals: {len(origins)} (Hubei 51, of which Wuhan 25; elsewhere 374)")
