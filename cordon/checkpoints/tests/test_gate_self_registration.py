"""Self-registration at the gate (扫码登记): a visitor's own entry from the gate's signed QR link, waiting
in the guard's queue until the guard decides; limited per device, address and checkpoint."""

import datetime as dt

import time_machine
from django.core import signing
from django.utils import timezone

from cordon.checkpoints import services_visit
from cordon.checkpoints.models import Passage, SelfRegistration
from cordon.people.testing import id_number

VISITOR = {
    "name": "王访客",
    "document_number": id_number("11010519850307001"),
    "phone": "13912345678",
    "origin": "霸州市区",
    "purpose": "探亲",
    "visited_name": "尹某某",
    "visited_phone": "13812345678",
    "temperature": "36.6",
}


def _link(world, checkpoint=None):
    token = services_visit.visit_link_token(actor=world.commander, checkpoint=checkpoint or world.sjf_gate)
    return f"/v/{token}/"


def test_a_visitor_registers_without_an_account_and_sees_nothing_back(world, client):
    url = _link(world)
    assert client.get(url).status_code == 200
    page = client.post(url, VISITOR)
    text = page.content.decode()
    assert page.status_code == 200 and "已收到" in text
    # Nothing about anyone: not the visitor's own entry, not the person visited, no flags.
    assert "王访客" not in text and "尹某某" not in text and "医学观察" not in text
    entry = SelfRegistration.objects.get()
    assert entry.status == "waiting" and entry.checkpoint == world.sjf_gate
    assert entry.area_id == world.sjf.code
    assert entry.visited_phone == "13812345678" and str(entry.temperature) == "36.6"
    assert not Passage.objects.exists()  # not a passage until the guard decides


def test_the_visitors_form_is_checked_as_the_guards(world, client):
    wrong = {**VISITOR, "document_number": "110105198503070010", "temperature": "3.7"}
    page = client.post(_link(world), wrong)
    text = page.content.decode()
    assert page.status_code == 422 and "校验" in text and "34.0" in text
    assert "王访客" in text  # what was typed is kept for fixing
    assert not SelfRegistration.objects.exists()


def test_a_forged_expired_or_closed_link_opens_nothing(world, client):
    good = services_visit.visit_link_token(actor=world.guard, checkpoint=world.sjf_gate)
    forged = good.replace(f"{world.sjf_gate.pk}:", f"{world.xw_gate.pk}:", 1)
    unsigned = signing.TimestampSigner(salt="other").sign(str(world.sjf_gate.pk))
    for token in (forged, unsigned, "x"):
        page = client.post(f"/v/{token}/", VISITOR)
        assert page.status_code == 404 and "已失效" in page.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=services_visit.LINK_HOURS, minutes=1)):
        assert client.post(f"/v/{good}/", VISITOR).status_code == 404
    closed = signing.TimestampSigner(salt="cordon.checkpoints.visit").sign(str(world.east_gate.pk))
    assert client.get(f"/v/{closed}/").status_code == 404
    assert not SelfRegistration.objects.exists()


def test_rate_limited_per_device_and_per_checkpoint(world, client):
    url = _link(world)
    client.get(url)  # the visitor's phone opens the form (and gets its cookie)
    for _ in range(services_visit.PER_DEVICE):
        assert client.post(url, VISITOR).status_code == 200
    refused = client.post(url, VISITOR)
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    # A script posting without the cookie is counted by its address.
    script = client.__class__(REMOTE_ADDR="10.7.7.7")
    for _ in range(services_visit.PER_DEVICE):
        assert script.post(url, VISITOR, HTTP_COOKIE="").status_code == 200
        script.cookies.clear()
    assert script.post(url, VISITOR).status_code == 429
    # Another device may still register (until the checkpoint's own limit).
    now = timezone.now()
    for n in range(services_visit.PER_CHECKPOINT - 2 * services_visit.PER_DEVICE):
        services_visit.visit_register(checkpoint=world.sjf_gate, data=VISITOR, device=f"d{n}", now=now)
    other = client.__class__(REMOTE_ADDR="10.9.9.9")
    assert other.post(url, VISITOR).status_code == 429
    # The next village's gate is not held up by this one's flood; half an hour later this one opens.
    assert other.post(_link(world, world.xw_gate), VISITOR).status_code == 200
    with time_machine.travel(now + services_visit.WINDOW + dt.timedelta(minutes=1)):
        assert client.__class__(REMOTE_ADDR="10.9.9.8").post(url, VISITOR).status_code == 200


def test_the_guard_decides_and_the_entry_becomes_one_passage(world, client):
    client.post(_link(world), VISITOR)
    entry = SelfRegistration.objects.get()
    client.force_login(world.guard)
    gate = f"/checkpoints/{world.sjf_gate.pk}/gate/"
    page = client.get(gate)
    assert "自助登记，待门岗核验" in page.content.decode() and f"?visit={entry.pk}" in page.content.decode()
    opened = client.get(f"{gate}?visit={entry.pk}")
    assert opened.context["values"]["visited_name"] == "尹某某"
    form = {**opened.context["values"], "decision": "allowed", "client_id": "sr-1"}
    form.pop("occupants", None)
    assert client.post(gate, form).status_code == 200
    passage = Passage.objects.get()
    entry.refresh_from_db()
    assert entry.status == "decided" and entry.passage == passage
    assert entry.name == entry.document_number == entry.phone == ""  # the passage holds what was checked
    assert passage.visited_name == "尹某某" and passage.visited_phone == "13812345678"
    assert passage.origin == "霸州市区" and passage.name == "王访客"
    # Decided once: the same registration again is refused, the same entry again is the same passage.
    again = client.post(gate, {**form, "client_id": "sr-2"})
    assert "不再等待" in again.content.decode() and Passage.objects.count() == 1
    client.post(gate, form)
    assert Passage.objects.count() == 1
    # The day list shows whom the visitor came to see; its export masks them like everyone.
    assert "走访 尹某某" in client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/").content.decode()
    export = client.get(f"/checkpoints/{world.sjf_gate.pk}/passages/?format=csv").content.decode("utf-8-sig")
    assert (
        "走访对象" in export and "尹**" in export and "138****5678" in export and "13812345678" not in export
    )


