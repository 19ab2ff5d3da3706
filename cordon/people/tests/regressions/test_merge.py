from cordon.core.models import AuditEntry
from cordon.people import services
from cordon.people.models import Arrival


def test_merge_folds_the_duplicates_same_day_arrival_and_keeps_a_trace(world):
    keep, _a, _c = services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={"name": "马九", "document_type": "none", "address": "东街9号"},
        arrival_data={"origin_text": "湖北省", "arrival_date": "2020-01-25"},
    )
    dup, _a, _c = services.register(
        actor=world.clerk,
        area=world.sjf,
        person_data={
            "name": "马九",
            "document_type": "none",
            "phone": "13800000009",
            "note": "糖尿病，需送药",
        },
        arrival_data={
            "origin_text": "湖北省武汉市江汉区",
            "arrival_date": "2020-01-25",
            "plate": "冀R12345",
            "means": "car",
            "route": "武汉—郑州—霸州",
        },
    )
    services.person_merge(actor=world.head, keep=keep, duplicate=dup, reason="同一人")
    keep.refresh_from_db()
    arrival = Arrival.objects.get(person=keep)
    entries = " ".join(str(e.changes) for e in AuditEntry.objects.filter(action__startswith="person.merge"))
    print(arrival.origin_text, arrival.category_id, arrival.plate, keep.note, entries)
    assert keep.note or "糖尿病" in entries, "the duplicate's note is gone"
    assert arrival.plate or "冀R12345" in entries, "the duplicate's Wuhan arrival (plate, route) is gone"
    assert arrival.category_id == "wuhan" or "wuhan" in entries, "the person left the 武汉 ledger"
