"""A registration racing another one (or an import) for the same ID number: the unique constraint
fires and the clerk gets a 500 instead of "already registered"."""

from cordon.people import services
from cordon.people.models import Person
from cordon.people.testing import id_number


def test_register_racing_another_insert_of_the_same_number_is_not_a_500(world, login, monkeypatch):
    number = id_number("13108119850203001")
    real = services._existing_holder

    def check_then_someone_else_inserts(kind, value, **kw):
        found = real(kind, value, **kw)
        if value == number and found is None:
            # What a concurrent request or import commits between this check and our INSERT
            # (PostgreSQL READ COMMITTED takes no lock on a row that does not exist yet).
            Person.objects.create(
                name="张三", document_type="mainland_id", document_number=number, area=world.sjf
            )
        return found

    monkeypatch.setattr(services, "_existing_holder", check_then_someone_else_inserts)
    client = login(world.clerk)
    client.raise_request_exception = False
    response = client.post(
        "/people/register/",
        {
            "document_type": "mainland_id",
            "document_number": number,
            "name": "张三",
            "area": world.sjf.code,
            "origin_text": "湖北省武汉市",
            "arrival_date": "2020-01-25",
        },
    )
    assert response.status_code in (200, 302), response.status_code