def test_another_checkpoints_guard_cannot_see_or_decide_it(world, client, api_client):
    client.post(_link(world), VISITOR)
    entry = SelfRegistration.objects.get()
    # The entry belongs to 四间房村's gate: at 小湾村's gate (as its commander may log) it is not waiting.
    api = api_client(world.commander)
    answer = api.post(
        f"/api/v1/checkpoints/{world.xw_gate.pk}/passages",
        {"direction": "in", "name": "王访客", "decision": "allowed", "self_registration": entry.pk},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert SelfRegistration.objects.get().status == "waiting" and not Passage.objects.exists()
    client.force_login(world.other_clerk)
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/?visit={entry.pk}").status_code == 404
    assert client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/visit-qr/").status_code == 404


def test_the_api_decides_on_a_self_registration_and_shows_the_contact_masked(world, client, api_client):
    client.post(_link(world), VISITOR)
    entry = SelfRegistration.objects.get()
    api = api_client(world.guard)
    answer = api.post(
        f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages",
        {
            "client_id": "api-sr",
            "direction": "in",
            "document_number": VISITOR["document_number"],
            "name": "王访客",
            "visited_name": "尹某某",
            "visited_phone": "13812345678",
            "decision": "turned_back",
            "reason": "未预约",
            "self_registration": entry.pk,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["visited_phone"] == "138****5678"
    assert SelfRegistration.objects.get().passage_id == answer.json()["id"]


def test_the_qr_page_shows_a_link_that_opens_the_form(world, client):
    client.force_login(world.guard)
    page = client.get(f"/checkpoints/{world.sjf_gate.pk}/gate/visit-qr/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    path = page.context["url"].split("testserver", 1)[1]
    client.logout()
    assert client.get(path).status_code == 200


def test_the_guard_dismisses_an_entry_and_what_it_held_is_erased(world, client):
    from cordon.core.models import AuditEntry

    client.post(_link(world), VISITOR)
    entry = SelfRegistration.objects.get()
    dismiss = f"/checkpoints/{world.sjf_gate.pk}/gate/visits/{entry.pk}/dismiss/"
    client.force_login(world.other_clerk)  # another village: not even there
    assert client.post(dismiss).status_code == 404
    client.force_login(world.viewer)  # sees the county, keeps no gate
    assert client.post(dismiss).status_code == 403
    assert SelfRegistration.objects.get().status == "waiting"
    client.force_login(world.guard)
    assert client.get(dismiss).status_code == 405
    page = client.post(dismiss, follow=True).content.decode()
    assert "已驳回" in page and "王访客" not in page
    entry.refresh_from_db()
    assert entry.status == "dismissed" and entry.name == entry.document_number == entry.phone == ""
    assert entry.visited_phone == "" and entry.temperature is None
    audit = AuditEntry.objects.get(action="checkpoints.self_registration_dismiss")
    assert "王访客" not in str(audit.changes) and VISITOR["document_number"] not in str(audit.changes)
    # Twice (a double tap): said plainly, nothing else changes.
    assert "不再等待" in client.post(dismiss, follow=True).content.decode()


def test_an_entry_nobody_checked_lapses_and_is_erased(world, client):
    client.post(_link(world), VISITOR)
    assert services_visit.visits_lapse() == 0  # still in the queue
    later = timezone.now() + dt.timedelta(hours=services_visit.QUEUE_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert services_visit.visits_lapse() == 1
        assert services_visit.visits_lapse() == 0
    entry = SelfRegistration.objects.get()
    assert entry.status == "lapsed" and entry.name == entry.document_number == entry.phone == ""


def test_the_api_lists_the_queue_masked_and_dismisses(world, client, api_client):
    client.post(_link(world), VISITOR)
    entry = SelfRegistration.objects.get()
    base = f"/api/v1/checkpoints/{world.sjf_gate.pk}/self-registrations"
    queue = api_client(world.guard).get(base)
    assert queue.status_code == 200
    row = queue.json()[0]
    assert row["document_tail"] == VISITOR["document_number"][-4:] and row["phone"] == "139****5678"
    assert VISITOR["document_number"] not in queue.text and "13812345678" not in queue.text
    other = f"/api/v1/checkpoints/{world.xw_gate.pk}/self-registrations"
    assert api_client(world.other_clerk).get(base).status_code == 404
    assert entry.pk not in [r["id"] for r in api_client(world.commander).get(other).json()]
    done = api_client(world.guard).post(f"{base}/{entry.pk}/dismiss")
    assert done.status_code == 200 and done.json()["status"] == "dismissed" and done.json()["name"] == ""
    assert api_client(world.guard).post(f"{base}/{entry.pk}/dismiss").status_code == 422
    assert api_client(world.guard).get(base).json() == []
