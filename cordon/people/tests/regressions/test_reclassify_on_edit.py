import json

from cordon.people import services, services_ledger
from cordon.people.models import Arrival, RiskCategory
from cordon.people.testing import id_number


def test_editing_an_old_arrivals_note_keeps_its_ledger(world, api_client):
    person, arrival, _ = services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "孝某", "document_number": id_number("13108119850203031")},
        arrival_data={"origin_text": "湖北省孝感市", "arrival_date": "2020-01-22"},
    )
    assert arrival.category_id == "hubei"
    hubei = RiskCategory.objects.get(code="hubei")
    services_ledger.category_update(
        actor=world.commander,
        category=hubei,
        name=hubei.name,
        priority=20,
        origins="4202",
        valid_from=None,
        valid_to=None,
    )
    body = {"origin_text": "湖北省孝感市", "arrival_date": "2020-01-22", "note": "电话回访"}
    r = api_client(world.clerk).post(
        f"/api/v1/people/{person.pk}/arrivals", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert Arrival.objects.get(pk=arrival.pk).category_id == "hubei", "a note edit re-filed a 2020 arrival"
