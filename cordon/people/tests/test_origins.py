"""Free-text origins resolved to GB/T 2260 division codes, as the arrival ledgers need them."""

import pytest

from cordon.people.origins import Origin, lookup, province_of, resolve_origin


def code_of(text: str) -> str | None:
    origin = resolve_origin(text)
    return origin.code if origin else None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("湖北", "420000000000"),
        ("湖北省", "420000000000"),
        ("河北省", "130000000000"),
        ("黑龙江", "230000000000"),
        ("广西", "450000000000"),
        ("广西壮族自治区", "450000000000"),
        ("内蒙古", "150000000000"),
        ("内蒙", "150000000000"),
        ("新疆", "650000000000"),
        ("宁夏", "640000000000"),
        ("西藏", "540000000000"),
        ("北京", "110000000000"),
        ("北京市", "110000000000"),
        ("上海", "310000000000"),
        ("重庆市", "500000000000"),
        ("香港", "810000000000"),
        ("澳门特别行政区", "820000000000"),
        ("台湾", "710000000000"),
    ],
)
def test_resolves_a_province_with_or_without_its_suffix(text, code):
    origin = resolve_origin(text)

    assert origin.code == code
    assert origin.level == "province"


HUBEI = [
    ("武汉", "420100"),
    ("黄石", "420200"),
    ("十堰", "420300"),
    ("宜昌", "420500"),
    ("襄阳", "420600"),
    ("鄂州", "420700"),
    ("荆门", "420800"),
    ("孝感", "420900"),
    ("荆州", "421000"),
    ("黄冈", "421100"),
    ("咸宁", "421200"),
    ("随州", "421300"),
    ("恩施", "422800"),
]
# Province-administered county-level divisions: no prefecture above them.
HUBEI_DIRECT = [("仙桃", "429004"), ("潜江", "429005"), ("天门", "429006"), ("神农架", "429021")]


@pytest.mark.parametrize(("name", "code"), HUBEI)
def test_resolves_every_prefecture_level_division_of_hubei_by_its_short_and_full_name(name, code):
    origin = resolve_origin(name)

    assert origin.code == code + "000000"
    assert origin.level == "city"
    assert origin.province == "湖北省"
    assert resolve_origin(origin.city) == origin
    assert resolve_origin("湖北" + name) == origin


@pytest.mark.parametrize(("name", "code"), HUBEI_DIRECT)
def test_resolves_hubeis_province_administered_cities_and_shennongjia(name, code):
    origin = resolve_origin(name)

    assert origin.code == code + "000000"
    assert origin.level == "county"
    assert (origin.province, origin.city) == ("湖北省", "")
    assert resolve_origin(origin.county) == origin
    assert resolve_origin("湖北省" + origin.county) == origin


@pytest.mark.parametrize(
    "text",
    ["武汉", "武汉市", "湖北武汉", "湖北省武汉市", "湖北 武汉", "湖北省　武汉市", "从武汉来", "武汉返乡"],
)
def test_resolves_a_city_however_the_ledger_wrote_it(text):
    assert code_of(text) == "420100000000"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("湖北省武汉市江汉区", "420103000000"),
        ("武汉市江岸区", "420102000000"),
        ("湖北武汉江岸", "420102000000"),
        ("湖北省黄冈市黄州区", "421102000000"),
        ("孝感市", "420900000000"),
        ("廊坊市霸州市", "131081000000"),
        ("霸州", "131081000000"),
        ("上海浦东", "310115000000"),
        ("北京朝阳", "110105000000"),
    ],
)
def test_resolves_counties_and_districts(text, code):
    assert code_of(text) == code


def test_names_the_province_city_and_county_of_the_origin():
    origin = resolve_origin("湖北省武汉市江汉区")

    assert origin == Origin(
        code="420103000000", level="county", province="湖北省", city="武汉市", county="江汉区"
    )
    assert origin.name == "湖北省武汉市江汉区"
    assert origin.province_code == "420000000000"


def test_the_rest_of_an_address_does_not_mislead_it():
    # 新华 is also the name of several districts elsewhere.
    assert code_of("湖北省武汉市江汉区新华路12号") == "420103000000"
    assert code_of("廊坊市霸州市堂二里镇四间房村") == "131081000000"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("吉林", "220000000000"),
        ("吉林市", "220200000000"),
        ("吉林省吉林市", "220200000000"),
        ("海南", "460000000000"),
        ("青海海南", "632500000000"),
        ("荆州", "421000000000"),
    ],
)
def test_reads_a_name_shared_by_several_levels_as_the_higher_one_unless_told_otherwise(text, code):
    assert code_of(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("恩施", "422800000000"),
        ("恩施州", "422800000000"),
        ("恩施土家族苗族自治州", "422800000000"),
        ("延边", "222400000000"),
        ("西双版纳", "532800000000"),
        ("黔东南州", "522600000000"),
        ("大兴安岭", "232700000000"),
        ("锡林郭勒盟", "152500000000"),
    ],
)
def test_resolves_autonomous_prefectures_leagues_and_areas_by_their_place_name(text, code):
    assert code_of(text) == code


def test_resolves_a_former_name_to_the_current_division():
    origin = resolve_origin("襄樊")

    assert origin.code == "420600000000"
    assert origin.city == "襄阳市"


@pytest.mark.parametrize("text", ["鼓楼区", "朝阳区"])
def test_resolves_no_county_from_a_name_several_cities_share(text):
    assert resolve_origin(text) is None


def test_resolves_a_shared_county_name_within_the_city_given():
    assert code_of("南京市鼓楼区") == "320106000000"
    assert code_of("福州鼓楼区") == "350102000000"


def test_resolves_a_county_name_shared_within_one_province_to_that_province():
    # 桥东区: 邢台 and 张家口 both have one.
    assert code_of("桥东区") == "130000000000"


def test_resolves_nothing_when_parts_of_the_text_contradict_each_other():
    assert resolve_origin("河北省武汉市") is None


@pytest.mark.parametrize("text", ["", "   ", None, "本地", "省内", "外地返乡", "不详", "123"])
def test_resolves_nothing_from_text_that_names_no_place(text):
    assert resolve_origin(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("420103", "420103000000"), ("420103000000", "420103000000"), ("131081103215", "131081000000")],
)
def test_resolves_a_division_code_typed_as_the_origin(text, code):
    assert code_of(text) == code


def test_lookup_finds_a_division_by_its_code():
    assert lookup("420100000000").city == "武汉市"
    assert lookup("429004").county == "仙桃市"
    assert lookup("999999") is None
    assert lookup("42") is None


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("420103000000", "420000000000"),
        ("420103", "420000000000"),
        ("131081103215001", "130000000000"),
        ("131027", "130000000000"),  # 霸县, a historic code: only its first two digits count
    ],
)
def test_province_of_gives_the_province_code(code, province):
    assert province_of(code) == province


@pytest.mark.parametrize("code", ["", "4", "湖北", None])
def test_province_of_refuses_what_is_not_a_code(code):
    with pytest.raises(ValueError, match="not a division code"):
        province_of(code)


def test_every_division_resolves_from_its_full_name():
    # The whole index, so that a change of data or of the matching rules shows every casualty.
    from cordon.people.origins import _index

    origins = _index().origins.values()
    wrong = [origin.name for origin in origins if resolve_origin(origin.name) != origin]
    assert wrong == []
    cities = [origin for origin in origins if origin.level == "city"]
    assert len(cities) > 300
    assert [origin.city for origin in cities if resolve_origin(origin.city) != origin] == []
