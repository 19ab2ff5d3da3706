"""A registrar of one village who also holds a read-only role higher up edits people they may only read."""

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.core.testing import PASSWORD
from cordon.people import services
from cordon.people.models import Arrival
from cordon.people.tests.regressions.helpers import imp, put, xlsx

HEADERS = ["姓名", "身份证号", "手机号", "村街", "来源地", "到达日期"]


def _clerk_and_guard(world):
    user, _ = account_services.user_create(
        actor=world.operator,
        username="clerk_guard",
        full_name="兼职",
        area=world.sjf,
        roles=[(Role.VILLAGE_CLERK, world.sjf), (Role.CHECKPOINT_GUARD, world.town)],
        password=PASSWORD,
    )
    return user


def test_the_form_refuses_to_edit_a_person_of_another_village(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    user = _clerk_and_guard(world)
    with pytest.raises(PermissionDenied):
        services.person_save(
            actor=user,
            area=world.sjf,
            data={"name": "周某", "document_number": world.zhou.document_number, "phone": "13900000000"},
        )


def test_the_importer_does_not_edit_a_person_through_a_read_only_role(world, tmp_path):
    user = _clerk_and_guard(world)
    zhou = world.zhou  # lives in 小湾村, where this user is only a guard
    rows = [["周某", zhou.document_number, "13900000000", "四间房村", "湖北省武汉市", "2020-02-03"]]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)), actor=user, area=world.sjf)
    print(report.summary())
    zhou.refresh_from_db()
    assert zhou.phone != "13900000000", "a guard's read-only reach was used to change 小湾村's record"
    assert not Arrival.objects.filter(person=zhou, area_id=world.sjf.code).exists()
