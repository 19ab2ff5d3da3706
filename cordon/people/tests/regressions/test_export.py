"""Exports: unmasking checked against one area while the file covers all the user's areas."""

from cordon.accounts import services as account_services
from cordon.accounts.models import Role
from cordon.core.testing import PASSWORD


def test_unmasked_export_leaves_out_areas_where_the_user_is_only_a_viewer(world, login):
    user, _ = account_services.user_create(
        actor=world.operator,
        username="health_viewer",
        full_name="卫生院兼观察",
        area=world.town,
        roles=[(Role.HEALTH_WORKER, world.town), (Role.VIEWER, world.neighbour_town)],
        password=PASSWORD,
    )
    client = login(user)
    response = client.post(
        "/people/ledgers/export/", {"format": "csv", "unmasked": "on", "reason": "疾控流调需要"}
    )
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    east = world.east_person.document_number
    assert "东某" not in text or east not in text, "南孟镇's ID numbers exported whole by a mere viewer there"
