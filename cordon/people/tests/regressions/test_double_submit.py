from cordon.people.models import Person


def test_a_double_tapped_registration_without_a_document_creates_one_person(world, login):
    client = login(world.clerk)
    data = {
        "document_type": "none",
        "name": "刘大",
        "area": world.sjf.code,
        "phone": "13812340000",
        "origin_text": "湖北省武汉市",
        "arrival_date": "2020-01-25",
    }
    first = client.post("/people/register/", data)
    second = client.post("/people/register/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert Person.objects.filter(name="刘大").count() == 1
