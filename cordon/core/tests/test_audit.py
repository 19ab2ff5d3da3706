"""Every change through a service leaves who, when, what; the commander reads it within their areas."""

from cordon.accounts import services
from cordon.checkpoints import services as checkpoint_services
from cordon.core.context import source
from cordon.core.models import AuditEntry


def test_a_change_records_actor_source_and_before_after(world):
    with source("web"):
        checkpoint_services.checkpoint_update(
            actor=world.commander, checkpoint=world.sjf_gate, status="closed"
        )
    entry = AuditEntry.objects.filter(action="checkpoint.update").get()
    assert entry.actor == world.commander and entry.actor_label == "commander"
    assert entry.source == "web" and entry.area_id == world.sjf.code
    assert entry.changes == {"status": ["open_24h", "closed"]}


def test_a_change_that_changes_nothing_records_nothing(world):
    checkpoint_services.checkpoint_update(
        actor=world.commander, checkpoint=world.sjf_gate, name=world.sjf_gate.name
    )
    assert not AuditEntry.objects.filter(action="checkpoint.update").exists()


def test_commander_reads_a_users_history_on_its_page(world, client, login):
    services.user_update(
        actor=world.commander, user=world.clerk, full_name="孙丽", phone="13912345678", area=world.sjf
    )
    login(world.commander)
    body = client.get(f"/accounts/users/{world.clerk.pk}/").content.decode()
    assert "变更历史" in body and "修改账号" in body and "139****5678" in body
    assert "13912345678" not in AuditEntry.objects.get(action="user.update").changes.__repr__()


def test_audit_log_is_for_commanders_and_scoped(world, client, login):
    checkpoint_services.checkpoint_update(actor=world.operator, checkpoint=world.east_gate, status="open")
    login(world.commander)
    body = client.get("/audit/").content.decode()
    assert "四间房村东口卡点" in body and "东村卡点" not in body
    login(world.clerk)
    assert client.get("/audit/").status_code == 403


def test_audit_log_filters_by_action_and_date(world, client, login):
    login(world.commander)
    body = client.get("/audit/?action=checkpoint.create&since=2000-01-01&until=bad-date").content.decode()
    assert "设立卡点" in body and "创建账号</td>" not in body


def test_audit_api_lists_a_records_history(world, api_client):
    client = api_client(world.commander)
    data = client.get(
        f"/api/v1/audit/?target_type=checkpoints.checkpoint&target_id={world.sjf_gate.pk}"
    ).json()
    # newest first: the world puts a shift on the roster after setting the checkpoint up
    assert [item["action"] for item in data["items"]] == ["shift.create", "checkpoint.create"]
    assert api_client(world.clerk).get("/api/v1/audit/").status_code == 403
    foreign = client.get(
        f"/api/v1/audit/?target_type=checkpoints.checkpoint&target_id={world.east_gate.pk}"
    ).json()
    assert foreign["items"] == []
