"""API defects."""

import json


def test_patch_with_a_new_phone_keeps_the_id_number_sex_and_birth_date(world, api_client):
    yin = world.yin
    assert yin.document_number and yin.sex and yin.birth_date
    body = {"name": "尹某某", "area": world.sjf.code, "phone": "13900000000"}
    response = api_client(world.clerk).patch(
        f"/api/v1/people/{yin.pk}", json.dumps(body), content_type="application/json"
    )
    print(response.status_code, response.content.decode()[:300])
    yin.refresh_from_db()
    assert yin.phone == "13900000000"
    assert yin.document_number, "PATCH erased the ID number"
    assert yin.address, "PATCH erased the address"


def test_api_register_of_a_known_number_keeps_stored_phone_and_address(world, api_client):
    yin = world.yin
    body = {
        "person": {"name": "尹某某", "area": world.sjf.code, "document_number": yin.document_number},
        "arrival": {"origin_text": "湖北省武汉市", "arrival_date": "2020-02-10"},
    }
    response = api_client(world.clerk).post(
        "/api/v1/people/register", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    yin.refresh_from_db()
    assert yin.phone == "13812345678" and yin.address, (yin.phone, yin.address)


def test_api_bad_upload_gets_a_chinese_message(world, api_client):
    response = api_client(world.clerk).post("/api/v1/people/imports", {"area": world.sjf.code})
    print(response.status_code, response.content.decode())
    assert response.status_code in (400, 422)
    text = response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in json.loads(text).get("message", text)), text
