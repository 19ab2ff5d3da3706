"""The unified social credit code (GB 32100-2015): real published codes pass, a wrong check
character is refused with the character it should be, typing is forgiven as for ID numbers."""

import pytest
from django.core.exceptions import ValidationError

from cordon.enterprises import services
from cordon.enterprises.models import Enterprise
from cordon.enterprises.testing import enterprise_data
from cordon.enterprises.validation import parse_uscc, uscc_check_character

# Published on the companies' own licences (national enterprise credit information system).
REAL = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL)
def test_real_published_codes_pass(code):
    assert parse_uscc(code) == code
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL)
def test_a_wrong_check_character_is_refused_naming_the_right_one(code):
    wrong = code[:17] + ("A" if code[17] != "A" else "B")
    with pytest.raises(ValidationError) as caught:
        parse_uscc(wrong)
    assert caught.value.code == "uscc_check_character"
    assert caught.value.params["expected"] == code[17]


def test_full_width_lower_case_and_separators_are_normalised():
    assert parse_uscc("９１４４０３００７０８４６１１３６ｔ") == "91440300708461136T"
    assert parse_uscc(" 91330100-716105852f ") == "91330100716105852F"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91440300708461136", "uscc_length"),
        ("91440300708461136TT", "uscc_length"),
        ("91440300708461I36T", "uscc_character"),  # I is not in the alphabet
        ("9144A300708461136T", "uscc_division"),
        ("", "required"),
    ],
)
def test_malformed_codes_are_refused_with_their_reason(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_uscc(raw)
    assert caught.value.code == code


def test_registering_with_a_wrong_check_character_is_refused_in_chinese_on_the_page(world, client):
    client.force_login(world.clerk)
    data = enterprise_data(uscc="91440300708461136A", name="新企业", area=world.sjf.code)
    page = client.post("/enterprises/new/", data)
    assert page.status_code == 200
    assert "校验码应为T，而不是A" in page.content.decode()
    assert not Enterprise.objects.filter(name="新企业").exists()


def test_registering_with_a_wrong_check_character_is_refused_in_chinese_by_the_api(world, api_client):
    body = {**enterprise_data(uscc="91440300708461136A"), "area": world.sjf.code}
    response = api_client(world.clerk).post("/api/v1/enterprises/", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "uscc"
    assert "校验码应为T" in response.json()["message"]


def test_a_code_registered_twice_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_register(
            actor=world.clerk, area=world.sjf, data=enterprise_data(uscc=world.enterprise.uscc.lower())
        )
    assert "uscc" in caught.value.message_dict
